package dev.socketloom.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Enforces write and idle timeouts, which blocking sockets cannot express: one thread per runtime
 * ({@code socketloom-watchdog}) that runs only while some connection has such a timeout, checks them on a tick of a
 * quarter of the smallest timeout (5 ms .. 250 ms), and closes connections whose deadline passed. It is a daemon
 * platform thread, so deadlines fire even while handlers keep every virtual-thread carrier busy.
 */
final class Watchdog {
    private static final long MIN_TICK = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_TICK = TimeUnit.MILLISECONDS.toNanos(250);

    private final Threads threads;
    private final Set<SocketConnection> watched = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private Thread thread; // guarded by lock
    private Thread last; // guarded by lock: the most recent thread, joined on stop
    private boolean stopped; // guarded by lock
    private long tickNanos = MAX_TICK; // guarded by lock

    Watchdog(Threads threads) {
        this.threads = threads;
    }

    void watch(SocketConnection c) {
        watched.add(c);
        long smallest = Long.MAX_VALUE;
        Duration w = c.options().writeTimeout();
        Duration i = c.options().idleTimeout();
        if (!w.isZero()) {
            smallest = Math.min(smallest, w.toNanos());
        }
        if (!i.isZero()) {
            smallest = Math.min(smallest, i.toNanos());
        }
        lock.lock();
        try {
            long tick = Math.max(MIN_TICK, Math.min(MAX_TICK, smallest / 4));
            if (tick < tickNanos) {
                tickNanos = tick;
                wake.signalAll();
            }
            if (thread == null && !stopped) {
                Thread t = threads.startPlatform("socketloom-watchdog", this::run);
                thread = t;
                last = t;
            }
        } finally {
            lock.unlock();
        }
    }

    void unwatch(SocketConnection c) {
        watched.remove(c);
    }

    private void run() {
        lock.lock();
        try {
            while (!stopped && !watched.isEmpty()) {
                try {
                    wake.awaitNanos(tickNanos);
                } catch (InterruptedException e) {
                    continue; // only stop() ends the watchdog; it re-checks the flags
                }
                lock.unlock();
                try {
                    long now = System.nanoTime();
                    for (SocketConnection c : watched) {
                        c.checkDeadlines(now);
                    }
                } finally {
                    lock.lock();
                }
            }
            if (thread == Thread.currentThread()) {
                thread = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the watchdog for good and joins its thread; returns stragglers (none expected). */
    List<String> stop(Duration deadline) {
        Thread t;
        lock.lock();
        try {
            stopped = true;
            t = last;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        return t == null ? List.of() : Joiner.joinAll(List.of(t), deadline);
    }
}
