package dev.socketloom.internal.connection;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyHeader;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.proxy.ProxyHeaderReader;
import dev.socketloom.internal.tls.TlsLayer;
import dev.socketloom.internal.util.ThreadStarter;
import dev.socketloom.internal.util.Watchdog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The lifecycle state machine of one connection's socket ({@code CONNECTING -> OPEN -> CLOSED}) and what it owns: the
 * socket, the thread that manages the connection, its byte path ({@link ConnectionIo}), the PROXY header and TLS
 * layer in front of it, and the per-address count it holds at its server. {@link SocketConnection} builds the
 * {@code Connection} API on it.
 *
 * <p>The socket is whatever the opener attached: a plain {@link Socket}; a layer that must run before the
 * connection opens (a TLS handshake, a PROXY header) belongs between {@link #attach} and {@link #markOpen}, on the
 * connection's own thread: the TLS one is {@link SocketConnection#secure}, the PROXY header is read by
 * {@link ClientSetup}, and {@link #markOpen(ProxyHeaderReader.Preface)} takes the header's client as
 * {@link #remoteAddress()} and the bytes read past the header as the first bytes of the stream.
 *
 * <p>Closing is {@link #closeOnce}: the first half of every disconnect (close the socket, interrupt the managing
 * thread, leave every registry, report the close), idempotent, returning the thread to join. It does not block, except
 * for a graceful TLS close's close_notify, which a watchdog deadline bounds.
 *
 * <p>State changes happen under the state lock - this object itself, a {@link Mutex} through
 * {@link AbstractConnection}, so that an idle connection does not pay for a lock object; it is held only for
 * non-blocking work (plus the socket close, a thread start, and a bounded close_notify), never across reads, writes
 * or joins, which {@link ConnectionIo} serializes with locks of its own. Because of the close_notify, the watchdog
 * never waits for it (see {@link #expire}): the deadline that ends a stuck close_notify is the watchdog's own. The fields the subclass reads are written here, under the
 * state lock, and volatile for lock-free reads.
 */
abstract sealed class ConnectionLifecycle extends AbstractConnection implements Watchdog.Watched
        permits SocketConnection {

    private enum State { CONNECTING, OPEN, CLOSED }

    private final long id;
    final ConnectionHost runtime;
    final AcceptingServer server;
    final ConnectOptions options;
    final ConnectionIo io;
    /** Where this connection goes; null for accepted connections, whose socket knows (and not kept twice). */
    volatile InetSocketAddress remote;
    /** The PROXY header read before the connection opened, or null; the proxy's address is the socket's peer. */
    volatile ProxyHeader proxyHeader;

    // written under the state lock, volatile for lock-free reads
    private volatile State state = State.CONNECTING;
    volatile Socket socket;
    volatile Thread manager; // once CLOSED, nulled only after it was joined: closeOnce returns it to every caller
    volatile EventPump events;
    volatile TlsLayer tls;
    /** An async connect still dialing; closed by a disconnect like the socket. */
    private volatile AutoCloseable pending;

    /**
     * The address its server counts this client under for the per-address limit, or null: written and taken back
     * only by {@link ClientRegistry}, atomically.
     */
    volatile InetAddress countedAs;

    /** Which deadline expired when the runtime closed this connection on its own (TIMEOUT), or null; set first. */
    private volatile String expiry;

    /**
     * A connection to {@code remote}, or (null) one accepted by {@code server}, whose socket knows its address.
     * Every field here is paid for by every idle connection, so what can be derived is derived (the thread name,
     * the activity, the address of an accepted connection).
     */
    ConnectionLifecycle(long id, ConnectionHost runtime, AcceptingServer server, ConnectOptions options,
                     InetSocketAddress remote) {
        this.id = id;
        this.runtime = runtime;
        this.server = server;
        this.options = options;
        this.remote = remote;
        this.io = new ConnectionIo(self());
    }

    /** This connection as what the registries and the byte path hold: its one (sealed) subclass. */
    private SocketConnection self() {
        return (SocketConnection) this;
    }

    /**
     * Attaches a socket (connected or still to connect). Returns false, closing the socket, if this connection was
     * disconnected meanwhile.
     */
    public boolean attach(Socket s) {
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
    public boolean markOpen() throws IOException {
        return markOpen(ProxyHeaderReader.Preface.NONE);
    }

    /**
     * Takes a PROXY header's client as the remote address before a TLS handshake opens the connection (the TCP peer
     * stays available as {@link #proxyAddress()}); nothing for a null header.
     */
    public void proxied(ProxyHeader h) {
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
    public boolean markOpen(ProxyHeaderReader.Preface preface) throws IOException {
        lock();
        try {
            if (state == State.CLOSED) {
                return false;
            }
            applyProxyHeader(preface.header());
            TlsLayer layer = tls;
            io.open(layer != null ? layer.socket() : socket, preface.rest());
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
    public boolean startManager(String name, Runnable body, ThreadStarter starter) {
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
    public Thread closeOnce(InetError reason) {
        return closeOnce(reason, null);
    }

    /**
     * The non-blocking half of disconnect: closes the socket, interrupts the managing thread (unless it is the
     * caller) and leaves every registry. Idempotent; returns the thread that must be joined, or null. The first call
     * reports {@code ConnectionClosed} with {@code cause} (null: derived from {@code reason} and end of stream).
     */
    public Thread closeOnce(InetError reason, CloseCause cause) {
        return closeOnce(reason, cause, Long.MAX_VALUE);
    }

    /**
     * {@link #closeOnce(InetError, CloseCause)} with a shared deadline for close_notify ({@link System#nanoTime()}),
     * so that a stop closing many TLS clients spends at most that long on peers that do not read.
     */
    public Thread closeOnce(InetError reason, CloseCause cause, long closeNotifyBy) {
        lock();
        try {
            if (state != State.CLOSED) {
                state = State.CLOSED;
                Thread m = manager;
                LifecycleEvents.closed(this, cause, reason, m, expiry);
                EventPump pump = events;
                if (pump != null) {
                    pump.cancel();
                }
                Sockets.closeQuietly(pending);
                closeTransport(reason, closeNotifyBy);
                if (m != null && m != Thread.currentThread()) {
                    m.interrupt();
                }
                // still under the lock: a concurrent disconnect that sees CLOSED also sees the registries updated
                runtime.unregister(self());
                if (server != null) {
                    server.unregister(self(), cause);
                }
            }
            return manager;
        } finally {
            unlock();
        }
    }

    /** Watchdog hook: closes the connection if its write or idle deadline passed. */
    public void checkDeadlines(long now) {
        if (state != State.OPEN) {
            return;
        }
        Activity activity = io.activity();
        if (activity.writeOverdue(now)) {
            expire("write timeout " + options.writeTimeout());
        } else if (eventsOff() && activity.idleExpired(now)) {
            expire("idle timeout " + options.idleTimeout());
        }
    }

    /** No event pump delivers TIMEOUT: none, or a canceled one whose thread has not ended yet. */
    private boolean eventsOff() {
        EventPump pump = events;
        return pump == null || pump.isCanceled();
    }

    /**
     * Closes the connection on the runtime's own account (TIMEOUT): the deadline {@code which} expired. Called on the
     * watchdog thread, which must never wait for the state lock: its holder may be a disconnect sending close_notify,
     * which only a deadline of this very watchdog can end. A busy lock means the connection is changing state right
     * now; the deadline is looked at again on the next tick.
     */
    private void expire(String which) {
        if (!tryLock()) {
            return;
        }
        try {
            if (state != State.CLOSED) {
                expiry = which;
                closeOnce(InetError.TIMEOUT);
            }
        } finally {
            unlock();
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

    public boolean needsWatchdog() {
        return io.activity().hasDeadlines();
    }

    Activity activity() {
        return io.activity();
    }

    /** The name of the thread that manages this connection: {@code socketloom-client-<address>:<port>}. */
    String threadName() {
        return Sockets.clientThreadName(remoteAddress());
    }

    public ConnectOptions options() {
        return options;
    }

    /** The server that accepted this connection, or null on the client side. */
    AcceptingServer server() {
        return server;
    }

    /** Starts the threads of this connection's runtime (an async connect's attempts). */
    ThreadStarter runtimeThreads() {
        return runtime.threads();
    }

    /** The attached socket, for a setup step that reads from it before the connection opens. */
    public Socket socket() {
        return socket;
    }

    public boolean isOpenState() {
        return state == State.OPEN;
    }

    public boolean isClosedState() {
        return state == State.CLOSED;
    }


    /**
     * Throws NOT_CONNECTED unless the connection is open; after an expiry it names the deadline and carries its TIMEOUT
     * as the cause ({@link ConnectionErrors#notOpen}).
     */
    void ensureOpen() throws InetException {
        State s = state;
        if (s != State.OPEN) {
            throw ConnectionErrors.notOpen(s == State.CONNECTING, remoteAddress(), expiry);
        }
    }

    /** Translates an I/O failure, preferring what we know about our own state. */
    InetException failure(IOException e, String op) {
        return failure(e, op, "");
    }

    /**
     * Translates an I/O failure of {@code op} ({@link ConnectionErrors#failure}); {@code kept} (empty, or starting with
     * "; ") says what the call kept of its bytes.
     */
    InetException failure(IOException e, String op, String kept) {
        if (e instanceof InetException ie) {
            return ie;
        }
        return ConnectionErrors.failure(e, op, kept, state == State.CLOSED, expiry, remoteAddress(),
                options.readTimeout());
    }

    @Override
    public long id() {
        return id;
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

    /** The byte path, for the event pump's waits. */
    ConnectionIo io() {
        return io;
    }

    /** Sets the address an async connect resolved, before it attaches its socket. */
    void resolved(InetSocketAddress target) {
        remote = target;
    }

    /** The state's name, for {@code toString}. */
    String stateName() {
        return state.name();
    }
}
