package dev.socketloom;

import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.testing.SlowReader;
import dev.socketloom.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Timeouts that lose nothing (L10), on plain and TLS connections: the call that meets a deadline reports TIMEOUT and
 * says whether the connection is still usable; every call after the runtime closed a connection on its own reports
 * NOT_CONNECTED with the expiry as its cause; a read that times out part-way keeps what it read for the retry; the
 * write timeout measures time without progress, not the size of a write.
 */
class TimeoutsLoseNothingTest {
    private static final TestPki PKI = TestPki.get();

    private static ServerOptions.Builder server(boolean tls) throws InetException {
        return tls ? loopback().tls(PKI.serverTls()) : loopback();
    }

    private static ConnectOptions.Builder client(boolean tls) throws InetException {
        return tls ? ConnectOptions.builder().tls(PKI.clientTls()) : ConnectOptions.builder();
    }

    private static String host(boolean tls) {
        return tls ? "localhost" : "127.0.0.1";
    }

    /** Asserts the NOT_CONNECTED of a call after the runtime closed the connection: its cause names the expiry. */
    static void assertClosedBy(String which, InetException e) {
        assertEquals(InetError.NOT_CONNECTED, e.error(), e::toString);
        assertTrue(e.getMessage().contains(which), e::getMessage);
        InetException cause = assertInstanceOf(InetException.class, e.getCause(), e::toString);
        assertEquals(InetError.TIMEOUT, cause.error(), cause::toString);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void everyCallAfterTheIdleTimeoutClosedTheConnectionIsNotConnected(boolean tls) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server s = rt.startServer(server(tls).build(), c -> release.await(DEADLINE.toMillis(),
                     TimeUnit.MILLISECONDS))) {
            Connection c = rt.connect(host(tls), s.port(), client(tls).idleTimeout(Duration.ofMillis(300)).build());
            // the read in flight when the idle timeout fires met the deadline: TIMEOUT, and it says the end
            InetException met = assertInetError(InetError.TIMEOUT, () -> c.read(new byte[10], 0, 10));
            assertTrue(met.getMessage().contains("closed"), met::getMessage);
            assertFalse(c.isConnected());
            byte[] buf = new byte[10];
            for (int i = 0; i < 1_000; i++) { // a retry loop ends at once instead of spinning on TIMEOUT
                assertClosedBy("idle timeout", assertThrows(InetException.class, () -> c.read(buf, 0, 10)));
            }
            assertClosedBy("idle timeout", assertThrows(InetException.class, c::readLine));
            assertClosedBy("idle timeout", assertThrows(InetException.class, () -> c.readFully(buf, 0, 10)));
            assertClosedBy("idle timeout", assertThrows(InetException.class, () -> c.peek(buf, 0, 10)));
            assertClosedBy("idle timeout", assertThrows(InetException.class, () -> c.writeLine("late")));
            release.countDown();
            c.disconnect();
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aCallAfterAnUnwatchedIdleCloseIsNotConnectedWithTheCause(boolean tls) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server s = rt.startServer(server(tls).build(), c -> release.await(DEADLINE.toMillis(),
                     TimeUnit.MILLISECONDS))) {
            Connection c = rt.connect(host(tls), s.port(), client(tls).idleTimeout(Duration.ofMillis(200)).build());
            awaitCondition(() -> !c.isConnected(), "the idle timeout closing the connection");
            // no call was in flight: the first call after the close already reports NOT_CONNECTED
            assertClosedBy("idle timeout", assertThrows(InetException.class, () -> c.read(new byte[1], 0, 1)));
            release.countDown();
            c.disconnect();
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void everyCallAfterTheWriteTimeoutClosedTheConnectionIsNotConnected(boolean tls) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server s = rt.startServer(server(tls).build(), c -> release.await(DEADLINE.toMillis(),
                     TimeUnit.MILLISECONDS))) {
            Connection c = rt.connect(host(tls), s.port(), client(tls).writeTimeout(Duration.ofMillis(300))
                    .sendBufferSize(64 * 1024).build());
            byte[] chunk = new byte[256 * 1024];
            InetException met = assertThrows(InetException.class, () -> {
                for (int i = 0; i < 10_000; i++) { // far more than any socket buffer; the peer never reads
                    c.write(chunk);
                }
            });
            assertEquals(InetError.TIMEOUT, met.error(), met::toString);
            assertTrue(met.getMessage().contains("closed"), met::getMessage);
            assertFalse(c.isConnected());
            assertClosedBy("write timeout", assertThrows(InetException.class, () -> c.write(chunk)));
            assertClosedBy("write timeout", assertThrows(InetException.class, () -> c.read(new byte[1], 0, 1)));
            release.countDown();
            c.disconnect();
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void readFullyKeepsTheBytesItReadWhenTheReadTimeoutFires(boolean tls) throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server s = rt.startServer(server(tls).build(), c -> {
                 c.write("12345".getBytes(StandardCharsets.US_ASCII));
                 second.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                 c.write("67890".getBytes(StandardCharsets.US_ASCII));
                 c.readLine();
             })) {
            Connection c = rt.connect(host(tls), s.port(), client(tls).readTimeout(Duration.ofMillis(300)).build());
            byte[] frame = new byte[10];
            awaitCondition(() -> peeked(c, frame) >= 5, "the first half of the frame");
            InetException e = assertInetError(InetError.TIMEOUT, () -> c.readFully(frame, 0, 10));
            assertTrue(c.isConnected(), "a read timeout leaves the connection usable");
            assertTrue(e.getMessage().contains("5 bytes"), e::getMessage);
            assertEquals(5, c.available(), "the bytes read so far are buffered again");
            second.countDown();
            readFullyRetrying(c, frame);
            assertArrayEquals("1234567890".getBytes(StandardCharsets.US_ASCII), frame, "the retry read the frame");
            c.disconnect();
        }
    }

    /** What a peek finds now (a TLS socket reports nothing available until a read decrypted it); 0 on TIMEOUT. */
    private static int peeked(Connection c, byte[] into) {
        try {
            return c.peek(into, 0, into.length);
        } catch (InetException e) {
            assertEquals(InetError.TIMEOUT, e.error(), e::toString);
            return 0;
        }
    }

    /** A reader that retries on TIMEOUT, as the Javadoc of every read says it may. */
    static void readFullyRetrying(Connection c, byte[] frame) throws InetException {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                c.readFully(frame, 0, frame.length);
                return;
            } catch (InetException e) {
                if (e.error() != InetError.TIMEOUT || System.nanoTime() > end) {
                    throw e;
                }
            }
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void theWriteTimeoutSparesALargeWriteToAPeerThatKeepsReading(boolean tls) throws Exception {
        byte[] big = new byte[3 * 1024 * 1024];
        try (SocketRuntime rt = SocketRuntime.open();
             SlowReader peer = tls ? SlowReader.tls(PKI.serverTls().sslContext(), 32 * 1024,
                     TimeUnit.MILLISECONDS.toNanos(20)) : SlowReader.plain(32 * 1024, TimeUnit.MILLISECONDS.toNanos(20))) {
            Connection c = rt.connect(host(tls), peer.port(), client(tls).writeTimeout(Duration.ofMillis(500))
                    .idleTimeout(Duration.ofMillis(500)).sendBufferSize(32 * 1024).build());
            long start = System.nanoTime();
            c.write(big); // some 100 pauses of the peer: far longer than the write timeout, with progress all along
            assertTrue(System.nanoTime() - start > Duration.ofMillis(500).toNanos(),
                    "the write outlasted the write timeout (else this test proves nothing)");
            assertTrue(c.isConnected());
            c.shutdownOutput();
            assertEquals(big.length, peer.total().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
            c.disconnect();
        }
    }
}
