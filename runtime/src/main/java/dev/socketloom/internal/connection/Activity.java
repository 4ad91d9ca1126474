package dev.socketloom.internal.connection;

import dev.socketloom.ConnectOptions;
import dev.socketloom.internal.util.Mutex;

/**
 * When a connection was last active, and whether a write has been blocked too long: the data behind idle and write
 * timeouts, which blocking sockets cannot express themselves.
 *
 * <p>Activity is counted, not timed: reads and writes bump a counter (each under its own lock, so the volatile
 * increments never race with themselves), and the clock is read only when someone asks how idle the connection is
 * (the watchdog, the event pump, {@code idleTime()}). That keeps {@code System.nanoTime()} - a system call on some
 * VMs - off the read and write paths. Writes are timed only when a write timeout is set.
 *
 * <p>The bytes each read and completed write moved are counted too, for {@code ServerStats} and the
 * {@code ConnectionClosed} event, in plain fields: each is written under its lock just before the volatile operation
 * count of the same read or write, which publishes it, and read after that count. So counting bytes adds a plain
 * addition to the paths, no fence.
 *
 * <p>Not an object of its own: {@link ConnectionIo} (the write lock) extends it, so an idle connection pays neither
 * an object header nor the references to it, and the options and the peer's name come from the connection through
 * the subclass instead of fields here and in the {@link ReadBuffer}: with many idle connections these bytes add up.
 */
abstract class Activity extends Mutex {
    private static final long serialVersionUID = 1L;

    // operation counts are compared for change only, so ints that wrap are enough (8 bytes less per connection)
    private volatile int readOps;
    private volatile int writeOps;
    private int seenOps; // racy by design: a lost update only makes the next reader re-read the clock
    private long bytesIn; // published by readOps
    private long bytesOut; // published by writeOps
    private volatile long lastActivityNanos = System.nanoTime();
    /** nanoTime when the connection opened ({@link #touch()}), 0 until then; written under the state lock. */
    private volatile long openedNanos;
    /** nanoTime when the current write started or last made progress, 0 while no write is in progress. */
    private volatile long writeStartedNanos;

    /** The connection's options: its timeouts and maximum line length. */
    abstract ConnectOptions options();

    /** Who the bytes come from, for messages. */
    abstract Object peer();

    /** Whether the watchdog must look at this connection. */
    boolean hasDeadlines() {
        return timedWrites() || !options().idleTimeout().isZero();
    }

    private boolean timedWrites() {
        return !options().writeTimeout().isZero();
    }

    /** A read returned {@code bytes} (at least one); called under the read lock. */
    final void countRead(int bytes) {
        bytesIn += bytes;
        readOps++;
    }

    /** A write is about to block; called under the write lock. */
    void writeStarting() {
        if (timedWrites()) {
            writeStartedNanos = System.nanoTime();
        }
    }

    /**
     * The write started by {@link #writeStarting()} handed one more chunk to the socket and goes on: progress, which
     * re-arms the write deadline and is activity for the idle timeout. Called under the write lock.
     */
    void wroteChunk() {
        writeOps++;
        if (timedWrites()) {
            writeStartedNanos = System.nanoTime();
        }
    }

    /** The write started by {@link #writeStarting()} handed all its {@code bytes} to the socket; it ends next. */
    void wrote(int bytes) {
        bytesOut += bytes; // published by the increment of writeEnded(true)
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

    /** Resets the idle clock and records the opening time (the connection just opened). */
    void touch() {
        long now = System.nanoTime();
        lastActivityNanos = now;
        openedNanos = now == 0 ? 1 : now; // 0 means "never opened"
    }

    /** nanoTime when the connection opened, or 0 if it never did. */
    long openedNanos() {
        return openedNanos;
    }

    /** Bytes read from the socket so far. */
    long bytesIn() {
        int published = readOps; // the volatile count first: it publishes the bytes (any value; ints wrap)
        return published == 0 && bytesIn == 0 ? 0 : bytesIn;
    }

    /** Bytes written to the socket so far, by writes that completed. */
    long bytesOut() {
        int published = writeOps; // as in bytesIn()
        return published == 0 && bytesOut == 0 ? 0 : bytesOut;
    }

    /**
     * Whether a write has gone longer than the write timeout without progress (since it started or since the socket
     * accepted its last chunk), as of {@code now}.
     */
    boolean writeOverdue(long now) {
        long started = writeStartedNanos;
        return started != 0 && now - started >= options().writeTimeout().toNanos();
    }

    /** Whether the idle timeout (if any) has passed, as of {@code now}. */
    boolean idleExpired(long now) {
        long idleTimeout = options().idleTimeout().toNanos();
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
