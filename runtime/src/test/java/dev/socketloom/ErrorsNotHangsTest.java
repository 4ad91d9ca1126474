package dev.socketloom;

import static dev.socketloom.testing.TestSupport.BYTE_ECHO;
import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.closedPort;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** L10: every failure is a clear InetException with its code; nothing hangs or loses bytes. */
class ErrorsNotHangsTest {

    @Test
    void connectToAClosedPortIsRefused() throws Exception {
        int port = closedPort();
        try (SocketRuntime rt = SocketRuntime.open()) {
            InetException e = assertInetError(InetError.CONNECTION_REFUSED, () -> rt.connect("127.0.0.1", port));
            assertTrue(e.getMessage().contains(String.valueOf(port)), e::getMessage);
            assertTrue(rt.connections().isEmpty());
        }
    }

    @Test
    void unknownHostIsHostNotFound() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            InetException e = assertInetError(InetError.HOST_NOT_FOUND,
                    () -> rt.connect("no-such-host.invalid", 80));
            assertTrue(e.getMessage().contains("no-such-host.invalid"), e::getMessage);
        }
    }

    @Test
    void badArgumentsAreRejectedClearly() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            assertInetError(InetError.INVALID_ARGUMENT, () -> rt.connect("127.0.0.1", 0));
            assertInetError(InetError.INVALID_ARGUMENT, () -> rt.connect("127.0.0.1", 70_000));
            assertInetError(InetError.INVALID_ARGUMENT, () -> rt.connect("", 80));
            assertInetError(InetError.INVALID_ARGUMENT, () -> rt.connect(null, 80));
            assertThrows(IllegalArgumentException.class, () -> ServerOptions.builder().port(-1));
            assertThrows(IllegalArgumentException.class, () -> ConnectOptions.builder().maxLineLength(0));
            assertThrows(IllegalArgumentException.class,
                    () -> ConnectOptions.builder().readTimeout(Duration.ofMillis(-1)));
            try (Server s = rt.startServer(loopback().build(), LINE_ECHO); Connection c = rt.connect("127.0.0.1", s.port())) {
                assertThrows(IndexOutOfBoundsException.class, () -> c.read(new byte[4], 2, 3));
                assertThrows(IndexOutOfBoundsException.class, () -> c.write(new byte[4], -1, 1));
                assertThrows(NullPointerException.class, () -> c.writeLine(null));
            }
        }
    }

    @Test
    void readTimeoutIsTimeoutAndTheConnectionStaysUsable() throws Exception {
        CountDownLatch reply = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> {
                 reply.await();
                 c.writeLine("late");
                 c.readLine();
             })) {
            Connection c = rt.connect("127.0.0.1", server.port(),
                    ConnectOptions.builder().readTimeout(Duration.ofMillis(200)).build());
            assertInetError(InetError.TIMEOUT, c::readLine);
            assertInetError(InetError.TIMEOUT, () -> c.read(new byte[10], 0, 10));
            assertTrue(c.isConnected());
            reply.countDown();
            String late = null;
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (late == null && System.nanoTime() < end) {
                try {
                    late = c.readLine(); // the reply may take longer than one 200 ms timeout on a busy machine
                } catch (InetException e) {
                    assertEquals(InetError.TIMEOUT, e.error());
                }
            }
            assertEquals("late", late);
            c.close();
        }
    }

    @Test
    void overLongLineIsLineTooLongAndNothingIsLost() throws Exception {
        int limit = 64 * 1024;
        byte[] line = new byte[1024 * 1024];
        Arrays.fill(line, (byte) 'x');
        CompletableFuture<InetException> handlerSaw = new CompletableFuture<>();
        CompletableFuture<Integer> bytesReadAfter = new CompletableFuture<>();
        ServerOptions options = loopback()
                .clientOptions(ConnectOptions.builder().maxLineLength(limit).build()).build();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(options, c -> {
                 try {
                     c.readLine();
                 } catch (InetException e) {
                     handlerSaw.complete(e);
                 }
                 // nothing was consumed: the whole line is still there, byte for byte
                 byte[] buf = new byte[8192];
                 int total = 0;
                 int n;
                 while ((n = c.read(buf, 0, buf.length)) > 0) {
                     for (int i = 0; i < n; i++) {
                         if (buf[i] != 'x' && !(buf[i] == '\n' && total + i == line.length)) {
                             throw new AssertionError("unexpected byte at " + (total + i));
                         }
                     }
                     total += n;
                 }
                 bytesReadAfter.complete(total);
             })) {
            try (Connection c = rt.connect("127.0.0.1", server.port())) {
                c.write(line);
                c.write(new byte[] {'\n'});
                c.shutdownOutput();
                InetException e = handlerSaw.get(30, TimeUnit.SECONDS);
                assertEquals(InetError.LINE_TOO_LONG, e.error());
                assertEquals(line.length + 1, bytesReadAfter.get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void lineLimitIsExactAndBothTerminatorsWork() throws Exception {
        ServerOptions options = loopback()
                .clientOptions(ConnectOptions.builder().maxLineLength(10).build()).build();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(options, c -> {
                 String l;
                 while (true) {
                     try {
                         l = c.readLine();
                     } catch (InetException e) {
                         c.writeLine("ERR " + e.error());
                         c.read(new byte[100]); // drop the over-long bytes (they are all in one segment here)
                         continue;
                     }
                     if (l == null) {
                         return;
                     }
                     c.writeLine("[" + l + "]");
                 }
             });
             Connection c = rt.connect("127.0.0.1", server.port())) {
            c.write("0123456789\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("[0123456789]", c.readLine());
            c.write("abc\n\r\n\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("[abc]", c.readLine());
            assertEquals("[]", c.readLine());
            assertEquals("[]", c.readLine());
            c.write("0123456789X\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ERR LINE_TOO_LONG", c.readLine());
            c.write("tail".getBytes(StandardCharsets.US_ASCII));
            c.shutdownOutput();
            assertEquals("[tail]", c.readLine(), "an unterminated last line is returned at end of stream");
            assertNull(c.readLine());
        }
    }

    @Test
    void peerResetIsConnectionReset() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> {
                 c.readLine();
                 c.abort(); // SO_LINGER 0: RST
             });
             Connection c = rt.connect("127.0.0.1", server.port())) {
            c.writeLine("reset me");
            InetException e = assertThrows(InetException.class, () -> {
                c.readLine();
                // depending on timing the first read may see the RST as a clean end; a write then must fail
                for (int i = 0; i < 100; i++) {
                    c.write(new byte[64 * 1024]);
                }
            });
            assertEquals(InetError.CONNECTION_RESET, e.error(), e::toString);
        }
    }

    @Test
    void sixteenMegabytesEchoByteExact() throws Exception {
        byte[] payload = new byte[16 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), BYTE_ECHO);
             Connection c = rt.connect("127.0.0.1", server.port())) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int off = 0; off < payload.length; off += 100_000) {
                        c.write(payload, off, Math.min(100_000, payload.length - off));
                    }
                    c.shutdownOutput();
                } catch (InetException e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            byte[] echoed = new byte[payload.length];
            c.readFully(echoed, 0, echoed.length);
            writer.get(60, TimeUnit.SECONDS);
            assertArrayEquals(payload, echoed);
            assertEquals(-1, c.read(new byte[1]), "nothing more than what was sent");
        }
    }

    @Test
    void writeTimeoutBoundsAWriteToAPeerThatNeverReads() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> release.await())) {
            Connection c = rt.connect("127.0.0.1", server.port(), ConnectOptions.builder()
                    .writeTimeout(Duration.ofMillis(300)).sendBufferSize(64 * 1024).build());
            byte[] chunk = new byte[256 * 1024];
            InetException e = assertThrows(InetException.class, () -> {
                for (int i = 0; i < 10_000; i++) { // far more than any socket buffer
                    c.write(chunk);
                }
            });
            assertEquals(InetError.TIMEOUT, e.error(), e::toString);
            assertFalse(c.isConnected(), "a timed-out write closes the socket");
            InetException after = assertInetError(InetError.NOT_CONNECTED, () -> c.write(chunk));
            assertTrue(after.getMessage().contains("write timeout"), after::getMessage);
            release.countDown();
            c.close();
        }
    }

    @Test
    void idleTimeoutClosesAnIdleServerClient() throws Exception {
        CompletableFuture<InetError> handlerSaw = new CompletableFuture<>();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().idleTimeout(Duration.ofMillis(300)).build(), c -> {
                 try {
                     c.readLine();
                     handlerSaw.complete(InetError.NONE);
                 } catch (InetException e) {
                     handlerSaw.complete(e.error());
                 }
             });
             Connection c = rt.connect("127.0.0.1", server.port())) {
            assertEquals(InetError.TIMEOUT, handlerSaw.get(30, TimeUnit.SECONDS));
            assertNull(c.readLine(), "the idle client was closed");
        }
    }
}
