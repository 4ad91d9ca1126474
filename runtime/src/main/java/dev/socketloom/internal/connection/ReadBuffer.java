package dev.socketloom.internal.connection;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.util.Mutex;
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
 * <p>Not thread-safe: every method is called with the connection's read lock held - which is this object (it
 * extends {@link Mutex} instead of the connection holding a lock object for it: 36 bytes less per idle connection).
 *
 * <p><b>Sizing.</b> The buffer exists to save system calls when the caller reads less than the peer sends; it adapts
 * to the traffic so that an idle connection keeps (next to) nothing:
 * <ul>
 *   <li>A {@code read} that finds the buffer empty reads straight into the caller's array when that array is at
 *   least as large as the buffer and the peer is not streaming: no copy, and no buffer held while the read waits for
 *   the peer (a handler reading into its own array keeps no buffer at all).</li>
 *   <li>The peer <em>streams</em> when the last read from the socket filled all the space it was offered; then the
 *   next read from the socket goes through the buffer, grown to twice its size (at least twice the caller's request,
 *   at most {@link #STREAMING_BUFFER}), so that each system call fetches more.</li>
 *   <li>An <em>arrival</em> is what the reads since the last one that started on an empty buffer brought in (a
 *   line or a batch of pipelined requests that did not fit takes more than one). When the last arrival was larger
 *   than the buffer, the next read that starts on an empty buffer gets a buffer that fits it.</li>
 *   <li>When the last arrival used less than a quarter of the buffer, the burst is over and the buffer falls back
 *   to {@link #INITIAL_BUFFER} - unless that arrival was the first into a buffer just resized: growing in steps
 *   inside one message ends with a small read too, and shrinking then would regrow the buffer for every message
 *   of a steady exchange (4 KiB request/response would churn between sizes).</li>
 *   <li>{@code readLine} grows the buffer as far as the longest line needs (the maximum line length plus its
 *   terminator); once that line is read, a buffer beyond {@link #STREAMING_BUFFER} falls back at once.</li>
 * </ul>
 */
final class ReadBuffer extends Mutex {
    private static final long serialVersionUID = 1L;

    /** The buffer's size when first needed, and the size it falls back to when a burst is over. */
    static final int INITIAL_BUFFER = 64;
    /** Largest size adaptive growth reaches; readLine may grow further, up to the maximum line length. */
    static final int STREAMING_BUFFER = 16 * 1024;

    private InputStream in; // replaced only by switchTo (startTls), under this lock
    private final Activity activity; // also the source of the maximum line length and the peer's name

    private byte[] buf; // null until something needs buffering
    private int pos;
    private int lim;
    /** Bytes handed to the caller so far; lets the event pump tell whether a READ callback consumed anything. */
    private long consumed;
    /** The last read from the socket filled all the space it was offered: the peer sends faster than we read. */
    private boolean streaming;
    /** The current arrival started in a buffer of a new size. */
    private boolean resized;
    /** Bytes read from the socket since the last read that started on an empty buffer (the current arrival). */
    private int arrival;
    private volatile boolean eof;

    ReadBuffer(InputStream in, Activity activity) {
        this.in = in;
        this.activity = activity;
    }

    /**
     * A buffer that first returns {@code preread}: bytes a reader of the connection's preface (the PROXY header
     * reader) received past its end, which belong to the application and are read before the socket's own.
     */
    ReadBuffer(InputStream in, Activity activity, byte[] preread) {
        this(in, activity);
        if (preread.length > 0) {
            buf = Arrays.copyOf(preread, Math.max(INITIAL_BUFFER, preread.length));
            lim = preread.length;
        }
    }

    private int maxLineLength() {
        return activity.options().maxLineLength();
    }

    /** Whether the peer's end of stream has been read. Safe to call without the read lock. */
    boolean eof() {
        return eof;
    }

    /** Who the bytes come from, for messages. */
    Object peer() {
        return activity.peer();
    }

    /**
     * Reads from {@code next} from now on (the TLS stream after {@code startTls}); the caller holds this lock and
     * has drained the buffer. What was learned about the old stream's traffic no longer applies.
     */
    void switchTo(InputStream next) {
        in = next;
        pos = 0;
        lim = 0;
        streaming = false;
        resized = false;
        arrival = 0;
    }

    /** The stream reads come from; with {@link #useSource}, for one read through a wrapper (under this lock). */
    InputStream source() {
        return in;
    }

    /**
     * Reads from {@code s} until the next call: a wrapper of {@link #source()} for one read ({@link CancelableInput}),
     * with what is known about the traffic kept. The caller holds this lock and puts the source back.
     */
    void useSource(InputStream s) {
        in = s;
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
        if (nothingNew && buf != null && pos == 0 && lim == buf.length && buf.length >= maxLineLength() + 2) {
            return DataState.NONE; // full of unconsumed data and cannot grow: back-pressure, wait for the handler
        }
        s.setSoTimeout(sliceMillis);
        try {
            return fill(1) < 0 ? DataState.EOF : DataState.DATA;
        } catch (SocketTimeoutException slice) {
            return DataState.NONE;
        } finally {
            if (!s.isClosed()) {
                s.setSoTimeout(readTimeout);
            }
        }
    }

    /** The size the buffer has, or will have when first needed. */
    private int capacity() {
        byte[] b = buf;
        return b == null ? INITIAL_BUFFER : b.length;
    }

    /**
     * The buffer for a read from the socket that starts on an empty buffer, sized by the rules in the class comment;
     * {@code wanted} is what the caller asked for (1 for readLine and peek).
     */
    private byte[] emptyBuffer(int wanted) {
        byte[] b = buf;
        int size = b == null ? INITIAL_BUFFER : b.length;
        if (streaming) {
            int want = wanted >= STREAMING_BUFFER / 2 ? STREAMING_BUFFER : Integer.highestOneBit(wanted) * 4;
            size = Math.max(size, Math.min(STREAMING_BUFFER, Math.max(size * 2, want)));
        } else if (size > STREAMING_BUFFER) {
            size = INITIAL_BUFFER; // grown for one long line, which has been read
        } else if (arrival > size) {
            size = Math.min(STREAMING_BUFFER, Integer.highestOneBit(arrival - 1) * 2); // fit what came last time
        } else if (b != null && !resized && arrival < size / 4) {
            size = INITIAL_BUFFER; // the burst is over: an idle connection keeps only the small buffer
        }
        resized = b == null || b.length != size;
        if (resized) {
            b = new byte[size];
            buf = b;
        }
        arrival = 0;
        return b;
    }

    /**
     * Reads more bytes into the buffer after {@link #lim}; returns the count, or -1 at end of stream. {@code wanted}
     * is what the caller needs at least (1 for readLine and peek), a hint for the buffer's size.
     */
    int fill(int wanted) throws IOException {
        byte[] b;
        if (pos == lim) {
            pos = 0;
            lim = 0;
            b = emptyBuffer(wanted);
        } else {
            b = buf;
            if (lim == b.length) {
                if (pos > 0) {
                    System.arraycopy(b, pos, b, 0, lim - pos);
                    lim -= pos;
                    pos = 0;
                } else {
                    b = Arrays.copyOf(b, growTo(b.length));
                    buf = b;
                }
            }
        }
        int space = b.length - lim;
        int n = in.read(b, lim, space);
        if (n < 0) {
            eof = true;
            return -1;
        }
        lim += n;
        activity.countRead(n);
        streaming = n == space;
        arrival += n;
        return n;
    }

    private int growTo(int current) {
        int cap = Math.max(INITIAL_BUFFER, maxLineLength() + 2);
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
            if (len >= STREAMING_BUFFER || (!streaming && len >= capacity())) {
                int n = in.read(b, off, len); // straight into the caller's array: no copy, no buffer while waiting
                if (n < 0) {
                    eof = true;
                } else {
                    activity.countRead(n);
                    consumed += n;
                    streaming = n == len;
                    arrival = n; // an arrival of its own, that went straight to the caller
                }
                return n;
            }
            if (fill(len) < 0) {
                return -1;
            }
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        consumed += n;
        return n;
    }

    /**
     * Puts back {@code n} bytes the caller consumed last (from {@code b} at {@code off}) in front of whatever is
     * buffered: a {@code readFully} that timed out part-way leaves its bytes for the retry instead of losing them.
     * The buffer may grow past its adaptive sizes to hold them; it falls back once they are read.
     */
    void unread(byte[] b, int off, int n) {
        if (n == 0) {
            return;
        }
        if (buf != null && pos >= n) {
            pos -= n;
            System.arraycopy(b, off, buf, pos, n);
        } else {
            int pending = lim - pos;
            byte[] next = new byte[Math.max(INITIAL_BUFFER, n + pending)];
            System.arraycopy(b, off, next, 0, n);
            if (pending > 0) {
                System.arraycopy(buf, pos, next, n, pending);
            }
            buf = next;
            pos = 0;
            lim = n + pending;
            resized = true;
        }
        consumed -= n;
    }

    /** Copies up to {@code len} bytes without consuming them, blocking for at least one; -1 at end of stream. */
    int peek(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (pos == lim && (eof || fill(1) < 0)) {
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
        int max = maxLineLength();
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
            if (eof || fill(1) < 0) {
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
                + " bytes without a line terminator from " + peer() + "; nothing was consumed");
    }
}
