package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocket;

/**
 * The world-side steps of the timeout actions ({@link TimeoutActions}): each step connects one client of the
 * world's runtime to a scripted peer of its own (plain or TLS), lets a read, idle or write timeout fire in the middle
 * of a {@code readFully}, {@code readLine}, {@code read} or {@code write}, retries, and checks what the retry got.
 * A step leaves no socket or thread behind; the connections the runtime closed on its own are kept and re-checked
 * after every step ({@link #check}): every call on them reports NOT_CONNECTED, caused by the expiry's TIMEOUT.
 */
final class TimeoutProbes {
    static final Duration READ_TIMEOUT = Duration.ofMillis(100);
    static final Duration IDLE_TIMEOUT = Duration.ofMillis(150);
    static final Duration WRITE_TIMEOUT = Duration.ofMillis(500);
    private static final int EXPIRED_KEPT = 8;
    private static final byte[] END = "END\n".getBytes(StandardCharsets.US_ASCII);

    /** The read calls a timeout may interrupt. */
    enum Read { READ_FULLY, READ_LINE, READ }

    private record Expired(Connection conn, String which) {
    }

    private final ArrayDeque<Expired> expired = new ArrayDeque<>();

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** A client of the world's runtime and the accepted socket of its scripted peer. */
    private static final class Peer implements AutoCloseable {
        final ServerSocket listener;
        final Socket socket;
        final Connection conn;

        Peer(World w, boolean tls, ConnectOptions.Builder options, int receiveBuffer) throws Exception {
            listener = tls ? Generators.serverTls().sslContext().getServerSocketFactory().createServerSocket()
                    : new ServerSocket();
            try {
                if (receiveBuffer > 0) {
                    listener.setReceiveBufferSize(receiveBuffer);
                }
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                FutureTask<Socket> accept = new FutureTask<>(() -> {
                    Socket s = listener.accept();
                    if (s instanceof SSLSocket ssl) {
                        ssl.startHandshake(); // the client's connect returns only after it
                    }
                    return s;
                });
                Thread.ofVirtual().name("timeout-probe-peer").start(accept);
                conn = w.rt.connect(tls ? "localhost" : "127.0.0.1", listener.getLocalPort(),
                        (tls ? options.tls(Generators.clientTls()) : options).build());
                socket = accept.get(World.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                listener.close();
                throw e;
            }
        }

        void send(byte[] b, int off, int len) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(b, off, len);
            out.flush();
        }

        @Override
        public void close() throws Exception {
            try {
                conn.disconnect();
            } finally {
                socket.close();
                listener.close();
            }
        }
    }

    /**
     * The peer sends the first {@code split} bytes of {@code frame}; the read times out in the middle (the rest is
     * sent only after it returned); the connection stays open; a reader that retries on TIMEOUT gets the whole frame
     * and then the peer's next line, in order.
     */
    String readTimeoutMidRead(World w, boolean tls, Read op, byte[] frame, int split) throws Exception {
        byte[] sent = op == Read.READ_LINE ? lineOf(frame) : frame;
        try (Peer p = new Peer(w, tls, ConnectOptions.builder().readTimeout(READ_TIMEOUT), 0)) {
            p.send(sent, 0, split);
            byte[] got = new byte[frame.length];
            int[] have = {0};
            InetException e = expectTimeout(() -> {
                while (!readOnce(p.conn, op, got, have)) {
                    // a plain read returns what arrived; the one after it waits for the rest and times out
                }
                fail(op + " completed the frame before the peer sent its rest");
            });
            assertTrue(p.conn.isConnected(), "a read timeout leaves the connection usable: " + e);
            assertTrue(e.getMessage().contains("still open"), "the TIMEOUT says the connection is usable: " + e);
            p.send(sent, split, sent.length - split);
            p.send(END, 0, END.length);
            long end = System.nanoTime() + World.DEADLINE.toNanos();
            while (!readOnce(p.conn, op, got, have)) {
                if (System.nanoTime() > end) {
                    fail("the retried " + op + " did not complete within " + World.DEADLINE);
                }
            }
            assertArrayEquals(frame, got, "a reader that retries after a " + op + " timeout lost or reordered bytes"
                    + " (" + split + " of " + sent.length + " sent before the timeout)");
            assertEquals("END", retryingReadLine(p.conn), "the bytes after the frame follow it");
        }
        return op + " timed out after " + split + " of " + sent.length + " bytes" + (tls ? " (TLS)" : "")
                + ", the retry read them all in order";
    }

