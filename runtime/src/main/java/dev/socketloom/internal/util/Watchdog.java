package dev.socketloom.internal.util;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Enforces write and idle timeouts, which blocking sockets cannot express: one thread per runtime
 * ({@code socketloom-watchdog}) that runs only while some connection has such a timeout, checks them on a tick of an
 * eighth of the smallest timeout (5 ms .. 100 ms), and closes connections whose deadline passed: a deadline fires at
 * most one tick late (plus scheduling), which {@code ConnectOptions.idleTimeout} documents. It is a daemon
 * platform thread, so deadlines fire even while handlers keep every virtual-thread carrier busy.
 *
 * <p>It also runs one-off {@linkplain #schedule deadlines} (a TLS handshake's, a close_notify's), each at its own time;
 * the thread runs while any is armed and ends as soon as nothing is watched or armed. A deadline's action must not
 * block: it closes a socket.
 */
public final class Watchdog {
    private static final long MIN_TICK = TimeUnit.MILLISECONDS.toNanos(5);
    /** The tick for timeouts of 800 ms and more; a check of every watched connection costs a few volatile reads. */
    private static final long MAX_TICK = TimeUnit.MILLISECONDS.toNanos(100);

    private final Threads threads;
    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final Set<Deadline> deadlines = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private Thread thread; // guarded by lock
    private Thread last; // guarded by lock: the most recent thread, joined on stop
    private boolean stopped; // guarded by lock
    private long tickNanos = MAX_TICK; // guarded by lock
    private long plannedWake = Long.MAX_VALUE; // guarded by lock: when the thread wakes next, if it waits

    /** What the watchdog checks on every tick: a connection with write or idle deadlines. */
    public interface Watched {
        /** The options whose write and idle timeouts set the tick. */
        dev.socketloom.ConnectOptions options();

        /** Closes the connection if one of its deadlines passed by {@code now} ({@link System#nanoTime()}). */
        void checkDeadlines(long now);
    }

    public Watchdog(Threads threads) {
        this.threads = threads;
    }

    public void watch(Watched c) {
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
            long tick = Math.max(MIN_TICK, Math.min(MAX_TICK, smallest / 8));
            if (tick < tickNanos) {
                tickNanos = tick;
                wake.signalAll();
            }
            ensureRunning();
        } finally {
            lock.unlock();
        }
    }

    public void unwatch(Watched c) {
        watched.remove(c);
    }

    /** Starts the thread unless it runs or the watchdog stopped; called with the lock held. */
    private void ensureRunning() {
        if (thread == null && !stopped) {
            Thread t = threads.startPlatform("socketloom-watchdog", this::run);
            thread = t;
            last = t;
        }
    }

    /** A one-off deadline armed by {@link #schedule}; {@link #cancel()} disarms it. */
    public final class Deadline {
        private final long atNanos;
        private final Runnable action;

        private Deadline(long atNanos, Runnable action) {
            this.atNanos = atNanos;
            this.action = action;
        }

        /** Disarms the deadline (a no-op once it fired); the thread ends at once if nothing else is armed. */
        public void cancel() {
            if (deadlines.remove(this) && deadlines.isEmpty() && watched.isEmpty()) {
                lock.lock();
                try {
                    wake.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Runs {@code action} on the watchdog thread at {@code atNanos} ({@link System#nanoTime()}) unless canceled first.
     *
     * @return the armed deadline, or null once the watchdog has stopped (the runtime closed): nothing enforces it then
     */
    public Deadline schedule(long atNanos, Runnable action) {
        Deadline d = new Deadline(atNanos, action);
        deadlines.add(d);
        lock.lock();
        try {
            if (stopped) {
                deadlines.remove(d);
                return null;
            }
            if (atNanos - plannedWake < 0) {
                wake.signalAll(); // earlier than the thread's current wait
            }
            ensureRunning();
            return d;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        lock.lock();
        try {
            while (!stopped && (!watched.isEmpty() || !deadlines.isEmpty())) {
                long now = System.nanoTime();
                long wait = watched.isEmpty() ? Long.MAX_VALUE : tickNanos;
                for (Deadline d : deadlines) {
                    wait = Math.min(wait, d.atNanos - now);
                }
                if (wait > 0) {
                    plannedWake = now + wait;
                    try {
                        wake.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        continue; // only stop() ends the watchdog; it re-checks the flags
                    } finally {
                        plannedWake = Long.MAX_VALUE;
                    }
                }
                lock.unlock();
                try {
                    now = System.nanoTime();
                    for (Watched c : watched) {
                        c.checkDeadlines(now);
                    }
                    for (Deadline d : deadlines) {
                        if (d.atNanos - now <= 0 && deadlines.remove(d)) {
                            d.action.run();
                        }
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
    public List<String> stop(Duration deadline) {
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
