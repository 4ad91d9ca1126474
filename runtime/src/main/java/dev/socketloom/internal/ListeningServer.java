package dev.socketloom.internal;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.ConnectionHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.ServerStats;
import dev.socketloom.StopResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The implementation of {@link Server}: the acceptor loop (limits, suspend, back-off on failing accepts), the client
 * registry, and the two-phase shutdown that {@link RuntimeCore#close()} also uses: first close and interrupt
 * everything without blocking, then join all threads against one deadline, so N clients cost one deadline, not N.
 */
final class ListeningServer implements Server {
    private static final System.Logger LOG = System.getLogger("dev.socketloom");

    private final RuntimeCore runtime;
    private final ServerOptions options;
    private final ConnectOptions clientOptions;
    private final ConnectionHandler handler;
    private final ServerSocket listener;
    private final int port;
    private final InetSocketAddress localAddress;

    private final Map<Long, SocketConnection> clients = new ConcurrentHashMap<>();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    /** Every client thread that may still be alive; pruned lazily by the acceptor, joined on shutdown. */
    private final Set<Thread> clientThreads = ConcurrentHashMap.newKeySet();
    private int pruneAt = 1024; // acceptor thread only

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final CountDownLatch shutdownStarted = new CountDownLatch(1);
    private volatile boolean running = true;
    /** Set once the listener is closed and the acceptor joined: new connections are refused from then on. */
    private volatile boolean listenerReleased;
    private volatile boolean suspended;
    private volatile boolean stopWaiting;
    /** Set by stop(grace) while handlers may still finish on their own; each that does is counted as graceful. */
    private volatile boolean graceful;
    private final AtomicInteger gracefulCount = new AtomicInteger();
    private volatile int maxClients;
    private volatile int maxClientsPerAddress;
    private volatile long minAcceptIntervalNanos;
    private Thread acceptor; // guarded by lock
    private boolean keeperHeld; // guarded by lock

    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder acceptFailures = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();

    private ListeningServer(RuntimeCore runtime, ServerOptions options, ConnectionHandler handler,
                            ServerSocket listener) {
        this.runtime = runtime;
        this.options = options;
        this.clientOptions = options.effectiveClientOptions();
        this.handler = handler;
        this.listener = listener;
        this.port = listener.getLocalPort();
        this.localAddress = (InetSocketAddress) listener.getLocalSocketAddress();
        this.maxClients = options.maxClients();
        this.maxClientsPerAddress = options.maxClientsPerAddress();
        this.minAcceptIntervalNanos = options.minAcceptInterval().toNanos();
    }

    /** Binds the listening socket with SO_REUSEADDR (L11: a restarted server need not wait for TIME_WAIT). */
    static ListeningServer bind(RuntimeCore runtime, ServerOptions options, ConnectionHandler handler)
            throws InetException {
        ServerSocket ss = null;
        InetSocketAddress address = new InetSocketAddress(options.bindAddress(), options.port());
        try {
            ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(address, options.backlog());
            return new ListeningServer(runtime, options, handler, ss);
        } catch (IOException e) {
            if (ss != null) {
                try {
                    ss.close();
                } catch (IOException ignored) {
                    // nothing else to release
                }
            }
            throw Errors.wrap(e, "bind " + address);
        }
    }

    ServerOptions options() {
        return options;
    }

    /** Starts the acceptor, unless the server was shut down before it could start. */
    void start() {
        lock.lock();
        try {
            if (!running) {
                return;
            }
            runtime.keeper().acquire();
            keeperHeld = true;
            Thread t = runtime.newThread("socketloom-server-" + port + "-acceptor", this::acceptLoop);
            acceptor = t;
            runtime.started(t);
            t.start();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ acceptor

    /**
     * Accepts until shutdown. Nothing that goes wrong in one round ends the loop (L12): a failed accept (EMFILE,
     * ENFILE, ENOBUFS, ...) or any other error is counted and followed by a bounded exponential back-off.
     */
    private void acceptLoop() {
        long backoff = 0;
        long lastAccept = 0;
        while (running) {
            try {
                if (!awaitAcceptAllowed(lastAccept)) {
                    return;
                }
                Socket s = listener.accept();
                backoff = 0;
                lastAccept = System.nanoTime();
                if (!awaitAcceptAllowed(0)) { // suspended while accept() was blocked: the client waited here
                    reject(s);
                    return;
                }
                dispatch(s);
            } catch (Throwable e) {
                if (!running || listener.isClosed()) {
                    return;
                }
                acceptFailures.increment();
                long initial = options.acceptBackoffInitial().toNanos();
                backoff = backoff == 0 ? initial : Math.min(backoff * 2, options.acceptBackoffMax().toNanos());
                logAcceptFailure(e, backoff);
                if (!pause(backoff)) {
                    return;
                }
            }
        }
    }

    private void logAcceptFailure(Throwable e, long backoffNanos) {
        try {
            LOG.log(System.Logger.Level.WARNING, "accept on port {0} failed ({1}); retrying in {2} ms", port,
                    e.toString(), TimeUnit.NANOSECONDS.toMillis(backoffNanos));
        } catch (Throwable loggingFailed) {
            // logging itself may need a descriptor we do not have; the counter in stats() still records it
        }
    }

    /** Waits while suspended and for the accept interval; false once the server stops. */
    private boolean awaitAcceptAllowed(long lastAccept) {
        if (!suspended && (minAcceptIntervalNanos == 0 || lastAccept == 0)) {
            return running;
        }
        lock.lock();
        try {
            while (running) {
                if (suspended) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                long wait = minAcceptIntervalNanos == 0 || lastAccept == 0
                        ? 0 : lastAccept + minAcceptIntervalNanos - System.nanoTime();
                if (wait <= 0) {
                    return true;
                }
                changed.awaitNanos(wait);
            }
            return false;
        } catch (InterruptedException e) {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Back-off after a failed accept (L12); woken early by shutdown. False once the server stops. */
    private boolean pause(long nanos) {
        lock.lock();
        try {
            long remaining = nanos;
            while (running && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            return running;
        } catch (InterruptedException e) {
            return running;
        } finally {
            lock.unlock();
        }
    }

    private void reject(Socket s) {
        rejected.increment();
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException ignored) {
            // the peer sees a reset or a close either way
        }
    }

    private boolean limitReached(InetAddress address) {
        int max = maxClients;
        if (max > 0 && clients.size() >= max) {
            return true;
        }
        int perMax = maxClientsPerAddress;
        if (perMax > 0 && address != null) {
            AtomicInteger n = perAddress.get(address);
            return n != null && n.get() >= perMax;
        }
        return false;
    }

    private void dispatch(Socket s) {
        if (!(s.getRemoteSocketAddress() instanceof InetSocketAddress remote)) {
            reject(s); // the peer is already gone
            return;
        }
        if (limitReached(remote.getAddress())) {
            reject(s);
            return;
        }
        SocketConnection c = new SocketConnection(RuntimeCore.nextId(), runtime, this, clientOptions, remote,
                RuntimeCore.clientThreadName(remote));
        try {
            SocketConnection.configure(s, clientOptions);
            c.attach(s);
            c.markOpen();
        } catch (IOException e) {
            reject(s);
            return;
        }
        clients.put(c.id(), c);
        perAddress.computeIfAbsent(remote.getAddress(), a -> new AtomicInteger()).incrementAndGet();
        try {
            runtime.register(c);
        } catch (InetException closed) {
            return; // the runtime is closing; register() already closed the connection
        }
        Thread t = runtime.newThread(c.threadName(), () -> runClient(c));
        addClientThread(t);
        if (c.startManager(t)) {
            accepted.increment();
        }
    }

    private void addClientThread(Thread t) {
        clientThreads.add(t);
        if (clientThreads.size() > pruneAt) {
            clientThreads.removeIf(x -> x.getState() == Thread.State.TERMINATED);
            pruneAt = Math.max(1024, clientThreads.size() * 2);
        }
    }

    private void runClient(SocketConnection c) {
        try {
            if (c.isOpenState()) {
                handler.handle(c);
            }
        } catch (Throwable t) {
            // once we closed the connection (disconnect, stop, expiry) whatever the handler throws is our doing
            if (!c.isClosedState()) {
                handlerFailures.increment();
                if (t instanceof InetException ie && ie.error() == InetError.CONNECTION_RESET) {
                    // a peer that resets is routine for a server (every abortive client close): a WARNING with a
                    // stack trace per client cost more than the whole connection (see README, Benchmarks)
                    LOG.log(System.Logger.Level.DEBUG, "handler for {0} ended: connection reset by the peer",
                            c.remoteAddress());
                } else {
                    LOG.log(System.Logger.Level.WARNING, "handler for " + c.remoteAddress() + " failed", t);
                }
            }
        } finally {
            c.closeOnce(null);
        }
    }

    /** Called by a client connection when it closes. */
    void unregister(SocketConnection c) {
        if (clients.remove(c.id()) != null) {
            if (graceful) {
                gracefulCount.incrementAndGet();
            }
            InetAddress a = c.remoteAddress().getAddress();
            if (a != null) {
                perAddress.computeIfPresent(a, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
            }
        }
        if (stopWaiting) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    // ------------------------------------------------------------------ shutdown

    /** Closes the listener and joins the acceptor; idempotent. Returns acceptor stragglers. */
    private List<String> stopAccepting() {
        Thread a;
        Thread keeperThread = null;
        lock.lock();
        try {
            if (running) {
                try {
                    listener.close(); // before running=false: whoever sees the server stopped gets refused
                } catch (IOException ignored) {
                    // the listening fd is released either way
                }
                running = false;
                changed.signalAll();
                if (keeperHeld) {
                    keeperHeld = false;
                    keeperThread = runtime.keeper().release();
                }
                shutdownStarted.countDown();
            }
            a = acceptor;
        } finally {
            lock.unlock();
        }
        List<Thread> join = new ArrayList<>(2);
        join.add(a);
        join.add(keeperThread);
        List<String> stragglers = Joiner.joinAll(join, options.joinDeadline());
        // The JDK defers the real close of a socket until the thread blocked in accept() has left it, so only now is
        // the port certainly no longer listening.
        listenerReleased = true;
        return stragglers;
    }

    /**
     * Phase one of L2, also used by runtime close: stops accepting, closes and interrupts every client, and returns
     * every thread of this server that must be joined. Blocks only to join the acceptor (which runs no user code).
     */
    List<Thread> shutdown() {
        stopAccepting();
        for (SocketConnection c : List.copyOf(clients.values())) {
            c.closeOnce(null);
        }
        List<Thread> threads = new ArrayList<>(clientThreads.size() + 1);
        lock.lock();
        try {
            threads.add(acceptor);
        } finally {
            lock.unlock();
        }
        threads.addAll(clientThreads);
        return threads;
    }

    /** After the joins: leave the runtime's registry. */
    void terminated() {
        clientThreads.removeIf(x -> x.getState() == Thread.State.TERMINATED);
        runtime.unregister(this);
    }

    @Override
    public void disconnect() throws InetException {
        List<String> stragglers = Joiner.joinAll(shutdown(), options.joinDeadline());
        terminated();
        if (!stragglers.isEmpty()) {
            throw new InetException(InetError.THREAD_NOT_TERMINATED, "server on port " + port
                    + " is closed, but some client threads ignored their interrupt for " + options.joinDeadline(),
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
            throw Errors.of(InetError.INVALID_ARGUMENT, "grace must not be negative, was " + grace);
        }
        lock.lock();
        try {
            graceful = running; // only a stop of a running server counts graceful finishes
            gracefulCount.set(0);
            stopWaiting = true;
        } finally {
            lock.unlock();
        }
        stopAccepting();
        lock.lock();
        try {
            long remaining = grace.toNanos();
            while (!clients.isEmpty() && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            graceful = false;
            stopWaiting = false;
            lock.unlock();
        }
        int forced = clients.size();
        List<String> stragglers = Joiner.joinAll(shutdown(), options.joinDeadline());
        terminated();
        return new StopResult(gracefulCount.get(), forced, stragglers);
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        if (!shutdownStarted.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        List<Thread> threads = new ArrayList<>(clientThreads);
        lock.lock();
        try {
            threads.add(acceptor);
        } finally {
            lock.unlock();
        }
        for (Thread t : threads) {
            if (t == null || t == Thread.currentThread() || !t.isAlive()) {
                continue;
            }
            long remaining = end - System.nanoTime();
            if (remaining <= 0 || !t.join(Duration.ofNanos(remaining))) {
                return false;
            }
        }
        return clients.isEmpty();
    }

    // ------------------------------------------------------------------ management

    private void ensureRunning() throws InetException {
        if (!running) {
            throw Errors.of(InetError.SERVER_STOPPED, "server on port " + port + " has been stopped");
        }
    }

    @Override
    public void suspend() throws InetException {
        ensureRunning();
        suspended = true;
    }

    @Override
    public void resume() throws InetException {
        ensureRunning();
        lock.lock();
        try {
            suspended = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void throttle(int maxClients, int maxClientsPerAddress, Duration minAcceptInterval) throws InetException {
        if (maxClients < 0 || maxClientsPerAddress < 0 || minAcceptInterval == null
                || minAcceptInterval.isNegative()) {
            throw Errors.of(InetError.INVALID_ARGUMENT, "throttle(" + maxClients + ", " + maxClientsPerAddress
                    + ", " + minAcceptInterval + "): limits must not be negative");
        }
        ensureRunning();
        lock.lock();
        try {
            this.maxClients = maxClients;
            this.maxClientsPerAddress = maxClientsPerAddress;
            this.minAcceptIntervalNanos = minAcceptInterval.toNanos();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int broadcast(byte[] data) throws InetException {
        Objects.requireNonNull(data, "data");
        ensureRunning();
        List<SocketConnection> targets = List.copyOf(clients.values());
        AtomicInteger reached = new AtomicInteger();
        List<Thread> writers = new ArrayList<>(targets.size());
        for (SocketConnection c : targets) {
            Thread t = runtime.newThread("socketloom-server-" + port + "-broadcast", () -> {
                if (c.tryBroadcast(data)) {
                    reached.incrementAndGet();
                }
            });
            runtime.started(t);
            t.start();
            writers.add(t);
        }
        boolean interrupted = false;
        for (Thread t : writers) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return reached.get();
    }

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

    @Override
    public List<Connection> clients() {
        return List.copyOf(clients.values());
    }

    @Override
    public ServerStats stats() {
        return new ServerStats(accepted.sum(), rejected.sum(), acceptFailures.sum(), handlerFailures.sum(),
                clients.size());
    }

    @Override
    public boolean isAccepting() {
        return running && !suspended && !listenerReleased;
    }

    @Override
    public boolean isRunning() {
        return !listenerReleased;
    }

    @Override
    public String toString() {
        return "Server[port " + port + (running ? (suspended ? ", suspended" : ", running") : ", stopped")
                + ", clients " + clients.size() + "]";
    }
}
