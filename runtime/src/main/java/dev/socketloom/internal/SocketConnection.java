package dev.socketloom.internal;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.TlsInfo;
import dev.socketloom.TlsOptions;
import dev.socketloom.ProxyHeader;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one implementation of {@link Connection}: the lifecycle state machine of one socket
 * ({@code CONNECTING -> OPEN -> CLOSED}), the thread that manages it, and the primitive {@code Connection} methods,
 * which delegate buffering to {@link ReadBuffer} and timing to {@link Activity}. The conveniences built on the
 * primitives live in {@link AbstractConnection}.
 *
 * <p>The socket is whatever the opener attached: a plain {@link Socket}; a layer that must run before the
 * connection opens (a TLS handshake, a PROXY header) belongs between {@link #attach} and {@link #markOpen}, on the
 * connection's own thread. {@link #secure} is the TLS one: it layers a {@link TlsLayer} over the attached socket and
 * opens the connection when the handshake completed (or, for {@code startTls}, upgrades an open one in place).
 * The PROXY header is another ({@link ClientSetup}): {@link #markOpen(ProxyHeaderReader.Preface)} takes the header's
 * client as {@link #remoteAddress()} and the bytes read past the header as the first bytes of the stream.
 *
 * <p>State changes happen under the state lock - this object itself, a {@link Mutex} through
 * {@link AbstractConnection}, so that an idle connection does not pay for a lock object; it is held only for
 * non-blocking work (plus the socket close and a thread start), never across reads, writes or joins, which
 * {@link ConnectionIo} serializes with locks of its own.
 */
public final class SocketConnection extends AbstractConnection implements Threads.SelfCounting {
    private enum State { CONNECTING, OPEN, CLOSED }

    private static final VarHandle COUNTED_AS;

    static {
        try {
            COUNTED_AS = MethodHandles.lookup().findVarHandle(SocketConnection.class, "countedAs", InetAddress.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id;
    private final RuntimeCore runtime;
    private final ListeningServer server;
    private final ConnectOptions options;
    private final ConnectionIo io;
    /** Where this connection goes; null for accepted connections, whose socket knows (and not kept twice). */
    private volatile InetSocketAddress remote;
    /** The PROXY header read before the connection opened, or null; the proxy's address is the socket's peer. */
    private volatile ProxyHeader proxyHeader;

    // written under the state lock, volatile for lock-free reads
    private volatile State state = State.CONNECTING;
    private volatile Socket socket;
    private volatile Thread manager;
    private volatile EventPump events;
    private volatile TlsLayer tls;
    /** An async connect still dialing; closed by a disconnect like the socket. */
    private volatile AutoCloseable pending;
    private Thread closedManager; // guarded by the state lock

    /** The address its server counts this client under for the per-address limit, or null ({@link ClientRegistry}). */
    private volatile InetAddress countedAs;

    /** Why the runtime closed this connection on its own (TIMEOUT for write/idle expiry), or null. */
    private volatile InetError expiredBecause;
    /** Which deadline expired, for error messages; written before {@link #expiredBecause}. */
    private volatile String expiry = "timeout";

    /**
     * A connection to {@code remote}, or (null) one accepted by {@code server}, whose socket knows its address.
     * Every field here is paid for by every idle connection, so what can be derived is derived (the thread name,
     * the activity, the address of an accepted connection).
     */
    SocketConnection(long id, RuntimeCore runtime, ListeningServer server, ConnectOptions options,
                     InetSocketAddress remote) {
        this.id = id;
        this.runtime = runtime;
        this.server = server;
        this.options = options;
        this.remote = remote;
        this.io = new ConnectionIo(this, new Activity(options));
    }

    // ------------------------------------------------------------------ lifecycle (package-private)

    /**
     * Attaches a socket (connected or still to connect). Returns false, closing the socket, if this connection was
     * disconnected meanwhile.
     */
    boolean attach(Socket s) {
        lock();
        try {
            if (state == State.CLOSED) {
                Sockets.closeQuietly(s);
                return false;
            }
            socket = s;
            return true;
        } finally {
            unlock();
        }
    }

    /** Attaches an async connect's dial, so that a disconnect cancels it; false (closing it) if already closed. */
    boolean attachPending(AutoCloseable dial) {
        lock();
        try {
            if (state == State.CLOSED) {
                Sockets.closeQuietly(dial);
                return false;
            }
            pending = dial;
            return true;
        } finally {
            unlock();
        }
    }

    /** Marks the attached, connected socket open; false if this connection was disconnected meanwhile. */
    boolean markOpen() throws IOException {
        return markOpen(ProxyHeaderReader.Preface.NONE);
    }

    /**
     * Takes a PROXY header's client as the remote address before a TLS handshake opens the connection (the TCP peer
     * stays available as {@link #proxyAddress()}); nothing for a null header.
     */
    void proxied(ProxyHeader h) {
        lock();
        try {
            applyProxyHeader(h);
        } finally {
            unlock();
        }
    }

    private void applyProxyHeader(ProxyHeader h) { // under the state lock
        if (h != null && proxyHeader == null) {
            InetSocketAddress peer = remoteAddress(); // the TCP peer: the proxy
            proxyHeader = h;
            remote = h.inetSource().orElse(peer);
        }
    }

    /**
     * Marks the attached socket open after its preface was read: a PROXY header's client becomes the remote address
     * (the TCP peer stays available as {@link #proxyAddress()}), and the bytes read past the header are the first the
     * application reads. False if this connection was disconnected meanwhile.
     */
    boolean markOpen(ProxyHeaderReader.Preface preface) throws IOException {
        lock();
        try {
            if (state == State.CLOSED) {
                return false;
            }
            applyProxyHeader(preface.header());
            TlsLayer layer = tls;
            io.open(layer != null ? layer.socket() : socket, this, preface.rest());
            io.activity().touch();
            state = State.OPEN;
            LifecycleEvents.opened(this);
            return true;
        } finally {
            unlock();
        }
    }

    /**
     * Starts the thread that manages this connection through {@code starter}, unless the connection is already
     * closed or managed. Starting under the state lock means a disconnect either sees the started thread (and joins
     * it) or prevents it from ever starting: no handler code can begin after disconnect returned (L4).
     */
    boolean startManager(String name, Runnable body, ThreadStarter starter) {
        lock();
        try {
            if (state == State.CLOSED || manager != null) {
                return false;
            }
            Thread t = starter.start(name, body);
            if (t == null) {
                return false;
            }
            manager = t;
            return true;
        } finally {
            unlock();
        }
    }

    /** {@link #closeOnce(InetError, CloseCause)} with the cause derived: TIMEOUT, else PEER after EOF, else LOCAL. */
    Thread closeOnce(InetError reason) {
        return closeOnce(reason, null);
    }

    /**
     * The non-blocking half of disconnect: closes the socket, interrupts the managing thread (unless it is the
     * caller) and leaves every registry. Idempotent; returns the thread that must be joined, or null. The first call
     * reports {@code ConnectionClosed} with {@code cause} (null: derived from {@code reason} and end of stream).
     */
    Thread closeOnce(InetError reason, CloseCause cause) {
        return closeOnce(reason, cause, Long.MAX_VALUE);
    }

    /**
     * {@link #closeOnce(InetError, CloseCause)} with a shared deadline for close_notify ({@link System#nanoTime()}),
     * so that a stop closing many TLS clients spends at most that long on peers that do not read.
     */
    Thread closeOnce(InetError reason, CloseCause cause, long closeNotifyBy) {
        lock();
        try {
            if (state != State.CLOSED) {
                if (reason != null) {
                    expiredBecause = reason;
                }
                state = State.CLOSED;
                closedManager = manager;
                LifecycleEvents.closed(this, cause, reason, closedManager, expiry);
                EventPump pump = events;
                if (pump != null) {
                    pump.cancel();
                }
                Sockets.closeQuietly(pending);
                closeTransport(reason, closeNotifyBy);
                Thread m = closedManager;
                if (m != null && m != Thread.currentThread()) {
                    m.interrupt();
                }
                // still under the lock: a concurrent disconnect that sees CLOSED also sees the registries updated
                runtime.unregister(this);
                if (server != null) {
                    server.unregister(this);
                }
            }
            return closedManager;
        } finally {
            unlock();
        }
    }

    /** Watchdog hook: closes the connection if its write or idle deadline passed. */
    void checkDeadlines(long now) {
        if (state != State.OPEN) {
            return;
        }
        Activity activity = io.activity();
        if (activity.writeOverdue(now)) {
            expiry = "write timeout " + options.writeTimeout();
            closeOnce(InetError.TIMEOUT);
        } else if (events == null && activity.idleExpired(now)) {
            expiry = "idle timeout " + options.idleTimeout();
            closeOnce(InetError.TIMEOUT);
        }
    }

    /**
     * Closes the socket; an established TLS layer sends close_notify first (bounded), unless the runtime closes the
     * connection on its own ({@code reason}: a timeout) or a write is in progress (see {@link TlsLayer}).
     */
    private void closeTransport(InetError reason, long closeNotifyBy) {
        TlsLayer layer = tls;
        if (layer != null && reason == null && io.tryLockWrite()) {
            try {
                layer.closeNotify(runtime.watchdog(), options.joinDeadline(), closeNotifyBy);
            } finally {
                io.unlockWrite();
            }
        }
        Sockets.closeQuietly(socket);
    }

    /**
     * Layers TLS over this connection and shakes hands on the calling thread, which must be the connection's own
     * (its handler, event or connecting thread). A connection that is still connecting opens when the handshake
     * completes (implicit TLS); an open one ({@code startTls}, with its byte path locked by the caller) stays open.
     * On failure the classified error is thrown and the caller closes the connection (after reporting it, for an
     * event thread): a connection whose handshake failed never opens, so no handler sees it.
     *
     * @param consumed bytes a server already read from the peer (the start of the client's handshake), or null
     */
    void secure(TlsOptions o, byte[] consumed) throws InetException {
        TlsLayer layer;
        boolean upgrade;
        lock();
        try {
            if (state == State.CLOSED) {
                throw new InetException(InetError.NOT_CONNECTED, "connection to " + remoteAddress() + " is closed");
            }
            upgrade = state == State.OPEN;
            layer = server != null ? TlsLayer.server(socket, o, consumed)
                    : TlsLayer.client(socket, o, remote.getHostString(), remote.getPort());
            tls = layer;
        } catch (IOException e) {
            throw failure(e, "TLS setup");
        } finally {
            unlock();
        }
        try {
            layer.handshake(runtime.watchdog(), Sockets.timeoutMillis(options.readTimeout()));
            if (upgrade) {
                io.reopen(layer.socket());
            } else if (!markOpen()) {
                throw new InetException(InetError.NOT_CONNECTED, "connection to " + remoteAddress() + " is closed");
            }
        } catch (IOException e) {
            throw state == State.CLOSED || e instanceof InetException ? failure(e, "TLS handshake")
                    : layer.failure(e);
        }
    }

    /**
     * The body of an accepted connection's thread: its server's handler ({@link ListeningServer#serve}). The
     * connection is the thread's task itself, which saves a task object per client, and counts its own end.
     */
    @Override
    public void run() {
        try {
            server.serve(this);
        } finally {
            runtime.threads().ended();
        }
    }

    /** Remembers the address this client was counted under ({@link ClientRegistry#admit}). */
    void countAs(InetAddress address) {
        countedAs = address;
    }

    /** Takes back the count under {@code address} if it is still there: true for exactly one caller. */
    boolean takeCount(InetAddress address) {
        return COUNTED_AS.compareAndSet(this, address, null);
    }

    /** Takes back whatever count this client holds, for exactly one caller; null if none. */
    InetAddress takeCount() {
        return (InetAddress) COUNTED_AS.getAndSet(this, null);
    }

    boolean needsWatchdog() {
        return io.activity().hasDeadlines();
    }

    Activity activity() {
        return io.activity();
    }

    /** The name of the thread that manages this connection: {@code socketloom-client-<address>:<port>}. */
    String threadName() {
        return RuntimeCore.clientThreadName(remoteAddress());
    }

    ConnectOptions options() {
        return options;
    }

    /** The server that accepted this connection, or null on the client side. */
    ListeningServer server() {
        return server;
    }

    /** Starts the threads of this connection's runtime (an async connect's attempts). */
    ThreadStarter runtimeThreads() {
        return runtime.threads();
    }

    /** The attached socket, for a setup step that reads from it before the connection opens. */
    Socket socket() {
        return socket;
    }

    boolean isOpenState() {
        return state == State.OPEN;
    }

    boolean isClosedState() {
        return state == State.CLOSED;
    }

    // ------------------------------------------------------------------ errors

    /** Throws NOT_CONNECTED (or why the runtime closed it) unless the connection is open. */
    void ensureOpen() throws InetException {
        State s = state;
        if (s != State.OPEN) {
            InetError why = expiredBecause;
            if (s == State.CLOSED && why != null) {
                throw new InetException(why, "connection to " + remoteAddress() + " was closed by its " + expiry);
            }
            throw new InetException(InetError.NOT_CONNECTED, s == State.CONNECTING
                    ? "connection to " + remoteAddress() + " is still connecting"
                    : "connection to " + remoteAddress() + " is closed");
        }
    }

    /** Translates an I/O failure, preferring what we know about our own state. */
    InetException failure(IOException e, String op) {
        if (e instanceof InetException ie) {
            return ie;
        }
        if (state == State.CLOSED) {
            InetError why = expiredBecause;
            if (why != null) {
                return new InetException(why, op + " on " + remoteAddress() + " ended by the " + expiry, e);
            }
            return new InetException(InetError.NOT_CONNECTED, op + " on " + remoteAddress() + " ended by disconnect", e);
        }
        return new InetException(Errors.classify(e), op + " on " + remoteAddress(), e);
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public int read(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        return io.read(b, off, len);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        int got = io.readFully(b, off, len);
        if (got < len) {
            throw new InetException(InetError.NOT_CONNECTED,
                    "stream from " + remoteAddress() + " ended after " + got + " of " + len + " bytes");
        }
    }

    @Override
    public String readLine() throws InetException {
        return io.readLine();
    }

    @Override
    public int peek(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        return io.peek(b, off, len);
    }

    @Override
    public int available() {
        return state == State.OPEN ? io.available() : 0;
    }

    @Override
    public void write(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        io.write(b, off, len);
    }

    @Override
    public void shutdownOutput() throws InetException {
        io.shutdownOutput();
    }

    // ------------------------------------------------------------------ Connection: state and views

    @Override
    public boolean isConnected() {
        return state == State.OPEN && !io.eof();
    }

    @Override
    public InetSocketAddress localAddress() {
        Socket s = socket;
        return s != null && s.getLocalSocketAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        InetSocketAddress r = remote;
        if (r == null) { // accepted: ask the socket (a new address object per call; only error paths call it often)
            Socket s = socket;
            return s != null && s.getRemoteSocketAddress() instanceof InetSocketAddress a ? a : null;
        }
        return r;
    }

    @Override
    public ProxyHeader proxyHeader() {
        return proxyHeader;
    }

    @Override
    public InetSocketAddress proxyAddress() {
        if (proxyHeader == null) {
            return null;
        }
        Socket s = socket; // the TCP peer: the proxy (not kept as a field of its own)
        return s != null && s.getRemoteSocketAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(io.activity().idleNanos(System.nanoTime()));
    }

    // ------------------------------------------------------------------ Connection: disconnect

    @Override
    public void disconnect() throws InetException {
        long start = System.nanoTime();
        Thread t = closeOnce(null);
        // a TLS close_notify may have taken part of the deadline: the whole call stays within it
        join(t, "connection " + remoteAddress() + " is closed, but its thread", options.joinDeadline().minusNanos(
                Math.min(System.nanoTime() - start, options.joinDeadline().toNanos() / 2)));
    }

    /** Joins {@code t} (not the caller: L5) against the join deadline; reports it if it outlives it (L6). */
    private void join(Thread t, String whose) throws InetException {
        join(t, whose, options.joinDeadline());
    }

    private void join(Thread t, String whose, Duration deadline) throws InetException {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        List<String> stragglers = runtime.joins().join(List.of(t), deadline);
        if (!stragglers.isEmpty()) {
            throw new InetException(InetError.THREAD_NOT_TERMINATED,
                    whose + " ignored the interrupt for " + options.joinDeadline(), null, stragglers);
        }
    }

    @Override
    public void abort() throws InetException {
        Socket s = socket;
        if (s != null && state != State.CLOSED) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException alreadyClosed) {
                // nothing left to abort
            }
        }
        disconnect();
    }

    // ------------------------------------------------------------------ events

    @Override
    public void enableEvents(EventHandler handler, Set<Event> mask) throws InetException {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(mask, "events");
        EnumSet<Event> copy = mask.isEmpty() ? EnumSet.noneOf(Event.class) : EnumSet.copyOf(mask);
        lock();
        try {
            ensureOpen();
            Thread m = manager;
            if (m != null) {
                throw new InetException(InetError.INVALID_ARGUMENT, remoteAddress() + " is already managed by thread "
                        + m.getName() + " (a server handler or an event thread)");
            }
            EventPump pump = new EventPump(this, handler, copy);
            events = pump;
            String name = "socketloom-events-" + threadName().substring("socketloom-".length());
            if (!startManager(name, pump, runtime.threads())) {
                events = null;
                throw new InetException(InetError.NOT_CONNECTED, "connection to " + remoteAddress() + " is closed");
            }
        } finally {
            unlock();
        }
    }

    /** Installs the pump of an async connect (or of a handler running events inline) before it runs. */
    void installPump(EventPump pump) {
        events = pump;
    }

    @Override
    public void disableEvents() throws InetException {
        EventPump pump;
        Thread t;
        lock();
        try {
            pump = events;
            if (pump == null) {
                return;
            }
            t = manager;
            pump.cancel();
            events = null;
        } finally {
            unlock();
        }
        if (t == null || t == Thread.currentThread()) {
            return; // from the event thread itself: it stops after the running callback and clears itself (pumpEnded)
        }
        join(t, "event thread of " + remoteAddress());
        lock();
        try {
            if (manager == t) {
                manager = null;
            }
        } finally {
            unlock();
        }
    }

    @Override
    public boolean eventsEnabled() {
        EventPump pump = events;
        return pump != null && !pump.isCanceled();
    }

    /** Called by the pump's thread when the pump ends (EOF, error, cancel). */
    void pumpEnded(EventPump pump) {
        lock();
        try {
            if (events == pump) {
                events = null;
            }
            if (!pump.isInline() && manager == Thread.currentThread() && state != State.CLOSED) {
                manager = null; // an event thread (not a server handler running the pump inline) is done
            }
        } finally {
            unlock();
        }
    }

    /** The byte path, for the event pump's waits. */
    ConnectionIo io() {
        return io;
    }

    /** Sets the address an async connect resolved, before it attaches its socket. */
    void resolved(InetSocketAddress target) {
        remote = target;
    }

    // ------------------------------------------------------------------ TLS

    @Override
    public boolean isSecure() {
        TlsLayer layer = tls;
        return layer != null && layer.established();
    }

    @Override
    public Optional<TlsInfo> tlsInfo() {
        TlsLayer layer = tls;
        return Optional.ofNullable(layer == null ? null : layer.info());
    }

    @Override
    public void startTls(TlsOptions o) throws InetException {
        Objects.requireNonNull(o, "options");
        if (server != null && !o.hasKeyMaterial()) {
            throw new InetException(InetError.INVALID_ARGUMENT, "startTls on the server side needs key material");
        }
        byte[] pending = io.beginUpgrade(tls != null);
        try {
            if (server == null && pending.length > 0) {
                closeOnce(null);
                throw new InetException(InetError.TLS_HANDSHAKE_FAILED, remoteAddress() + " sent " + pending.length
                        + " bytes of plaintext before the TLS handshake (a STARTTLS injection?); disconnected");
            }
            secure(o, pending);
        } catch (InetException e) {
            closeOnce(null);
            throw e;
        } finally {
            io.endUpgrade();
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + remoteAddress() + " " + state + "]";
    }
}
