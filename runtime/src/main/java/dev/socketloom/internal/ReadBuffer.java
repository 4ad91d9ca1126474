package dev.socketloom.internal;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The receive side of one connection: a buffer over the socket's input stream shared by {@code read},
 * {@code readLine} and {@code peek}, so bytes peeked or left over after a line are never lost.
 *
 * <p>Not thread-safe: every method is called with the connection's read lock held. The buffer starts small (an idle
 * connection costs little) and doubles, up to {@link #STREAMING_BUFFER}, while reads keep filling it completely (the
 * peer streams, so each system call should fetch more); {@code readLine} may grow it further, up to the maximum line
 * length plus its terminator.
 */
final class ReadBuffer {
    static final int INITIAL_BUFFER = 512;
    /** Largest size adaptive growth reaches; readLine may grow further, up to the maximum line length. */
    static final int STREAMING_BUFFER = 16 * 1024;

    private final InputStream in;
    private final Activity activity;
    private final int maxLineLength;
    private final Object peer;

    private byte[] buf;
    private int pos;
    private int lim;
    /** Bytes handed to the caller so far; lets the event pump tell whether a READ callback consumed anything. */
    private long consumed;
    private boolean growBuffer;
    private volatile boolean eof;

    ReadBuffer(InputStream in, Activity activity, int maxLineLength, Object peer) {
        this.in = in;
        this.activity = activity;
        this.maxLineLength = maxLineLength;
        this.peer = peer;
    }

    /**
     * A buffer that first returns {@code preread}: bytes a reader of the connection's preface (the PROXY header
     * reader) received past its end, which belong to the application and are read before the socket's own.
     */
    ReadBuffer(InputStream in, Activity activity, int maxLineLength, Object peer, byte[] preread) {
        this(in, activity, maxLineLength, peer);
        if (preread.length > 0) {
            buf = Arrays.copyOf(preread, Math.max(INITIAL_BUFFER, preread.length));
            lim = preread.length;
        }
    }

    /** Whether the peer's end of stream has been read. Safe to call without the read lock. */
    boolean eof() {
        return eof;
    }

    /** Who the bytes come from, for messages. */
    Object peer() {
        return peer;
    }

    /** Removes and returns the bytes buffered but not consumed yet (handed to a TLS layer by {@code startTls}). */
    byte[] drain() {
        byte[] rest = buf == null ? new byte[0] : Arrays.copyOfRange(buf, pos, lim);
        consumed += lim - pos;
        pos = lim;
        return rest;
    }

    /** Bytes buffered and not consumed yet. */
    int buffered() {
        return lim - pos;
    }

    /** Consumed and buffered counts, read together (the event pump's view of progress). */
    Progress progress() {
        return new Progress(consumed, lim - pos);
    }

    /** How far a reader got: bytes consumed in total and bytes still buffered. */
    record Progress(long consumed, int buffered) {
    }

    /** What {@link #awaitUnreported} found. */
    enum DataState { DATA, EOF, NONE }

    /**
     * Waits up to {@code sliceMillis} for bytes that were not there, or not reported, before: the event pump waits in
     * slices so that {@code disableEvents()} never needs to close the socket to take its thread back.
     *
     * @param s            the socket under {@link #in}, whose SO_TIMEOUT is the slice meanwhile
     * @param readTimeout  the SO_TIMEOUT to restore afterwards
     * @param reported     what the pump last reported as READ, or null when it reported nothing yet
     */
    DataState awaitUnreported(Socket s, int sliceMillis, int readTimeout, Progress reported) throws IOException {
        boolean nothingNew = reported != null && reported.consumed() == consumed && reported.buffered() == lim - pos;
        if (pos < lim && !nothingNew) {
            return DataState.DATA;
        }
        if (eof) {
            return DataState.EOF;
        }
        if (nothingNew && buf != null && pos == 0 && lim == buf.length && buf.length >= maxLineLength + 2) {
            return DataState.NONE; // full of unconsumed data and cannot grow: back-pressure, wait for the handler
        }
        s.setSoTimeout(sliceMillis);
        try {
            return fill() < 0 ? DataState.EOF : DataState.DATA;
        } catch (SocketTimeoutException slice) {
            return DataState.NONE;
        } finally {
            if (!s.isClosed()) {
                s.setSoTimeout(readTimeout);
            }
        }
    }

