package dev.socketloom.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threads one server started for its clients (handlers, broadcast writers), with explicit states
 * {@code RUNNING -> SHUTDOWN -> TERMINATED}: while running, {@link #start} registers and starts a thread in one
 * step; from {@link #shutdown()} on it starts nothing, so a snapshot taken after it holds every thread that can still
 * run; {@link #terminated()} is called once they have been joined, and releases {@link #awaitTermination}.
 *
 * <p>Threads that ended are dropped lazily (when the list doubles), so a long-lived server does not keep every
 * thread it ever ran, while a snapshot never misses one that is still alive. A list, not a set: nothing is looked up
 * or removed one by one, and a list costs a reference per thread where a hash set costs a 32-byte node.
 */
final class ClientThreads implements ThreadStarter {
    private enum State { RUNNING, SHUTDOWN, TERMINATED }

    private static final int MIN_PRUNE = 1024;

    private final ThreadStarter starter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition terminatedSignal = lock.newCondition();
    private final ArrayList<Thread> threads = new ArrayList<>(); // guarded by lock
    private State state = State.RUNNING; // guarded by lock
    private int pruneAt = MIN_PRUNE; // guarded by lock

    /** Threads are made and counted by {@code starter} (the runtime's), and tracked here. */
    ClientThreads(ThreadStarter starter) {
        this.starter = starter;
    }

    /** Starts and registers a thread; null once shut down. The registration cannot be missed by a snapshot. */
    @Override
    public Thread start(String name, Runnable body) {
        lock.lock();
        try {
            if (state != State.RUNNING) {
                return null;
            }
            Thread t = starter.start(name, body); // throws before anything is registered if it cannot start
            threads.add(t);
            if (threads.size() > pruneAt) {
                threads.removeIf(x -> x.getState() == Thread.State.TERMINATED);
                pruneAt = Math.max(MIN_PRUNE, threads.size() * 2);
            }
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** Starts nothing from now on. Idempotent. */
    void shutdown() {
        lock.lock();
        try {
            if (state == State.RUNNING) {
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
