package dev.socketloom.internal.server;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.ConnectionHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.ServerStats;
import dev.socketloom.StopResult;
import dev.socketloom.TlsOptions;
import dev.socketloom.internal.connection.AcceptingServer;
import dev.socketloom.internal.connection.ClientRegistry;
import dev.socketloom.internal.connection.CloseCause;
import dev.socketloom.internal.connection.SocketConnection;
import dev.socketloom.internal.connection.StopKind;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.errors.Errors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The implementation of {@link Server}: wires an {@link Acceptor} (the accept loop), a {@link ClientRegistry} (who is
 * connected), {@link ClientThreads} (the threads serving them) and {@link ClientSessions} (each client from accept to
 * close), manages them, and stops.
 *
 * <p>Every stop reads the same way: close first, join after. {@link #closeAll(CloseCause)} closes the listener, stops
 * starting client threads, and closes and interrupts every client without blocking; then one join covers the acceptor,
 * the keeper and every client thread against one deadline, so N clients cost one deadline, not N. Nothing is joined
 * before everything is closed: under load, a thread that must still be scheduled to end would otherwise delay the
 * closes that free the carriers it needs. {@code RuntimeCore.close()} runs the same first phase for every server
 * before its own single join.
 */
public final class ListeningServer implements Server, AcceptingServer {
    private final ServerHost runtime;
    private final ServerOptions options;
    private final ConnectOptions clientOptions;
    private final int port;
    private final InetSocketAddress localAddress;
    private final ClientRegistry clients = new ClientRegistry();
    private final ClientThreads threads;
    private final Acceptor acceptor;
    private final StopRecorder stopRecorder;
    private final ClientSetup setup;
    private final ClientSessions sessions;
    private final FanOut fanOut;

    private final ReentrantLock lock = new ReentrantLock();
    private boolean keeperHeld; // guarded by lock
    private Thread releasedKeeper; // guarded by lock: the keeper to join, when this server was the last one
    /** Set once the listener is closed and the acceptor joined: new connections are refused from then on. */
    private volatile boolean listenerReleased;
    /** Set when the first stop, disconnect or runtime close begins ({@link #isStopping()}). */
    private volatile boolean stopping;
    /** Set when the clients are being disconnected (every stop's second phase): no broadcast from then on. */
    private volatile boolean forcing;
    /**
     * Clients closed by a stop, a disconnect or the runtime's close, each counted once (by the close that ended it):
     * a stop counts as forced the clients that were ended while it ran, whichever stop ended them.
     */
    private final AtomicInteger forcedCloses = new AtomicInteger();

    /** The TLS of new handshakes ({@link #reloadTls}); null for a plain server, which never becomes a TLS one. */
    private volatile TlsOptions tls;

    private ListeningServer(ServerHost runtime, ServerOptions options, ConnectionHandler handler,
                            ServerSocket listener) {
        this.runtime = runtime;
        this.options = options;
        this.clientOptions = options.effectiveClientOptions();
        this.tls = options.tls();
        this.port = listener.getLocalPort();
        this.localAddress = (InetSocketAddress) listener.getLocalSocketAddress();
        this.threads = new ClientThreads(runtime.threads());
        this.acceptor = new Acceptor(listener, options, clients, this::dispatch);
        this.stopRecorder = new StopRecorder(port);
        this.setup = new ClientSetup(options, clients, acceptor, () -> tls);
        this.sessions = new ClientSessions(runtime, this, clientOptions, handler, setup, clients, threads,
                acceptor);
        this.fanOut = new FanOut(clients, threads, port, options.broadcastQueueLimit());
    }

    /** Binds the listening socket with SO_REUSEADDR (L11: a restarted server need not wait for TIME_WAIT). */
    public static ListeningServer bind(ServerHost runtime, ServerOptions options, ConnectionHandler handler)
            throws InetException {
        ServerSocket ss = null;
        InetSocketAddress address = new InetSocketAddress(options.bindAddress(), options.port());
        try {
            ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(address, options.backlog());
            return new ListeningServer(runtime, options, handler, ss);
        } catch (IOException e) {
            Sockets.closeQuietly(ss);
            throw Errors.wrap(e, "bind " + address);
        }
    }

    public ServerOptions options() {
        return options;
    }

    /** Starts the acceptor and holds the keeper, unless the server was shut down before it could start. */
    public void start() {
        lock.lock();
        try {
            if (acceptor.isClosed()) {
                return;
            }
            runtime.keeper().acquire();
            keeperHeld = true;
            acceptor.start(runtime.threads());
        } finally {
            lock.unlock();
        }
    }

    /** The acceptor's hand-off of an admitted socket (see {@link ClientSessions#dispatch}). */
    private void dispatch(Socket s) {
        sessions.dispatch(s);
    }

    /** The body of a client's thread (through {@link SocketConnection#run()}): see {@link ClientSessions#serve}. */
    @Override
    public void serve(SocketConnection c) {
        sessions.serve(c);
    }

    /** A client thread's body has returned (see {@link ClientThreads#ended()}). */
    @Override
    public void threadEnded() {
        threads.ended();
    }

    /** Called by a client connection, once, when it closes, under its state lock; {@code cause} may be null. */
    @Override
    public void unregister(SocketConnection c, CloseCause cause) {
        if (cause == CloseCause.SERVER_STOP || cause == CloseCause.RUNTIME_CLOSE) {
            forcedCloses.incrementAndGet();
        }
        clients.remove(c);
    }

    // ------------------------------------------------------------------ stopping

    /**
     * Closes the listener, stops starting client threads and releases the keeper; blocks on nothing. Returns the
     * threads this ends: the acceptor and, when this was the last server, the keeper.
     */
    private List<Thread> stopAccepting(boolean drain) {
        stopping = true;
        acceptor.close();
        if (drain) {
            threads.drain();
        } else {
            threads.shutdown();
        }
        List<Thread> ended = new ArrayList<>(2);
        lock.lock();
        try {
            if (keeperHeld) {
                keeperHeld = false;
                releasedKeeper = runtime.keeper().release();
            }
            ended.add(releasedKeeper);
        } finally {
            lock.unlock();
        }
        ended.add(acceptor.thread());
        return ended;
    }

    /**
     * Phase one of every stop, also used by the runtime's close: stops accepting, closes and interrupts every
     * client, and returns every thread of this server that must be joined. Blocks on nothing but the closes.
     *
     * <p>The threads come back in the order that makes the join cheap: the clients closed last first. Their threads
     * end last (woken threads run in about the order they were woken), so the joiner waits once for the last of
     * them and then finds the others already ended, instead of waiting - and being woken - once per thread.
     */
    public List<Thread> closeAll(CloseCause cause) {
        if (cause == CloseCause.RUNTIME_CLOSE) {
            stopRecorder.runtimeClosing(clients.size());
        }
        forcing = true;
        List<Thread> toJoin = stopAccepting(false);
        long closeNotifyBy = System.nanoTime() + options.joinDeadline().toNanos() / 2; // shared by all TLS clients
        Thread[] managers = ParallelClose.closeAll(clients.snapshot(), cause, closeNotifyBy, runtime.threads(),
                "socketloom-server-" + port + "-closer");
        Set<Thread> listed = Collections.newSetFromMap(new IdentityHashMap<>(managers.length * 2));
        for (int i = managers.length - 1; i >= 0; i--) {
            if (managers[i] != null && listed.add(managers[i])) {
                toJoin.add(managers[i]);
            }
        }
        for (Thread t : threads.alive()) { // broadcast writers, and threads whose client left before the snapshot
            if (!listed.contains(t)) {
                toJoin.add(t); // each thread once: a straggler is reported once
            }
        }
        return toJoin;
    }

    /** Phase two, after the joins: the port is free (the acceptor has left accept()); leave the runtime. */
    public void terminated() {
        listenerReleased = true;
        stopRecorder.runtimeClosed(threads, acceptor.thread());
        threads.terminated();
        runtime.unregister(this);
    }

    @Override
    public void disconnect() throws InetException {
        Object stop = stopRecorder.stopping();
        int forcedBefore = forcedCloses.get();
        List<String> stragglers = runtime.join(closeAll(CloseCause.SERVER_STOP), options.joinDeadline());
        terminated();
        int forced = forcedCloses.get() - forcedBefore;
        stopRecorder.stopped(stop, StopKind.DISCONNECT, Duration.ZERO, 0, forced, stragglers);
        if (!stragglers.isEmpty()) {
            throw new InetException(InetError.THREAD_NOT_TERMINATED, "server on port " + port
                    + " is closed, but some of its threads outlived the join deadline of " + options.joinDeadline(),
                    null, stragglers);
        }
    }

    @Override
    public void close() throws InetException {
        disconnect();
    }

    @Override
    public StopResult stop(Duration grace) throws InetException {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new InetException(InetError.INVALID_ARGUMENT, "grace must not be negative, was " + grace);
        }
        Object stop = stopRecorder.stopping();
        boolean running = !acceptor.isClosed(); // only a stop of a running server counts graceful finishes
        // The listener goes first, and the acceptor (a platform thread, never starved) is joined at once, so that
        // new connections are refused during the whole grace period: a load balancer sends them elsewhere.
        // a set: closeAll() below lists the acceptor and keeper again, and a straggler is reported once
        Set<String> stragglers = new LinkedHashSet<>(runtime.join(stopAccepting(true), options.joinDeadline()));
        listenerReleased = true;
        // with the acceptor gone no client is added any more: each of the clients there now either finishes on its
        // own or is closed by a stop - this one's forced end, or a disconnect or runtime close that overtakes it from
        // another thread. Each close by a stop is counted once, by the close that did it, so a client is in exactly
        // one of the two counts, also when it leaves just as the grace period ends.
        int forcedBefore = forcedCloses.get();
        int before = running ? clients.size() : 0;
        clients.awaitEmpty(grace);
        stragglers.addAll(runtime.join(closeAll(CloseCause.SERVER_STOP), options.joinDeadline()));
        terminated();
        int forced = Math.min(before, forcedCloses.get() - forcedBefore);
        StopResult result = new StopResult(before - forced, forced, List.copyOf(stragglers));
        stopRecorder.stopped(stop, StopKind.STOP, grace, result.graceful(), forced, result.stragglers());
        return result;
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "awaitTermination(timeout): timeout must not be null");
        long end = System.nanoTime() + timeout.toNanos();
        if (!threads.awaitTermination(timeout)) {
            return false;
        }
        Thread a = acceptor.thread();
        long remaining = end - System.nanoTime();
        return (a == null || !a.isAlive() || (remaining > 0 && a.join(Duration.ofNanos(remaining))))
                && clients.isEmpty();
    }

    // ------------------------------------------------------------------ management

    private void ensureRunning() throws InetException {
        if (acceptor.isClosed()) {
            throw new InetException(InetError.SERVER_STOPPED, "server on port " + port + " has been stopped");
        }
    }

    @Override
    public void suspend() throws InetException {
        ensureRunning();
        acceptor.suspend();
    }

    @Override
    public void resume() throws InetException {
        ensureRunning();
        acceptor.resume();
    }

    @Override
    public void throttle(int maxClients, int maxClientsPerAddress, Duration minAcceptInterval) throws InetException {
        Acceptor.checkThrottle(maxClients, maxClientsPerAddress, minAcceptInterval);
        ensureRunning();
        acceptor.throttle(maxClients, maxClientsPerAddress, minAcceptInterval);
    }

    /**
     * Queues {@code data} to every client's outbound queue ({@link FanOut}) and returns at once with the number of
     * clients it was queued to; a client whose queue would pass its limit is cut as a slow consumer.
     */
    @Override
    public int broadcast(byte[] data, Connection except) throws InetException {
        if (data == null) {
            throw new InetException(InetError.INVALID_ARGUMENT, "broadcast(null): data must not be null");
        }
        if (forcing) { // during a grace period (stopping, not yet forcing) a broadcast still reaches the clients
            throw new InetException(InetError.SERVER_STOPPED, "server on port " + port + " has been stopped");
        }
        return fanOut.broadcast(data, except);
    }

    /** The largest outbound queue right now, in bytes (see {@link FanOut}). */
    public long maxQueuedBytes() {
        return fanOut.maxQueuedBytes();
    }

    @Override
    public void reloadTls(TlsOptions options) throws InetException {
        Objects.requireNonNull(options, "options");
        if (tls == null) {
            throw new InetException(InetError.OPERATION_NOT_SUPPORTED, "server on port " + port + " is not a TLS "
                    + "server");
        }
        if (!options.hasKeyMaterial()) {
            throw new InetException(InetError.INVALID_ARGUMENT, "a TLS server needs key material");
        }
        ensureRunning();
        tls = options;
    }

    // ------------------------------------------------------------------ observation

    @Override
    public int port() {
        return port;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public int clientCount() {
        return clients.size();
    }

    /** The open clients: with a PROXY header to read, a client is listed once its original address is known. */
    @Override
    public List<Connection> clients() {
        // with the PROXY protocol a client is listed once open: before its header, its address is the proxy's; a TLS
        // client is listed while it shakes hands too, so that a stalled handshake can be found and disconnected
        boolean proxy = setup.readsProxyHeader();
        return clients.snapshot().stream().filter(c -> !proxy || c.isOpenState()).map(Connection.class::cast)
                .toList();
    }

    /** The connected clients, for the runtime's {@code connections()}. */
    public List<SocketConnection> clientSnapshot() {
        return clients.snapshot();
    }

    /** Counts a failed {@code startTls} of one of this server's clients (a TLS handshake failure too). */
    @Override
    public void startTlsFailed() {
        setup.countTlsFailure();
    }

    @Override
    public ServerStats stats() {
        return new ServerStats(sessions.accepted(), acceptor.rejected(), acceptor.failures(),
                sessions.handlerFailures(), clients.size(), clients.bytesIn(), clients.bytesOut(),
                setup.proxyFailures(), setup.tlsFailures(), fanOut.slowConsumers(), fanOut.queuedBytes());
    }

    @Override
    public boolean isAccepting() {
        return !acceptor.isClosed() && !acceptor.isSuspended() && !listenerReleased;
    }

    @Override
    public boolean isStopping() {
        return stopping;
    }

    @Override
    public boolean isRunning() {
        return !listenerReleased;
    }

    @Override
    public String toString() {
        return "Server[port " + port + (acceptor.isClosed() ? ", stopped" : acceptor.isSuspended() ? ", suspended"
                : ", running") + ", clients " + clients.size() + "]";
    }
}
