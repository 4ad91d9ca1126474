package dev.socketloom.internal.runtime;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.ConnectionHandler;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.internal.connection.CloseCause;
import dev.socketloom.internal.connection.EventPump;
import dev.socketloom.internal.connection.SocketConnection;
import dev.socketloom.internal.dial.Dial;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.errors.Errors;
import dev.socketloom.internal.server.Keeper;
import dev.socketloom.internal.server.ListeningServer;
import dev.socketloom.internal.server.ServerHost;
import dev.socketloom.internal.util.JoinPolicy;
import dev.socketloom.internal.util.Threads;
import dev.socketloom.internal.util.Watchdog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The implementation of {@link SocketRuntime}: registries of live connections and servers, the thread factory that
 * counts every thread it starts, the watchdog for write and idle deadlines, and the keeper that holds the JVM alive
 * while servers run.
 */
public final class RuntimeCore implements SocketRuntime, ServerHost {
    private static final AtomicLong IDS = new AtomicLong();
    private static final Duration INTERNAL_JOIN = Duration.ofSeconds(10);

    /** Connections this runtime opened itself (client side); accepted ones are in their server's registry only. */
    private final Set<SocketConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<ListeningServer> servers = ConcurrentHashMap.newKeySet();
    private final Set<Dial> pendingConnects = ConcurrentHashMap.newKeySet();
    private final Threads threads = new Threads();
    private final Stragglers stragglers = new Stragglers();
    private final JoinPolicy joins;
    private final Watchdog watchdog = new Watchdog(threads);
    private final Keeper keeper = new Keeper();
    private final ReentrantLock closeLock = new ReentrantLock();
    private volatile boolean closed;

    /** Opens a runtime; use {@link SocketRuntime#open()}. */
    public RuntimeCore() {
        this(JoinPolicy.STANDARD);
    }

    /** Opens a runtime that waits for the threads it interrupts with {@code joins} (a seam for the test suite). */
    public RuntimeCore(JoinPolicy joins) {
        this.joins = Objects.requireNonNull(joins, "joins");
    }

    static long nextId() {
        return IDS.incrementAndGet();
    }

    @Override
    public long nextConnectionId() {
        return nextId();
    }

    // ------------------------------------------------------------------ threads

    /** Starts (and counts) every thread of this runtime. */
    @Override
    public Threads threads() {
        return threads;
    }

    /** How disconnects, stops and close wait for the threads they interrupted. */
    @Override
    public JoinPolicy joins() {
        return joins;
    }

    /**
     * Joins {@code toJoin} with this runtime's {@link JoinPolicy} and returns the names still alive at the deadline;
     * those threads are remembered ({@link Stragglers}), so that every later close of the runtime joins and reports
     * them again while they live, whichever call they first outlived.
     */
    @Override
    public List<String> join(Collection<Thread> toJoin, Duration deadline) {
        List<String> late = joins.join(toJoin, deadline);
        if (!late.isEmpty()) {
            stragglers.record(toJoin, deadline);
        }
        return late;
    }

    @Override
    public Keeper keeper() {
        return keeper;
    }

    /** Enforces write, idle, TLS handshake and close_notify deadlines. */
    @Override
    public Watchdog watchdog() {
        return watchdog;
    }

    @Override
    public int liveThreadCount() {
        return threads.live() + keeper.aliveCount();
    }

    // ------------------------------------------------------------------ registries

    private void ensureOpen() throws InetException {
        if (closed) {
            throw new InetException(InetError.NOT_INITIALIZED, "the SocketRuntime has been closed");
        }
    }

    /**
     * Adds a client-side connection; if the runtime closed concurrently, the connection is closed and NOT_INITIALIZED
     * thrown.
     */
    void register(SocketConnection c) throws InetException {
        connections.add(c);
        watchIfOpen(c);
    }

    /**
     * Takes on a connection a server accepted and registered itself (a server's clients are not kept twice): watches
     * its deadlines; if the runtime closed concurrently, the connection is closed and NOT_INITIALIZED thrown. The
     * server added it to its registry before this, so a concurrent close either finds it there or sees it here.
     */
    @Override
    public void adopt(SocketConnection c) throws InetException {
        watchIfOpen(c);
    }

    private void watchIfOpen(SocketConnection c) throws InetException {
        if (c.needsWatchdog()) {
            watchdog.watch(c);
        }
        if (closed) {
            c.closeOnce(null, CloseCause.RUNTIME_CLOSE);
            throw new InetException(InetError.NOT_INITIALIZED, "the SocketRuntime was closed while connecting");
        }
    }

    @Override
    public void unregister(SocketConnection c) {
        connections.remove(c);
        if (c.needsWatchdog()) {
            watchdog.unwatch(c);
        }
    }

    @Override
    public void unregister(ListeningServer s) {
        servers.remove(s);
    }

    @Override
    public List<Connection> connections() {
        List<Connection> all = new ArrayList<>(connections);
        for (ListeningServer s : servers) {
            all.addAll(s.clientSnapshot());
        }
        return List.copyOf(all);
    }