    /**
     * The idle timeout closes the connection while a read waits in the middle of a frame: that read reports TIMEOUT
     * (the connection is closed), its retry NOT_CONNECTED with the expiry as cause.
     */
    String idleTimeoutMidRead(World w, boolean tls, Read op, byte[] frame, int split) throws Exception {
        byte[] sent = op == Read.READ_LINE ? lineOf(frame) : frame;
        try (Peer p = new Peer(w, tls, ConnectOptions.builder().idleTimeout(IDLE_TIMEOUT), 0)) {
            p.send(sent, 0, split);
            byte[] got = new byte[frame.length];
            int[] have = {0};
            if (op == Read.READ) {
                readOnce(p.conn, op, got, have); // what arrived; the next read then waits for the idle timeout
            }
            InetException e = expectTimeout(() -> {
                while (true) {
                    readOnce(p.conn, op, got, have);
                }
            });
            assertFalse(p.conn.isConnected(), "the idle timeout closed the connection: " + e);
            assertTrue(e.getMessage().contains("closed"), "the TIMEOUT says the connection is closed: " + e);
            assertClosedBy(p.conn, "idle timeout");
            remember(p.conn, "idle timeout");
        }
        return "idle timeout fired mid-" + op + " after " + split + " of " + sent.length + " bytes"
                + (tls ? " (TLS)" : "") + "; the retry reports NOT_CONNECTED";
    }

