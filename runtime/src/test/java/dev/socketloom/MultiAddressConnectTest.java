package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.inet.Inet;
import dev.socketloom.testing.Blackhole;
import dev.socketloom.testing.TestNames;
import dev.socketloom.testing.TestSupport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Connecting to a name with several addresses (a fleet, dual stack): every address is tried within the one connect
 * timeout, Happy Eyeballs style, on loopback only. Names come from {@link TestNames}; each test uses its own (the JDK
 * caches lookups).
 */
class MultiAddressConnectTest {
    private static final ConnectOptions OPTIONS = ConnectOptions.builder().connectTimeout(Duration.ofSeconds(30))
            .readTimeout(TestSupport.DEADLINE).build();

    private static Server serverOn(SocketRuntime rt, String address, int port) throws Exception {
        return rt.startServer(ServerOptions.builder().bindAddress(InetAddress.getByName(address)).port(port).build(),
                LINE_ECHO);
    }

    private static void echoes(Connection c) throws InetException {
        c.writeLine("ping");
        assertEquals("ping", c.readLine());
    }

    @Test
    void aNameResolvingTo127001AndIpv6LoopbackReachesAServerOnlyOnIpv6() throws Exception {
        String name = TestNames.define("dual-v4-first.socketloom.test", "127.0.0.1", "::1");
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = serverOn(rt, "::1", 0);
            try (Connection c = rt.connect(name, server.port(), OPTIONS)) {
                assertEquals(InetAddress.getByName("::1"), c.remoteAddress().getAddress());
                echoes(c);
            }
            awaitCondition(() -> server.clientCount() == 0, "the echo client to leave");
            assertEquals(2, rt.liveThreadCount(), "no attempt thread outlives connect(): acceptor and keeper only");
        }
    }

    @Test
    void theOtherFamilyOrderReachesAServerOnlyOnIpv4() throws Exception {
        String name = TestNames.define("dual-v6-first.socketloom.test", "::1", "127.0.0.1");
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = serverOn(rt, "127.0.0.1", 0);
            try (Connection c = rt.connect(name, server.port(), OPTIONS)) {
                assertEquals(InetAddress.getByName("127.0.0.1"), c.remoteAddress().getAddress());
                echoes(c);
            }
        }
    }

    @Test
    void everyAddressOfAFleetIsTriedInTurn() throws Exception {
        String name = TestNames.define("fleet-of-three.socketloom.test", "127.0.0.2", "127.0.0.3", "127.0.0.1");
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = serverOn(rt, "127.0.0.1", 0);
            try (Connection c = rt.connect(name, server.port(), OPTIONS)) {
                assertEquals(new InetSocketAddress("127.0.0.1", server.port()).getAddress(),
                        c.remoteAddress().getAddress());
                echoes(c);
            }
        }
    }

    @Test
    void anAddressThatNeverAnswersDoesNotHoldUpTheNext() throws Exception {
        String name = TestNames.define("first-blackholed.socketloom.test", "127.0.0.2", "127.0.0.1");
        try (Blackhole hole = new Blackhole("127.0.0.2"); SocketRuntime rt = SocketRuntime.open()) {
            Server server = serverOn(rt, "127.0.0.1", hole.port());
            long start = System.nanoTime();
            try (Connection c = rt.connect(name, hole.port(), OPTIONS)) {
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(InetAddress.getByName("127.0.0.1"), c.remoteAddress().getAddress());
                // the second attempt starts 250 ms after the first, not after the first's 30 s timeout
                assertTrue(tookMillis < 15_000, "connected after " + tookMillis + " ms");
                echoes(c);
            }
            awaitCondition(() -> server.clientCount() == 0, "the echo client to leave");
            assertEquals(2, rt.liveThreadCount(), "the losing attempt's thread was joined: acceptor and keeper only");
        }
    }

    @Test
    void whenEveryAddressFailsTheErrorListsWhatWasTried() throws Exception {
        String name = TestNames.define("all-refused.socketloom.test", "127.0.0.2", "127.0.0.3", "::1");
        int port = TestSupport.closedPort();
        try (SocketRuntime rt = SocketRuntime.open()) {
            InetException e = assertInetError(InetError.CONNECTION_REFUSED, () -> rt.connect(name, port, OPTIONS));
            for (String tried : List.of("127.0.0.2:" + port, "127.0.0.3:" + port, "[0:0:0:0:0:0:0:1]:" + port)) {
                assertTrue(e.getMessage().contains(tried + " (CONNECTION_REFUSED)"), e::getMessage);
            }
            assertTrue(e.getMessage().startsWith("Connection refused by the remote host: connect to " + name), e::getMessage);
            assertEquals(3, e.getSuppressed().length, "each attempt's own exception is attached");
            assertEquals(0, rt.liveThreadCount());
        }
    }

    @Test
    void theConnectTimeoutBoundsAllAttemptsTogether() throws Exception {
        String name = TestNames.define("all-blackholed.socketloom.test", "127.0.0.2", "127.0.0.3");
        try (Blackhole first = new Blackhole("127.0.0.2"); Blackhole second = new Blackhole("127.0.0.3", first.port());
             SocketRuntime rt = SocketRuntime.open()) {
            ConnectOptions quick = OPTIONS.toBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            InetException e = assertInetError(InetError.TIMEOUT, () -> rt.connect(name, second.port(), quick));
            // each attempt is bounded by what is left of the one timeout, so both end with it
            for (String tried : List.of("127.0.0.2:" + first.port(), "127.0.0.3:" + first.port())) {
                assertTrue(e.getMessage().contains(tried + " (TIMEOUT)")
                        || e.getMessage().contains(tried + " (still connecting after PT1S)"), e::getMessage);
            }
            assertEquals(0, rt.liveThreadCount(), "every attempt was closed and joined");
        }
    }

    @Test
    void connectAsyncAndInetConnectTryEveryAddress() throws Exception {
        String name = TestNames.define("async-fleet.socketloom.test", "127.0.0.2", "127.0.0.1");
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = serverOn(rt, "127.0.0.1", 0);
            CountDownLatch connected = new CountDownLatch(1);
            AtomicReference<Event> first = new AtomicReference<>();
            Connection c = rt.connectAsync(name, server.port(), OPTIONS, (conn, event, error) -> {
                first.compareAndSet(null, event);
                connected.countDown();
            });
            await(connected, "the first event");
            assertEquals(Event.CONNECT, first.get());
            assertEquals(InetAddress.getByName("127.0.0.1"), c.remoteAddress().getAddress());
            c.disconnect();
        }
        assertTrue(Inet.initialize());
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = serverOn(rt, "127.0.0.1", 0);
            int h = Inet.connect(name, server.port(), 30, Inet.INET_OPTION_NONE);
            assertTrue(h != Inet.INVALID_SOCKET, () -> "Inet.connect: " + Inet.getLastError());
            assertEquals(0, Inet.disconnect(h));
        } finally {
            assertTrue(Inet.uninitialize());
        }
    }

    @Test
    void disconnectCancelsEveryAttemptOfAnAsyncConnect() throws Exception {
        String name = TestNames.define("async-blackholed.socketloom.test", "127.0.0.2", "127.0.0.3");
        try (Blackhole first = new Blackhole("127.0.0.2"); Blackhole second = new Blackhole("127.0.0.3", first.port());
             SocketRuntime rt = SocketRuntime.open()) {
            AtomicReference<Event> seen = new AtomicReference<>();
            Connection c = rt.connectAsync(name, first.port(), OPTIONS, (conn, event, error) -> seen.set(event));
            awaitCondition(() -> rt.liveThreadCount() == 3, "the event thread and both attempts");
            c.disconnect();
            assertEquals(0, rt.liveThreadCount(), "L1: the event thread, and with it every attempt, was joined");
            assertEquals(null, seen.get(), "a disconnect ends events silently");
        }
    }

    @Test
    void runtimeCloseCancelsASyncMultiAddressConnect() throws Exception {
        String name = TestNames.define("sync-blackholed.socketloom.test", "127.0.0.2", "127.0.0.3");
        try (Blackhole first = new Blackhole("127.0.0.2"); Blackhole second = new Blackhole("127.0.0.3", first.port())) {
            SocketRuntime rt = SocketRuntime.open();
            CompletableFuture<InetException> failure = new CompletableFuture<>();
            Thread connector = Thread.ofVirtual().start(() -> {
                try {
                    rt.connect(name, first.port(), OPTIONS).close();
                    failure.complete(null);
                } catch (InetException e) {
                    failure.complete(e);
                }
            });
            awaitCondition(() -> rt.liveThreadCount() == 2, "both attempts to be under way");
            rt.close();
            InetException e = failure.get(TestSupport.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertEquals(InetError.NOT_INITIALIZED, e == null ? null : e.error(), String.valueOf(e));
            assertTrue(connector.join(TestSupport.DEADLINE));
            assertEquals(0, rt.liveThreadCount());
        }
    }

    @Test
    void aLocalAddressLimitsTheAttemptsToItsFamily() throws Exception {
        String name = TestNames.define("local-family.socketloom.test", "::1", "127.0.0.1");
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = serverOn(rt, "::1", 0);
            ConnectOptions fromV4 = OPTIONS.toBuilder().localAddress(new InetSocketAddress("127.0.0.1", 0)).build();
            InetException e = assertInetError(InetError.CONNECTION_REFUSED, () -> rt.connect(name, server.port(), fromV4));
            assertTrue(!e.getMessage().contains("0:0:0:0:0:0:0:1"), "::1 is not reachable from 127.0.0.1: " + e);
        }
    }
}
