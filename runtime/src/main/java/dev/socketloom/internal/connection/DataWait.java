package dev.socketloom.internal.connection;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.dial.Sockets;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * A bounded wait for bytes nobody has consumed yet: the event pump's wait between callbacks and
 * {@code Inet.isReadable}. It never consumes, and it never holds the read lock for longer than its slice: a reader
 * blocked without a read timeout may hold that lock for ever, so the wait for the lock counts against the slice, and
 * the event pump queues behind readers of other threads instead of overtaking them at the end of every slice.
 *
 * <p>Stateless; runs on the waiting thread.
 */
final class DataWait {
    private DataWait() {
    }

    /**
     * Waits up to {@code sliceMillis} in all for bytes {@code reported} does not cover yet (see
     * {@link ReadBuffer#awaitUnreported}); EOF once {@code conn} is closed. A {@code waiter} (the event pump) publishes
     * the buffered count while it holds the read lock, so that {@code available()} sees it.
     */
    static ReadBuffer.DataState await(SocketConnection conn, ReadBuffer r, Socket socket, int sliceMillis,
                                      ReadBuffer.Progress reported, EventPump waiter) throws IOException {
        long start = System.nanoTime();
        try {
            if (!r.tryLockBehindWaiters(TimeUnit.MILLISECONDS.toNanos(sliceMillis))) {
                return ReadBuffer.DataState.NONE;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InetException(InetError.OPERATION_CANCELED, "interrupted waiting for data from "
                    + conn.remoteAddress());
        }
        try {
            if (!conn.isOpenState()) {
                return ReadBuffer.DataState.EOF;
            }
            int left = (int) Math.max(1, sliceMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            if (waiter != null) {
                waiter.waitingWith(r.buffered()); // only grows while we hold the lock: nothing is consumed meanwhile
            }
            return r.awaitUnreported(socket, left, Sockets.timeoutMillis(conn.options().readTimeout()), reported);
        } finally {
            if (waiter != null) {
                waiter.waitingWith(0);
            }
            r.unlock();
        }
    }
}
