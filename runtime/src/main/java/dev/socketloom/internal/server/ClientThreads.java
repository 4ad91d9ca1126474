package dev.socketloom.internal.server;

import dev.socketloom.internal.util.ThreadStarter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threads one server started for its clients (handlers, broadcast writers), with explicit states
 * {@code RUNNING -> (DRAINING ->) SHUTDOWN -> TERMINATED}: while running, {@link #start} registers and starts a
 * thread in one step; while draining (a graceful stop's grace period) only broadcast writers start; from {@link #shutdown()} on it starts nothing, so a snapshot taken after it holds every thread that can still
 * run; {@link #terminated()} is called once they have been joined, and releases {@link #awaitTermination}.
 *
 * <p>Threads that ended are dropped in batches: every client thread reports its end ({@link #ended()}), and once
 * more have ended than a sixteenth of the list (at least {@value #MIN_PRUNE}), the ended ones are removed. The dead
 * must not stay long: a terminated virtual thread still references its task, which for a client is the whole
 * connection (its buffers, and over TLS its session: kilobytes each). So a server with churn holds at most a small
 * fraction of closed clients beyond its live ones, while a snapshot never misses a thread that is still alive. A
 * list, not a set: nothing is looked up or removed one by one, and a list costs a reference per thread where a hash
 * set costs a 32-byte node.
 */
final class ClientThreads implements ThreadStarter {
    private enum State { RUNNING, DRAINING, SHUTDOWN, TERMINATED }

    private static final int MIN_PRUNE = 64;

    private final ThreadStarter starter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition terminatedSignal = lock.newCondition();
    private final ArrayList<Thread> threads = new ArrayList<>(); // guarded by lock
    private State state = State.RUNNING; // guarded by lock
    private int pruneAt = MIN_PRUNE; // guarded by lock: the size at which start() drops the ended (writers too)
    private int endedSinceDrop; // guarded by lock

    /** Threads are made and counted by {@code starter} (the runtime's), and tracked here. */
    ClientThreads(ThreadStarter starter) {
        this.starter = starter;
    }

    /** Starts and registers a thread; null once shut down. The registration cannot be missed by a snapshot. */
    @Override
    public Thread start(String name, Runnable body) {
        return start(name, body, false);
    }

    /**
     * Starts and registers a broadcast writer: as {@link #start}, but also while {@link #drain() draining} (a
     * graceful stop's grace period), so that a server can still write to the clients it waits for.
     */
    Thread startWriter(String name, Runnable body) {
        return start(name, body, true);
    }

    private Thread start(String name, Runnable body, boolean writer) {
        lock.lock();
        try {
            if (state != State.RUNNING && !(writer && state == State.DRAINING)) {
                return null;
            }
            Thread t = starter.start(name, body); // throws before anything is registered if it cannot start
            threads.add(t);
            if (threads.size() > pruneAt) {
                dropEnded();
            }
            return t;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A client thread's last action: its body has returned. Drops the ended threads once enough have ended since the
     * last time (the caller itself is dropped the next time: it is still alive here).
     */
    void ended() {
        lock.lock();
        try {
            if (++endedSinceDrop > Math.max(MIN_PRUNE, threads.size() >> 4)) {
                dropEnded();
            }
        } finally {
            lock.unlock();
        }
    }

    private void dropEnded() { // under lock
        threads.removeIf(x -> x.getState() == Thread.State.TERMINATED);
        endedSinceDrop = 0;
        pruneAt = Math.max(MIN_PRUNE, threads.size() * 2);
    }

    /** Starts no client thread from now on, only broadcast writers (a graceful stop's grace period). */
    void drain() {
        lock.lock();
        try {
            if (state == State.RUNNING) {
                state = State.DRAINING;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Starts nothing from now on. Idempotent. */
    void shutdown() {
        lock.lock();
        try {
            if (state == State.RUNNING || state == State.DRAINING) {
                state = State.SHUTDOWN;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Every registered thread that is still alive. */
    List<Thread> alive() {
        lock.lock();
        try {
            List<Thread> out = new ArrayList<>(threads.size());
            for (Thread t : threads) {
                if (t.isAlive()) {
                    out.add(t);
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The owner has joined what it could (after {@link #shutdown()}): forget the dead, release the waiters. */
    void terminated() {
        lock.lock();
        try {
            state = State.TERMINATED;
            threads.removeIf(x -> !x.isAlive());
            terminatedSignal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@link #terminated()} has been called and every thread has ended, up to {@code timeout}.
     *
     * @return whether both happened in time
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            long remaining = timeout.toNanos();
            while (state != State.TERMINATED) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = terminatedSignal.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
        for (Thread t : alive()) {
            long remaining = end - System.nanoTime();
            if (t != Thread.currentThread() && (remaining <= 0 || !t.join(Duration.ofNanos(remaining)))) {
                return false;
            }
        }
        return true;
    }
}
