package dev.socketloom.internal;

import dev.socketloom.ConnectOptions;

/**
 * When a connection was last active, and whether a write has been blocked too long: the data behind idle and write
 * timeouts, which blocking sockets cannot express themselves.
 *
 * <p>Activity is counted, not timed: reads and writes bump a counter (each under its own lock, so the volatile
 * increments never race with themselves), and the clock is read only when someone asks how idle the connection is
 * (the watchdog, the event pump, {@code idleTime()}). That keeps {@code System.nanoTime()} - a system call on some
 * VMs - off the read and write paths. Writes are timed only when a write timeout is set.
 */
final class Activity {
    /** The timeouts, read from the (shared) options when needed: one reference instead of three fields. */
    private final ConnectOptions options;

    // counts compared for change only, so ints that wrap are enough (8 bytes less on every connection)
    private volatile int readOps;
    private volatile int writeOps;
    private int seenOps; // racy by design: a lost update only makes the next reader re-read the clock
    private volatile long lastActivityNanos = System.nanoTime();
    /** nanoTime when the current write started, 0 while no write is in progress. */
    private volatile long writeStartedNanos;

    Activity(ConnectOptions options) {
        this.options = options;
    }

    /** Whether the watchdog must look at this connection. */
    boolean hasDeadlines() {
        return timedWrites() || !options.idleTimeout().isZero();
    }

    private boolean timedWrites() {
        return !options.writeTimeout().isZero();
    }

    /** A read returned bytes; called under the read lock. */
    void read() {
        readOps++;
    }

    /** A write is about to block; called under the write lock. */
    void writeStarting() {
        if (timedWrites()) {
            writeStartedNanos = System.nanoTime();
        }
    }

    /** The write started by {@link #writeStarting()} ended; {@code completed} when all its bytes were written. */
    void writeEnded(boolean completed) {
        if (completed) {
            writeOps++;
        }
        if (timedWrites()) {
            writeStartedNanos = 0;
        }
    }

    /** Resets the idle clock (the connection just opened). */
    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** Whether a write has been blocked for longer than the write timeout, as of {@code now}. */
    boolean writeOverdue(long now) {
        long started = writeStartedNanos;
        return started != 0 && now - started >= options.writeTimeout().toNanos();
    }

    /** Whether the idle timeout (if any) has passed, as of {@code now}. */
    boolean idleExpired(long now) {
        long idleTimeout = options.idleTimeout().toNanos();
        return idleTimeout > 0 && idleNanos(now) >= idleTimeout;
    }

    /** Nanoseconds since the last read or write was noticed, as of {@code now}. */
    long idleNanos(long now) {
        int ops = readOps + writeOps;
        if (ops != seenOps) {
            seenOps = ops;
            lastActivityNanos = now;
        }
        return Math.max(0, now - lastActivityNanos);
    }

    /** When activity was last noticed (after {@link #idleNanos}); identifies one idle period. */
    long lastActivityNanos() {
        return lastActivityNanos;
    }
}
