package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Suspend / resume, throttle limits, broadcast and client enumeration (SocketWrench InetServer*). */
class ServerManagementTest {
    private static final ConnectOptions PATIENT = ConnectOptions.builder().readTimeout(Duration.ofSeconds(30)).build();

    /**
     * Connects and expects the server to drop the connection at accept time. The RST may even beat the end of our
     * own connect() on loopback, so a reset during connect counts too.
     */
    private static boolean rejectedByServer(SocketRuntime rt, int port, ConnectOptions options) throws InetException {
        Connection c;
        try {
            c = rt.connect("127.0.0.1", port, options);
        } catch (InetException e) {
            return e.error() == InetError.CONNECTION_RESET;
        }
        try {
            return c.readLine() == null;
        } catch (InetException e) {
            return e.error() == InetError.CONNECTION_RESET;
        } finally {
            c.close();
        }
    }

    @Test
    void suspendedServerLetsNewClientsWaitAndServesThemOnResume() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO)) {
            server.suspend();
            assertFalse(server.isAccepting());
            assertTrue(server.isRunning());
            Connection waiting = rt.connect("127.0.0.1", server.port(),
                    ConnectOptions.builder().readTimeout(Duration.ofMillis(300)).build());
            waiting.writeLine("hello?");
            // while suspended the client can never be served, so this timeout is certain, not a race
            assertInetError(InetError.TIMEOUT, waiting::readLine);
            assertEquals(0, server.clientCount());

            server.resume();
            assertTrue(server.isAccepting());
            String reply = null;
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (reply == null && System.nanoTime() < end) {
                try {
                    reply = waiting.readLine();
                } catch (InetException e) {
                    assertEquals(InetError.TIMEOUT, e.error());
                }
            }
            assertEquals("hello?", reply, "the waiting client was served after resume");
            waiting.close();
        }
    }

    @Test
    void throttleMaxClientsRejectsConnectionsOverTheLimit() throws Exception {
        CountDownLatch oneLeft = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> {
                 try {
                     LINE_ECHO.handle(c);
                 } finally {
                     oneLeft.countDown();
                 }
             })) {
            server.throttle(2, 0, Duration.ZERO);
            Connection a = rt.connect("127.0.0.1", server.port(), PATIENT);
            Connection b = rt.connect("127.0.0.1", server.port(), PATIENT);
            for (Connection c : List.of(a, b)) {
                c.writeLine("in");
                assertEquals("in", c.readLine());
            }
            assertTrue(rejectedByServer(rt, server.port(), PATIENT), "the third client is closed at accept time");
            assertEquals(1, server.stats().rejected());
            assertEquals(2, server.clientCount());

            a.close();
            await(oneLeft, "a's handler to end");
            // the handler returning and the connection leaving the registry are two steps; the limit counts the latter
            awaitCondition(() -> server.clientCount() == 1, "a to leave the server's registry");
            Connection fourth = rt.connect("127.0.0.1", server.port(), PATIENT);
            fourth.writeLine("room again");
            assertEquals("room again", fourth.readLine());
            fourth.close();
            b.close();
        }
    }

    @Test
    void throttlePerAddressLimitsEachRemoteAddress() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().maxClientsPerAddress(1).build(), LINE_ECHO)) {
            Connection first = rt.connect("127.0.0.1", server.port(), PATIENT);
            first.writeLine("1");
            assertEquals("1", first.readLine());
            assertTrue(rejectedByServer(rt, server.port(), PATIENT), "a second client from 127.0.0.1 is refused");
            Connection otherAddress = rt.connect("127.0.0.1", server.port(), PATIENT.toBuilder()
                    .localAddress(new InetSocketAddress("127.0.0.2", 0)).build());
            otherAddress.writeLine("2");
            assertEquals("2", otherAddress.readLine(), "another source address has its own quota");
            assertEquals(1, server.stats().rejected());
            for (Connection c : List.of(first, otherAddress)) {
                c.close();
            }
        }
    }

    @Test
    void minAcceptIntervalSpacesAccepts() throws Exception {
        Duration interval = Duration.ofMillis(150);
        List<Long> served = new CopyOnWriteArrayList<>();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().minAcceptInterval(interval).build(), c -> {
                 served.add(System.nanoTime());
                 LINE_ECHO.handle(c);
             })) {
            long start = System.nanoTime();
            List<Connection> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Connection c = rt.connect("127.0.0.1", server.port(), PATIENT);
                c.writeLine("n" + i);
                clients.add(c);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("n" + i, clients.get(i).readLine());
            }
            // a lower bound only: a slow machine can make this longer, never shorter
            long last = served.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertTrue(last - start >= 2 * interval.toNanos(), "three accepts took at least two intervals");
            for (Connection c : clients) {
                c.close();
            }
        }
    }

    @Test
    void broadcastReachesEveryClientAndReportsTheCount() throws Exception {
        CountDownLatch ready = new CountDownLatch(5);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> {
                 ready.countDown();
                 c.readLine();
             })) {
            List<Connection> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clients.add(rt.connect("127.0.0.1", server.port(), PATIENT));
            }
            await(ready, "5 handlers");
            assertEquals(5, server.broadcast("news\r\n".getBytes(StandardCharsets.UTF_8)));
            for (Connection c : clients) {
                assertEquals("news", c.readLine());
                c.close();
            }
        }
    }

    @Test
    void clientsSnapshotShowsAddressesAndIdleTimes() throws Exception {
        CountDownLatch ready = new CountDownLatch(3);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> {
                 ready.countDown();
                 c.readLine();
             })) {
            Set<Integer> clientPorts = new HashSet<>();
            List<Connection> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Connection c = rt.connect("127.0.0.1", server.port());
                clients.add(c);
                clientPorts.add(c.localAddress().getPort());
            }
            await(ready, "3 handlers");
            Set<Integer> seen = new HashSet<>();
            for (Connection sc : server.clients()) {
                seen.add(sc.remoteAddress().getPort());
                assertEquals(server.port(), sc.localAddress().getPort());
                assertFalse(sc.idleTime().isNegative());
            }
            assertEquals(clientPorts, seen);
            assertEquals(3, server.stats().active());
            for (Connection c : clients) {
                c.close();
            }
        }
    }

    @Test
    void statsCountTheBytesOfConnectedAndDepartedClients() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO)) {
            Connection a = rt.connect("127.0.0.1", server.port());
            Connection b = rt.connect("127.0.0.1", server.port());
            a.writeLine("hello");
            b.writeLine("hi there");
            assertEquals("hello", a.readLine());
            assertEquals("hi there", b.readLine());
            long both = "hello\r\n".length() + "hi there\r\n".length();
            assertEquals(both, server.stats().bytesIn(), "read before it was echoed");
            // a write is counted when it returns, which may be after the peer already has the bytes
            awaitCondition(() -> server.stats().bytesOut() == both, "both echoes counted");

            a.close();
            awaitCondition(() -> server.clientCount() == 1, "a to leave");
            assertEquals(both, server.stats().bytesIn(), "a departed client's bytes still count");
            assertEquals(both, server.stats().bytesOut());

            b.writeLine("x");
            assertEquals("x", b.readLine());
            assertEquals(both + 3, server.stats().bytesIn());
            awaitCondition(() -> server.stats().bytesOut() == both + 3, "the last echo counted");
            b.close();
        }
    }

    @Test
    void managementCallsOnAStoppedServerFailClearly() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().build(), LINE_ECHO);
            assertInetError(InetError.INVALID_ARGUMENT, () -> server.throttle(-1, 0, Duration.ZERO));
            server.disconnect();
            assertInetError(InetError.SERVER_STOPPED, server::suspend);
            assertInetError(InetError.SERVER_STOPPED, server::resume);
            assertInetError(InetError.SERVER_STOPPED, () -> server.throttle(1, 1, Duration.ZERO));
            assertInetError(InetError.SERVER_STOPPED, () -> server.broadcast(new byte[1]));
        }
    }

    @Test
    void misusedArgumentsSayWhatIsWrong() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(dev.socketloom.testing.TestSupport.loopback().build(),
                    dev.socketloom.testing.TestSupport.LINE_ECHO);
            InetException e = dev.socketloom.testing.TestSupport.assertInetError(InetError.INVALID_ARGUMENT,
                    () -> server.throttle(0, 0, null));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("minAcceptInterval must not be null"),
                    e::getMessage);
            NullPointerException npe = org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                    () -> server.awaitTermination(null));
            org.junit.jupiter.api.Assertions.assertTrue(String.valueOf(npe.getMessage()).contains("timeout"),
                    npe::getMessage);
            server.disconnect();
        }
    }
}