    @Override
    public List<Server> servers() {
        return List.copyOf(servers);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ connect

    /** Connects on the caller's thread, to every address {@code host} resolves to if need be ({@link Dial}). */
    @Override
    public Connection connect(String host, int port, ConnectOptions options) throws InetException {
        Objects.requireNonNull(options, "options");
        ensureOpen();
        Dial dial = new Dial(host, port, Dial.resolve(host, port, options.localAddress()), options, threads);
        pendingConnects.add(dial);
        Dial.Connected connected;
        try {
            if (closed) {
                throw new InetException(InetError.NOT_INITIALIZED, "the SocketRuntime has been closed");
            }
            connected = dial.connect();
        } catch (InetException e) {
            if (closed) {
                throw new InetException(InetError.NOT_INITIALIZED, "the SocketRuntime was closed while connecting to "
                        + host + ":" + port, e);
            }
            throw e;
        } finally {
            pendingConnects.remove(dial);
        }
        Socket s = connected.socket();
        InetSocketAddress target = connected.target();
        SocketConnection c = new SocketConnection(nextId(), this, null, options, target);
        c.attach(s);
        if (options.tls() != null) {
            register(c); // close() reaches it during the handshake, which runs here, on the caller's thread
            try {
                c.secure(options.tls(), null);
            } catch (InetException e) {
                c.closeOnce(null);
                throw closed ? new InetException(InetError.NOT_INITIALIZED, "the SocketRuntime was closed during "
                        + "the TLS handshake with " + target, e) : e;
            }
            return c;
        }
        try {
            c.markOpen();
        } catch (IOException e) {
            Sockets.closeQuietly(s);
            throw Errors.wrap(e, "connect to " + target);
        }
        register(c);
        return c;
    }

    @Override
    public Connection connectAsync(String host, int port, ConnectOptions options, EventHandler handler)
            throws InetException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        ensureOpen();
        if (host == null || host.isBlank()) {
            throw new InetException(InetError.INVALID_ARGUMENT, "host must not be empty");
        }
        Sockets.checkPort(port);
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved(host, port);
        SocketConnection c = new SocketConnection(nextId(), this, null, options, unresolved);
        EventPump pump = new EventPump(c, handler, EnumSet.allOf(Event.class), host, port);
        c.installPump(pump);
        register(c);
        c.startManager("socketloom-events-" + host + ":" + port, pump, threads);
        return c;
    }

    @Override
    public Server startServer(ServerOptions options, ConnectionHandler handler) throws InetException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        ensureOpen();
        ListeningServer server = ListeningServer.bind(this, options, handler);
        servers.add(server);
        if (closed) {
            server.disconnect();
            throw new InetException(InetError.NOT_INITIALIZED, "the SocketRuntime was closed while starting a server");
        }
        server.start();
        return server;
    }

    // ------------------------------------------------------------------ close (L8)

    @Override
    public void close() throws InetException {
        closeLock.lock();
        try {
            closed = true;
            pendingConnects.forEach(Sockets::closeQuietly);
            List<Thread> toJoin = new ArrayList<>();
            Duration deadline = Duration.ZERO;
            for (ListeningServer s : List.copyOf(servers)) {
                toJoin.addAll(s.closeAll(CloseCause.RUNTIME_CLOSE));
                deadline = max(deadline, s.options().joinDeadline());
            }
            List<SocketConnection> open = List.copyOf(connections);
            long closeNotifyBy = System.nanoTime() + open.stream().mapToLong(c -> c.options().joinDeadline().toNanos())
                    .max().orElse(0) / 2; // one close_notify budget shared by all TLS connections
            for (SocketConnection c : open) {
                toJoin.add(c.closeOnce(null, CloseCause.RUNTIME_CLOSE, closeNotifyBy));
                deadline = max(deadline, c.options().joinDeadline());
            }
            // threads that outlived an earlier join (a failed disconnect, stop or close): their owners have left the
            // registries, so only this record still knows them; each is joined, and reported, once
            Set<Thread> listed = Collections.newSetFromMap(new IdentityHashMap<>());
            listed.addAll(toJoin);
            for (Thread t : this.stragglers.alive()) {
                if (listed.add(t)) {
                    toJoin.add(t);
                }
            }
            deadline = max(deadline, this.stragglers.deadline());
            List<String> stragglers = new ArrayList<>(join(toJoin, deadline));
            for (ListeningServer s : List.copyOf(servers)) {
                s.terminated();
            }
            // the keeper and the watchdog run no user code: they end promptly once signalled
            Duration internal = max(deadline, INTERNAL_JOIN);
            stragglers.addAll(keeper.awaitIdle(internal));
            stragglers.addAll(watchdog.stop(internal));
            if (!stragglers.isEmpty()) {
                throw new InetException(InetError.THREAD_NOT_TERMINATED,
                        "the runtime is closed, but some threads ignored their interrupt", null, stragglers);
            }
        } finally {
            closeLock.unlock();
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