    private byte[] buffer() {
        byte[] b = buf;
        if (b == null) {
            b = new byte[INITIAL_BUFFER];
            buf = b;
        }
        return b;
    }

    /** Reads more bytes into the buffer after {@link #lim}; returns the count, or -1 at end of stream. */
    int fill() throws IOException {
        byte[] b = buffer();
        if (pos == lim) {
            pos = 0;
            lim = 0;
            if (growBuffer) { // the last read filled the buffer: the peer streams, so read more per system call
                growBuffer = false;
                b = new byte[Math.min(STREAMING_BUFFER, b.length * 2)];
                buf = b;
            }
        } else if (lim == b.length) {
            if (pos > 0) {
                System.arraycopy(b, pos, b, 0, lim - pos);
                lim -= pos;
                pos = 0;
            } else {
                b = Arrays.copyOf(b, growTo(b.length));
                buf = b;
            }
        }
        int space = b.length - lim;
        int n = in.read(b, lim, space);
        if (n < 0) {
            eof = true;
            return -1;
        }
        lim += n;
        activity.read(n);
        growBuffer = n == space && b.length < STREAMING_BUFFER;
        return n;
    }

    private int growTo(int current) {
        int cap = Math.max(INITIAL_BUFFER, maxLineLength + 2);
        if (current >= cap) {
            throw new IllegalStateException("read buffer already at its cap of " + cap + " bytes");
        }
        return (int) Math.min(Math.max(current * 2L, INITIAL_BUFFER), cap);
    }

    /** Reads up to {@code len} bytes, blocking for at least one; -1 at end of stream. */
    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == lim) {
            if (eof) {
                return -1;
            }
            if (len >= (buf == null ? INITIAL_BUFFER : buf.length)) {
                int n = in.read(b, off, len); // large reads bypass the buffer: no extra copy
                if (n < 0) {
                    eof = true;
                } else {
                    activity.read(n);
                    consumed += n;
                }
                return n;
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        consumed += n;
        return n;
    }

    /** Copies up to {@code len} bytes without consuming them, blocking for at least one; -1 at end of stream. */
    int peek(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == lim && (eof || fill() < 0)) {
            return -1;
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        return n;
    }

    /**
     * Reads one LF- or CRLF-terminated line as UTF-8, without its terminator; the unterminated rest at end of stream;
     * null at end of stream. A line longer than the maximum fails with LINE_TOO_LONG and consumes nothing.
     */
    String readLine() throws IOException {
        int max = maxLineLength;
        int scan = pos;
        while (true) {
            byte[] b = buf;
            for (int i = scan; i < lim; i++) {
                if (b[i] == '\n') {
                    int end = (i > pos && b[i - 1] == '\r') ? i - 1 : i;
                    int length = end - pos;
                    if (length > max) {
                        throw tooLong(max);
                    }
                    String line = new String(b, pos, length, StandardCharsets.UTF_8);
                    consumed += i + 1 - pos;
                    pos = i + 1;
                    return line;
                }
            }
            int pending = lim - pos;
            if (pending > max + 1 || (pending == max + 1 && buf[lim - 1] != '\r')) {
                throw tooLong(max);
            }
            scan = lim - pos; // relative: fill() may compact the buffer
            if (eof || fill() < 0) {
                if (lim == pos) {
                    return null;
                }
                String rest = new String(buf, pos, lim - pos, StandardCharsets.UTF_8);
                consumed += lim - pos;
                pos = lim;
                return rest;
            }
            scan += pos;
        }
    }

    private InetException tooLong(int max) {
        return new InetException(InetError.LINE_TOO_LONG, "more than " + max
                + " bytes without a line terminator from " + peer + "; nothing was consumed");
    }
}
