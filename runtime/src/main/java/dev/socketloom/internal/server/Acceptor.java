package dev.socketloom.internal.server;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.ServerOptions;
import dev.socketloom.internal.connection.ClientRegistry;
import dev.socketloom.internal.connection.LifecycleEvents;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.util.Threads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The accept loop of one server and its flow control: suspend/resume, the accept-rate and client limits of
 * {@code throttle}, and the bounded exponential back-off after a failing {@code accept()} (L12).
 *
 * <p>It runs on a platform thread ({@code socketloom-server-<port>-acceptor}). Closing the listener interrupts a
 * platform thread's {@code accept()} directly, so {@link #close()} ends the loop promptly even while busy handlers
 * keep every virtual-thread carrier occupied; a virtual acceptor would first have to be scheduled, and under that
 * load the scheduler may not get to it for seconds. One OS thread per server costs nothing next to its clients.
 *
 * <p>Every wait of the loop (suspended, accept interval, back-off) is on one condition, signalled by every change of
 * the flow-control settings and by {@link #close()}.
 */
final class Acceptor {
    private static final System.Logger LOG = System.getLogger("dev.socketloom");

    private final ServerSocket listener;
    private final ServerOptions options;
    private final ClientRegistry clients;
    private final Consumer<Socket> dispatch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failures = new LongAdder();

    private volatile boolean closed;
    private volatile boolean suspended;
    private volatile int maxClients;
    private volatile int maxClientsPerAddress;
    private volatile long minAcceptIntervalNanos;
    private volatile Thread thread;

    /** An acceptor that hands every admitted socket to {@code dispatch}, on the acceptor thread. */
    Acceptor(ServerSocket listener, ServerOptions options, ClientRegistry clients, Consumer<Socket> dispatch) {
        this.listener = listener;
        this.options = options;
        this.clients = clients;
        this.dispatch = dispatch;
        this.maxClients = options.maxClients();
        this.maxClientsPerAddress = options.maxClientsPerAddress();
        this.minAcceptIntervalNanos = options.minAcceptInterval().toNanos();
    }

    /** Starts the loop on its own thread, unless already closed. */
    void start(Threads threads) {
        lock.lock();
        try {
            if (!closed) {
                thread = threads.startPlatform("socketloom-server-" + listener.getLocalPort() + "-acceptor",
                        this::acceptLoop);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the listener and tells the loop to end; does not wait. From the return on, connection attempts are
     * refused by the OS. Idempotent.
     */
    void close() {
        lock.lock();
        try {
            if (!closed) {
                Sockets.closeQuietly(listener); // before closed=true: whoever sees the acceptor closed gets refused
                closed = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The loop's thread, or null if it never started; join it after {@link #close()}. */
    Thread thread() {
        return thread;
    }

    boolean isClosed() {
        return closed;
    }

    boolean isSuspended() {
        return suspended;
    }

    long rejected() {
        return rejected.sum();
    }

    long failures() {
        return failures.sum();
    }

    void suspend() {
        suspended = true;
    }

    void resume() {
        lock.lock();
        try {
            suspended = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void throttle(int maxClients, int maxClientsPerAddress, Duration minAcceptInterval) {
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

    /** Closes a socket the server will not serve, with a reset, and counts it. */
    void reject(Socket s) {
        rejected.increment();
        Sockets.reset(s);
    }

    /** Counts a client refused after accept, by a limit checked on its own thread (PROXY protocol). */
    void countRejection() {
        rejected.increment();
    }

    /** The current per-address limit (0 = none), also for checks made after accept. */
    int maxClientsPerAddress() {
        return maxClientsPerAddress;
    }

    /**
     * Accepts until closed. Nothing that goes wrong in one round ends the loop (L12): a failed accept (EMFILE,
     * ENFILE, ENOBUFS, ...) or any other error is counted and followed by a bounded exponential back-off.
     */
    private void acceptLoop() {
        long backoff = 0;
        long lastAccept = 0;
        while (!closed) {
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
                admit(s);
            } catch (Throwable e) {
                if (closed || listener.isClosed()) {
                    return;
                }
                failures.increment();
                long initial = options.acceptBackoffInitial().toNanos();
                backoff = backoff == 0 ? initial : Math.min(backoff * 2, options.acceptBackoffMax().toNanos());
                logFailure(e, backoff);
                if (!pause(backoff)) {
                    return;
                }
            }
        }
    }

    private void admit(Socket s) {
        if (!(s.getRemoteSocketAddress() instanceof InetSocketAddress remote) || limitReached(remote.getAddress())) {
            reject(s); // the peer is already gone, or over a limit
            return;
        }
        dispatch.accept(s);
    }

    private boolean limitReached(InetAddress address) {
        int max = maxClients;
        if (max > 0 && clients.size() >= max) {
            return true;
        }
        // behind a PROXY protocol proxy the TCP peer is the proxy: the limit applies to the original client, which
        // only the header names, so it is checked on the client's thread once the header is read (ClientSetup)
        int perMax = options.proxyProtocol() == ProxyProtocol.OFF ? maxClientsPerAddress : 0;
        return perMax > 0 && address != null && clients.countFrom(address) >= perMax;
    }

    private void logFailure(Throwable e, long backoffNanos) {
        try {
            LifecycleEvents.acceptFailed(listener.getLocalPort(), e, backoffNanos, failures.sum());
            LOG.log(System.Logger.Level.WARNING, "accept on port {0} failed ({1}); retrying in {2} ms",
                    listener.getLocalPort(), e.toString(), TimeUnit.NANOSECONDS.toMillis(backoffNanos));
        } catch (Throwable loggingFailed) {
            // logging itself may need a descriptor we do not have; the failure counter still records it
        }
    }

    /** Waits while suspended and for the accept interval; false once closed. */
    private boolean awaitAcceptAllowed(long lastAccept) {
        if (!suspended && (minAcceptIntervalNanos == 0 || lastAccept == 0)) {
            return !closed;
        }
        lock.lock();
        try {
            while (!closed) {
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
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** Back-off after a failed accept (L12); woken early by close. False once closed. */
    private boolean pause(long nanos) {
        lock.lock();
        try {
            long remaining = nanos;
            while (!closed && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            return !closed;
        } catch (InterruptedException e) {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses a null interval and negative limits before anything changes. */
    static void checkThrottle(int maxClients, int maxClientsPerAddress, Duration minAcceptInterval)
            throws InetException {
        if (minAcceptInterval == null) {
            throw new InetException(InetError.INVALID_ARGUMENT, "throttle(" + maxClients + ", " + maxClientsPerAddress
                    + ", null): minAcceptInterval must not be null (Duration.ZERO for none)");
        }
        if (maxClients < 0 || maxClientsPerAddress < 0 || minAcceptInterval.isNegative()) {
            throw new InetException(InetError.INVALID_ARGUMENT, "throttle(" + maxClients + ", "
                    + maxClientsPerAddress + ", " + minAcceptInterval + "): limits must not be negative");
        }
    }
}
