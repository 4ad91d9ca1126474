package dev.socketloom;

import dev.socketloom.inet.Inet;
import static dev.socketloom.testing.TestSupport.DEADLINE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.testing.SlowReader;
import dev.socketloom.testing.TestPki;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import dev.socketloom.testing.InetSession;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The timeout rules through the {@link Inet} facade, whose {@code INET_ERROR} and last error follow them: the call
 * that meets the deadline sets TIMEOUT, every call after the runtime closed the connection sets NOT_CONNECTED, a read
 * timeout keeps what was read, and the write timeout (the facade's {@code timeoutSec}) measures stalls, not size.
 */
@ExtendWith(InetSession.class)
class InetTimeoutsTest {
    private static final TestPki PKI = TestPki.get();

    private static void assertLastError(InetError expected) {
        assertEquals(expected.code(), Inet.getLastError(),
                () -> "last error was " + Inet.getErrorString(Inet.getLastError()));
    }

    private static int connect(boolean tls, int port) throws InetException {
        int h = tls ? Inet.connect("localhost", port, 1, Inet.INET_OPTION_SECURE, PKI.clientTls())
                : Inet.connect("127.0.0.1", port, 1, Inet.INET_OPTION_NONE);
        assertNotEquals(Inet.INVALID_SOCKET, h, () -> Inet.getErrorString(Inet.getLastError()));
        return h;
    }

    private static ServerSocket listener(boolean tls) throws Exception {
        ServerSocket ls = tls ? PKI.serverTls().sslContext().getServerSocketFactory().createServerSocket()
                : new ServerSocket();
        ls.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        return ls;
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void inetCallsAfterTheWriteTimeoutClosedTheConnectionSetNotConnected(boolean tls) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ServerSocket ls = listener(tls)) {
            Thread peer = Thread.ofVirtual().start(() -> {
                try (Socket s = ls.accept()) {
                    if (s instanceof javax.net.ssl.SSLSocket ssl) {
                        ssl.startHandshake();
                    }
                    release.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS); // never reads
                } catch (Exception e) {
                    // the test fails on its own assertions
                }
            });
            int h = connect(tls, ls.getLocalPort());
            byte[] chunk = new byte[256 * 1024];
            int n = 0;
            for (int i = 0; i < 10_000 && n != Inet.INET_ERROR; i++) {
                n = Inet.write(h, chunk, chunk.length);
            }
            assertEquals(Inet.INET_ERROR, n);
            assertLastError(InetError.TIMEOUT); // the write that met the deadline
            assertFalse(Inet.isConnected(h));
            for (int i = 0; i < 1_000; i++) { // a retry loop ends at once instead of spinning on TIMEOUT
                assertEquals(Inet.INET_ERROR, Inet.write(h, chunk, chunk.length));
                assertLastError(InetError.NOT_CONNECTED);
            }
            assertEquals(Inet.INET_ERROR, Inet.read(h, chunk, 10));
            assertLastError(InetError.NOT_CONNECTED);
            assertNull(Inet.readLine(h));
            assertLastError(InetError.NOT_CONNECTED);
            release.countDown();
            assertEquals(0, Inet.disconnect(h));
            peer.join(DEADLINE);
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void inetReadLineKeepsItsBytesOverAReadTimeout(boolean tls) throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        try (ServerSocket ls = listener(tls)) {
            Thread peer = Thread.ofVirtual().start(() -> {
                try (Socket s = ls.accept()) {
                    OutputStream out = s.getOutputStream();
                    out.write("half".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    second.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                    out.write(" line\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().read();
                } catch (Exception e) {
                    // the test fails on its own assertions
                }
            });
            int h = connect(tls, ls.getLocalPort());
            assertTrue(Inet.isReadable(h, (int) DEADLINE.toMillis()));
            assertNull(Inet.readLine(h));
            assertLastError(InetError.TIMEOUT);
            assertTrue(Inet.isConnected(h), "a read timeout leaves the connection usable");
            second.countDown();
            String line = null;
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (line == null && System.nanoTime() < end) {
                line = Inet.readLine(h);
                if (line == null) {
                    assertLastError(InetError.TIMEOUT);
                }
            }
            assertEquals("half line", line);
            assertEquals(0, Inet.disconnect(h));
            peer.join(DEADLINE);
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void inetWriteToAPeerThatKeepsReadingOutlivesTheWriteTimeout(boolean tls) throws Exception {
        // the facade cannot shrink the send buffer (up to 4 MiB on Linux loopback): write far more than it holds
        byte[] big = new byte[16 * 1024 * 1024];
        long pause = TimeUnit.MILLISECONDS.toNanos(20);
        SSLContext ctx = tls ? PKI.serverTls().sslContext() : null;
        try (SlowReader peer = tls ? SlowReader.tls(ctx, 128 * 1024, pause) : SlowReader.plain(128 * 1024, pause)) {
            int h = connect(tls, peer.port());
            long start = System.nanoTime();
            assertEquals(big.length, Inet.write(h, big, big.length), () -> Inet.getErrorString(Inet.getLastError()));
            assertTrue(System.nanoTime() - start > TimeUnit.SECONDS.toNanos(1),
                    "the write outlasted the write timeout (else this test proves nothing)");
            assertTrue(Inet.isConnected(h));
            assertEquals(0, Inet.disconnect(h));
            // the peer ends normally, or by a reset over TLS: the client closes with the server's unread session
            // tickets in its receive buffer
            peer.total().handle((n, e) -> n).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
