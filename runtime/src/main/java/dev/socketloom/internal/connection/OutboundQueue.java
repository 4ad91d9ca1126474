package dev.socketloom.internal.connection;

import dev.socketloom.InetException;
import dev.socketloom.internal.util.ThreadStarter;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection's queue of messages written by other threads (a server's broadcast): FIFO, bounded in bytes, and
 * drained by at most one writer thread, started on demand and ending when the queue is empty, so a peer that stops
 * reading costs one parked thread and at most {@code limit} queued bytes, never a thread per message.
 *
 * <p>The drainer writes each message with {@link SocketConnection#write}, which takes the connection's write lock: a
 * queued message is never interleaved with the handler's own writes mid-message, and the write timeout applies. A
 * message is counted from the moment it is queued until its write returns. A message larger than the limit is
 * accepted only into an empty queue (so a large message can still be sent to a reader that keeps up).
 */
public final class OutboundQueue {
    /** What {@link #offer} did with a message. */
    public enum Offer { QUEUED, OVER_LIMIT, CLOSED }

    private final SocketConnection connection;
    private final long limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> messages = new ArrayDeque<>(); // guarded by lock
    private long bytes; // guarded by lock: queued plus the one being written
    private boolean draining; // guarded by lock: a drainer runs or is about to
    private boolean closed; // guarded by lock: a write failed; nothing is queued from then on

    public OutboundQueue(SocketConnection connection, long limit) {
        this.connection = connection;
        this.limit = limit;
    }

    /**
     * Queues {@code message} (not copied: the caller hands it over and never changes it) and starts a drainer with
     * {@code starter} if none runs. Never blocks on the peer.
     */
    public Offer offer(byte[] message, ThreadStarter starter, String threadName) {
        lock.lock();
        try {
            if (closed) {
                return Offer.CLOSED;
            }
            if (bytes > 0 && bytes + message.length > limit) {
                return Offer.OVER_LIMIT;
            }
            messages.addLast(message);
            bytes += message.length;
            if (draining) {
                return Offer.QUEUED;
            }
            draining = true;
        } finally {
            lock.unlock();
        }
        Thread t;
        try {
            t = starter.start(threadName, this::drain);
        } catch (RuntimeException e) {
            t = null;
        }
        if (t == null) { // the server no longer starts threads: nothing will drain this queue
            close();
            return Offer.CLOSED;
        }
        return Offer.QUEUED;
    }

    /** The bytes queued and not yet written (including the message being written). */
    public long queuedBytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** The byte limit this queue refuses to pass (except for a single message into an empty queue). */
    public long limit() {
        return limit;
    }

    /** Drops every queued message and accepts none from now on. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            messages.clear();
            bytes = 0;
            draining = false;
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        while (true) {
            byte[] next;
            lock.lock();
            try {
                next = messages.peekFirst();
                if (next == null || closed) {
                    draining = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                connection.write(next, 0, next.length);
            } catch (InetException closedOrFailed) {
                close();
                return;
            }
            lock.lock();
            try {
                if (!closed) {
                    messages.pollFirst();
                    bytes -= next.length;
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
