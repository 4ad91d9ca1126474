package dev.socketloom.internal.server;

import dev.socketloom.internal.util.Joiner;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the JVM alive while servers run: virtual threads are daemons, so without it a {@code main} that starts a
 * server and returns would end the process. One non-daemon platform thread ({@code socketloom-keeper}) per
 * generation of "at least one server running"; it parks on a condition and ends when the last server ends.
 */
public final class Keeper {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicInteger alive = new AtomicInteger();
    private int servers; // guarded by lock
    private long generation; // guarded by lock
    private Thread thread; // guarded by lock

    /** A server started. */
    void acquire() {
        lock.lock();
        try {
            if (servers++ == 0) {
                long gen = ++generation;
                changed.signalAll(); // an exiting keeper of the previous generation may still be waiting
                alive.incrementAndGet();
                thread = Thread.ofPlatform().daemon(false).name("socketloom-keeper").start(() -> hold(gen));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A server ended. Returns the keeper thread to join when this was the last server (it is then certain to end),
     * otherwise null.
     */
    Thread release() {
        lock.lock();
        try {
            if (--servers == 0) {
                changed.signalAll();
                return thread;
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void hold(long gen) {
        lock.lock();
        try {
            while (servers > 0 && generation == gen) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
            alive.decrementAndGet();
        }
    }

    public int aliveCount() {
        return alive.get();
    }

    /** Joins the current keeper if no server runs; returns stragglers. */
    public List<String> awaitIdle(Duration deadline) {
        Thread t;
        lock.lock();
        try {
            t = servers == 0 ? thread : null;
        } finally {
            lock.unlock();
        }
        return t == null ? List.of() : Joiner.joinAll(List.of(t), deadline);
    }
}
