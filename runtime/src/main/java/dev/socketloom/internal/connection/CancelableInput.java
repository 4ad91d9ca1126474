package dev.socketloom.internal.connection;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The input stream an event callback's reads go through while they run on the event thread: it reads in slices of
 * {@link EventPump#SLICE_MILLIS} (the socket's SO_TIMEOUT meanwhile) and, between slices, fails with
 * {@link InetError#OPERATION_CANCELED} once events were disabled. That is how {@code disableEvents()} wakes a
 * callback blocked in {@code read}, {@code readFully}, {@code readLine} or {@code peek} without closing the socket
 * (interrupting a virtual thread blocked in a socket read would): the connection stays open, and what the read had
 * buffered stays buffered for the next reader. The read timeout still bounds each read from the socket, as SO_TIMEOUT does.
 *
 * <p>Installed by {@link ConnectionIo} for one read, under the read lock ({@link ReadBuffer#useSource}).
 */
final class CancelableInput extends InputStream {
    private final InputStream in;
    private final Socket socket;
    private final int readTimeoutMillis; // 0: no read timeout
    private final EventPump pump;
    private final ConnectionLifecycle conn;

    CancelableInput(InputStream in, Socket socket, int readTimeoutMillis, EventPump pump, ConnectionLifecycle conn) {
        this.in = in;
        this.socket = socket;
        this.readTimeoutMillis = readTimeoutMillis;
        this.pump = pump;
        this.conn = conn;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        long startNanos = System.nanoTime(); // the read timeout is per read from the socket, as SO_TIMEOUT's
        try {
            while (true) {
                if (pump.isCanceled()) {
                    conn.ensureOpen(); // closed: NOT_CONNECTED (or the timeout that closed it), as any read
                    throw new InetException(InetError.OPERATION_CANCELED, "read on " + conn.remoteAddress()
                            + " woken by disableEvents; the connection stays open and nothing buffered was lost");
                }
                int slice = EventPump.SLICE_MILLIS;
                if (readTimeoutMillis > 0) {
                    long left = readTimeoutMillis - (System.nanoTime() - startNanos) / 1_000_000;
                    if (left <= 0) {
                        throw new SocketTimeoutException("Read timed out");
                    }
                    slice = (int) Math.min(slice, left);
                }
                socket.setSoTimeout(slice);
                try {
                    return in.read(b, off, len);
                } catch (SocketTimeoutException nextSlice) {
                    // look at the cancel and the read timeout again
                }
            }
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(readTimeoutMillis);
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }
}