    /**
     * A write to a peer that never reads meets the write timeout (TIMEOUT, closed; the retry NOT_CONNECTED), or a
     * large write to a peer that keeps reading outlives the write timeout and delivers every byte in order.
     */
    String writeTimeoutMidWrite(World w, boolean tls, boolean peerReads) throws Exception {
        ConnectOptions.Builder o = ConnectOptions.builder().writeTimeout(WRITE_TIMEOUT).sendBufferSize(16 * 1024);
        try (Peer p = new Peer(w, tls, o, 16 * 1024)) {
            if (!peerReads) {
                byte[] chunk = new byte[64 * 1024];
                InetException e = expectTimeout(() -> {
                    for (int i = 0; i < 100_000; i++) {
                        p.conn.write(chunk);
                    }
                    fail("100 000 writes of 64 KiB to a peer that never reads did not time out");
                });
                assertTrue(e.getMessage().contains("closed"), "the TIMEOUT says the connection is closed: " + e);
                assertClosedBy(p.conn, "write timeout");
                remember(p.conn, "write timeout");
                return "write timeout fired mid-write" + (tls ? " (TLS)" : "") + "; the retry reports NOT_CONNECTED";
            }
            byte[] big = new byte[4 * 1024 * 1024];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 31 + i / 251);
            }
            FutureTask<byte[]> reader = new FutureTask<>(() -> slowlyReadAll(p.socket, big.length));
            Thread.ofVirtual().name("timeout-probe-slow-reader").start(reader);
            long start = System.nanoTime();
            p.conn.write(big); // far longer than the write timeout, with progress all along
            long took = System.nanoTime() - start;
            assertTrue(p.conn.isConnected(), "a write that makes progress is not timed out");
            assertArrayEquals(big, reader.get(World.DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                    "the slow peer read every byte in order");
            return "a " + big.length / 1024 + " KiB write to a slowly reading peer" + (tls ? " (TLS)" : "") + " took "
                    + TimeUnit.NANOSECONDS.toMillis(took) + " ms, write timeout " + WRITE_TIMEOUT.toMillis() + " ms";
        }
    }

    /** Checked after every step: the connections the runtime closed on its own answer NOT_CONNECTED with the cause. */
    void check() {
        for (Expired x : expired) {
            assertClosedBy(x.conn, x.which);
        }
    }

    private void remember(Connection c, String which) {
        if (expired.size() == EXPIRED_KEPT) {
            expired.removeFirst();
        }
        expired.addLast(new Expired(c, which));
    }

    private static void assertClosedBy(Connection c, String which) {
        byte[] b = new byte[4];
        for (Call call : new Call[] {() -> c.read(b, 0, 4), () -> c.readFully(b, 0, 4), c::readLine,
                () -> c.peek(b, 0, 4), () -> c.write(b, 0, 4)}) {
            try {
                call.run();
                fail(c + " closed by its " + which + " took a call");
            } catch (InetException e) {
                assertEquals(InetError.NOT_CONNECTED, e.error(), "a call after the " + which + " closed " + c + ": "
                        + e);
                assertTrue(e.getMessage().contains(which), "the NOT_CONNECTED names the " + which + ": " + e);
                InetException cause = assertInstanceOf(InetException.class, e.getCause(), e.toString());
                assertEquals(InetError.TIMEOUT, cause.error(), "the cause of " + e);
            } catch (Exception e) {
                throw new AssertionError("unexpected " + e, e);
            }
        }
    }

    /** One read call; true once the frame is complete. {@code have} counts what plain reads collected so far. */
    private static boolean readOnce(Connection c, Read op, byte[] got, int[] have) throws InetException {
        switch (op) {
            case READ_FULLY -> {
                c.readFully(got, 0, got.length);
                return true;
            }
            case READ_LINE -> {
                String line = c.readLine();
                byte[] bytes = line == null ? new byte[0] : line.getBytes(StandardCharsets.US_ASCII);
                if (bytes.length != got.length) {
                    throw new AssertionError("the retried readLine returned " + bytes.length + " bytes, the peer sent "
                            + got.length + ": \"" + line + "\"");
                }
                System.arraycopy(bytes, 0, got, 0, bytes.length);
                return true;
            }
            default -> {
                int n = c.read(got, have[0], got.length - have[0]);
                if (n < 0) {
                    throw new AssertionError("end of stream after " + have[0] + " bytes of the frame");
                }
                have[0] += n;
                return have[0] == got.length;
            }
        }
    }

    private static String retryingReadLine(Connection c) throws InetException {
        long end = System.nanoTime() + World.DEADLINE.toNanos();
        while (true) {
            try {
                return c.readLine();
            } catch (InetException e) {
                if (e.error() != InetError.TIMEOUT || System.nanoTime() > end) {
                    throw e;
                }
            }
        }
    }

    private static InetException expectTimeout(Call call) {
        try {
            call.run();
        } catch (InetException e) {
            assertEquals(InetError.TIMEOUT, e.error(), "the call that met the deadline: " + e);
            return e;
        } catch (Exception e) {
            throw new AssertionError("unexpected " + e, e);
        }
        throw new AssertionError("no TIMEOUT");
    }

    /** A line's bytes plus its LF; the frame is ASCII text without line terminators (see TimeoutActions). */
    private static byte[] lineOf(byte[] frame) {
        byte[] line = Arrays.copyOf(frame, frame.length + 1);
        line[frame.length] = '\n';
        return line;
    }

    private static byte[] slowlyReadAll(Socket s, int total) throws IOException {
        byte[] all = new byte[total];
        InputStream in = s.getInputStream();
        int got = 0;
        while (got < total) {
            int n = in.read(all, got, Math.min(32 * 1024, total - got));
            if (n < 0) {
                break;
            }
            got += n;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // the slow peer's pace: 4 MiB take > 0.6 s
        }
        return Arrays.copyOf(all, got);
    }
}
