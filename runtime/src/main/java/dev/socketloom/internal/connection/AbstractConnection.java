package dev.socketloom.internal.connection;

import dev.socketloom.Connection;
import dev.socketloom.InetException;
import dev.socketloom.internal.util.Mutex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The skeleton of {@link Connection}: every method that is defined by the primitives ({@code read}, {@code write},
 * {@code disconnect}, ...) and so holds no state of its own beyond two lazily made stream views. Threading and
 * lifecycle are those of the primitives. ({@code readFully} is a primitive: it holds the read lock once.)
 *
 * <p>It extends {@link Mutex} only to give {@link ConnectionLifecycle} its state lock without a lock object (32 bytes
 * on every idle connection, see Mutex).
 */
abstract class AbstractConnection extends Mutex implements Connection {
    private static final long serialVersionUID = 1L;

    private Views views; // made on first use: most connections never ask, and one field costs less than two

    /** The stream views of this connection; they hold no state, a racing second pair is harmless. */
    private record Views(InputStream in, OutputStream out) {
    }

    static void checkRange(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "buffer").length);
    }

    /** Writes the line and its CRLF in one {@code write}, so concurrent writers never split it. */
    @Override
    public void writeLine(String line) throws InetException {
        Objects.requireNonNull(line, "line");
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[text.length + 2];
        System.arraycopy(text, 0, framed, 0, text.length);
        framed[text.length] = '\r';
        framed[text.length + 1] = '\n';
        write(framed, 0, framed.length);
    }

    @Override
    public void close() throws InetException {
        disconnect();
    }

    @Override
    public InputStream inputStream() {
        return views().in();
    }

    @Override
    public OutputStream outputStream() {
        return views().out();
    }

    private Views views() {
        Views v = views;
        if (v == null) {
            v = new Views(new In(), new Out());
            views = v;
        }
        return v;
    }

    /** {@link #inputStream()}: reads through the connection's buffer; closing it disconnects. */
    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = AbstractConnection.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return AbstractConnection.this.read(b, off, len);
        }

        @Override
        public int available() {
            return AbstractConnection.this.available();
        }

        @Override
        public void close() throws IOException {
            disconnect();
        }
    }

    /** {@link #outputStream()}: writes under the connection's write lock and timeout; closing it disconnects. */
    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            AbstractConnection.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            AbstractConnection.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            disconnect();
        }
    }
}
