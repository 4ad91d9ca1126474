package dev.socketloom.internal;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one implementation of {@link Connection}: the lifecycle state machine of one socket
 * ({@code CONNECTING -> OPEN -> CLOSED}), the thread that manages it, and the primitive {@code Connection} methods,
 * which delegate buffering to {@link ReadBuffer} and timing to {@link Activity}. The conveniences built on the
 * primitives live in {@link AbstractConnection}.
 *
 * <p>The socket is whatever the opener attached: a plain {@link Socket} today; a layer that must run before the
 * connection opens (a TLS handshake, a PROXY header) belongs between {@link #attach} and {@link #markOpen}, on the
 * connection's own thread.
 *
 * <p>State changes happen under the state lock - this object itself, a {@link Mutex} through
 * {@link AbstractConnection}, so that an idle connection does not pay for a lock object; it is held only for
 * non-blocking work (plus the socket close and
 * a thread start), never across reads, writes or joins, which {@link ConnectionIo} serializes with locks of its own.
 */
public final class SocketConnection extends AbstractConnection implements Threads.SelfCounting {
    private enum State { CONNECTING, OPEN, CLOSED }

    private final long id;
    private final RuntimeCore runtime;
    private final ListeningServer server;
    private final ConnectOptions options;
    private final ConnectionIo io;
    /** Where this connection goes; null for accepted connections, whose socket knows (and not kept twice). */
    private volatile InetSocketAddress remote;

    // written under the state lock, volatile for lock-free reads
    private volatile State state = State.CONNECTING;
    private volatile Socket socket;
    private volatile Thread manager;
    private volatile EventPump events;
    private Thread closedManager; // guarded by the state lock

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

    /** Marks the attached, connected socket open; false if this connection was disconnected meanwhile. */
    boolean markOpen() throws IOException {
        lock();
        try {
            if (state == State.CLOSED) {
                return false;
            }
            io.open(socket, this);
            io.activity().touch();
            state = State.OPEN;
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

    /**
     * The non-blocking half of disconnect: closes the socket, interrupts the managing thread (unless it is the
     * caller) and leaves every registry. Idempotent; returns the thread that must be joined, or null.
     */
    Thread closeOnce(InetError reason) {
        lock();
        try {
            if (state != State.CLOSED) {
                if (reason != null) {
                    expiredBecause = reason;
                }
                state = State.CLOSED;
                closedManager = manager;
                EventPump pump = events;
                if (pump != null) {
                    pump.cancel();
                }
                Sockets.closeQuietly(socket);
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

    /** The attached socket, or null before {@link #attach}. */
    Socket socket() {
        return socket;
    }

    ConnectOptions options() {
        return options;
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
    public Duration idleTime() {
        return Duration.ofNanos(io.activity().idleNanos(System.nanoTime()));
    }

    // ------------------------------------------------------------------ Connection: disconnect

    @Override
    public void disconnect() throws InetException {
        join(closeOnce(null), "connection " + remoteAddress() + " is closed, but its thread");
    }

    /** Joins {@code t} (not the caller: L5) against the join deadline; reports it if it outlives it (L6). */
    private void join(Thread t, String whose) throws InetException {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        List<String> stragglers = runtime.joins().join(List.of(t), options.joinDeadline());
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

    @Override
    public String toString() {
        return "Connection[" + id + " " + remoteAddress() + " " + state + "]";
    }
}
