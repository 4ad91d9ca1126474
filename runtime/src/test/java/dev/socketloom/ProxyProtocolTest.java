package dev.socketloom;

import static dev.socketloom.testing.ProxyHeaders.concat;
import static dev.socketloom.testing.ProxyHeaders.v1;
import static dev.socketloom.testing.ProxyHeaders.v2;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.inet.Inet;
import dev.socketloom.testing.LogCapture;
import dev.socketloom.testing.ProxyHeaders;
import dev.socketloom.testing.RawClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** L14: the PROXY protocol header, read on the client's thread before the handler, against a real server. */
class ProxyProtocolTest {
    static final InetSocketAddress CLIENT4 = new InetSocketAddress(ip("192.0.2.10"), 56324);
    static final InetSocketAddress FRONT4 = new InetSocketAddress(ip("198.51.100.1"), 443);
    static final InetSocketAddress CLIENT6 = new InetSocketAddress(ip("2001:db8::7"), 40001);
    static final InetSocketAddress FRONT6 = new InetSocketAddress(ip("2001:db8::1"), 443);

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Writes one line describing what the server knows of the client, then echoes bytes until end of stream. */
    static final ConnectionHandler REPORT = c -> {
        c.writeLine(describe(c));
        byte[] buf = new byte[4096];
        int n;
        while ((n = c.read(buf, 0, buf.length)) >= 0) {
            c.write(buf, 0, n);
        }
    };

    static String describe(Connection c) {
        ProxyHeader h = c.proxyHeader();
        return c.remoteAddress() + " via " + c.proxyAddress() + " "
                + (h == null ? "none" : h.version() + "/" + h.command() + "/" + h.family());
    }

    private static ServerOptions.Builder proxied(ProxyProtocol mode) {
        return loopback().proxyProtocol(mode).proxyHeaderTimeout(Duration.ofSeconds(30));
    }

    @Test
    void remoteAddressIsTheOriginalClientAndProxyAddressTheProxy() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(proxied(ProxyProtocol.REQUIRED).build(), REPORT);
            record Case(byte[] header, InetSocketAddress client, String kind) { }
            for (Case k : List.of(new Case(v1(CLIENT4, FRONT4), CLIENT4, "1/PROXY/TCP4"),
                    new Case(v1(CLIENT6, FRONT6), CLIENT6, "1/PROXY/TCP6"),
                    new Case(v2(CLIENT4, FRONT4, List.of(), false), CLIENT4, "2/PROXY/TCP4"),
                    new Case(v2(CLIENT6, FRONT6, List.of(), true), CLIENT6, "2/PROXY/TCP6"))) {
                try (RawClient c = new RawClient(server.port())) {
                    c.write(k.header());
                    assertEquals(k.client() + " via " + c.localAddress() + " " + k.kind(), c.readLine());
                }
            }
            assertEquals(4, server.stats().accepted());
            assertEquals(0, server.stats().proxyHeaderFailures());
        }
    }

    @Test
    void bytesAfterTheHeaderReachTheHandlerUnchanged() throws Exception {
        byte[] payload = concat("PROXY TCP4 1.1.1.1 2.2.2.2 1 2\r\n\r\n\u0000".getBytes(StandardCharsets.ISO_8859_1),
                ProxyHeaders.V2_SIGNATURE);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(proxied(ProxyProtocol.REQUIRED).build(), REPORT);
            for (byte[] header : List.of(v1(CLIENT4, FRONT4), v2(CLIENT6, FRONT6, List.of(), true))) {
                try (RawClient c = new RawClient(server.port())) {
                    c.write(concat(header, payload)).shutdownOutput(); // header and data in one segment
                    assertTrue(c.readLine().contains(" via /127.0.0.1:"));
                    assertArrayEquals(payload, c.readToEnd());
                }
            }
        }
    }

    @Test
    void headerIsReadOnTheClientsOwnThreadNeverTheAcceptor() throws Exception {
        Set<String> threadNames = ConcurrentHashMap.newKeySet();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(proxied(ProxyProtocol.REQUIRED).build(), c -> {
                threadNames.add(Thread.currentThread().getName() + (Thread.currentThread().isVirtual() ? " (virtual)" : ""));
                REPORT.handle(c);
            });
            try (RawClient silent = new RawClient(server.port()); RawClient served = new RawClient(server.port())) {
                // the silent client's header never comes; the acceptor must not wait for it
                served.write(v2(CLIENT4, FRONT4, List.of(), false));
                assertTrue(served.readLine().startsWith(CLIENT4.toString()));
                assertEquals(2, server.clientCount(), "both are connected");
                assertEquals(List.of(CLIENT4), server.clients().stream().map(Connection::remoteAddress).toList(),
                        "clients() lists a client once its header named it, under the original address");
                assertEquals(Set.of("socketloom-client-192.0.2.10:56324 (virtual)"), threadNames);
                assertEquals(0, server.stats().proxyHeaderFailures());
                assertTrue(silent.localAddress() != null);
            }
        }
    }

    @Test
    void missingHeaderClosesTheConnectionBeforeTheHandlerCountedAndLogged() throws Exception {
        AtomicInteger handlers = new AtomicInteger();
        try (LogCapture log = new LogCapture(); SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(proxied(ProxyProtocol.REQUIRED).build(), c -> handlers.incrementAndGet());
            try (RawClient c = new RawClient(server.port())) {
                c.write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
                assertNull(c.readLine(), "closed without a byte from the server");
            }
            awaitCondition(() -> server.stats().proxyHeaderFailures() == 1, "the failure to be counted");
            awaitCondition(() -> server.clientCount() == 0, "the connection to leave the registry");
            assertEquals(0, handlers.get(), "the handler never ran");
            assertEquals(0, server.stats().accepted());
            assertTrue(log.debugContains("no PROXY header: the stream starts with 68656c6c6f0d0a"), () -> String.valueOf(log.messages()));
        }
    }

    @Test
    void tooSlowHeaderIsClosedAfterTheHeaderTimeout() throws Exception {
        AtomicInteger handlers = new AtomicInteger();
        try (LogCapture log = new LogCapture(); SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().proxyProtocol(ProxyProtocol.REQUIRED)
                    .proxyHeaderTimeout(Duration.ofMillis(300)).build(), c -> handlers.incrementAndGet());
            try (RawClient c = new RawClient(server.port())) {
                c.write("PROXY TCP4 192.0.2".getBytes(StandardCharsets.US_ASCII)); // ... and nothing more
                assertNull(c.readLine(), "closed by the server, without a byte");
            }
            awaitCondition(() -> server.stats().proxyHeaderFailures() == 1, "the timeout to be counted");
            assertEquals(0, handlers.get());
            assertTrue(log.debugContains("no complete PROXY header within PT0.3S (18 bytes received)"), () -> String.valueOf(log.messages()));
        }
    }

    @Test
    void truncationAtEveryByteIsRejectedBeforeTheHandler() throws Exception {
        List<byte[]> headers = List.of(v1(CLIENT6, FRONT6), v2(CLIENT4, FRONT4,
                List.of(new ProxyHeader.Tlv(ProxyHeader.TYPE_AUTHORITY, "example.org".getBytes(StandardCharsets.UTF_8))),
                true));
        List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(proxied(ProxyProtocol.REQUIRED).build(), c -> handled.add(describe(c)));
            int expected = 0;
            for (byte[] h : headers) {
                for (int k = 0; k < h.length; k++) {
                    try (RawClient c = new RawClient(server.port())) {
                        c.write(java.util.Arrays.copyOf(h, k)).shutdownOutput();
                        assertArrayEquals(new byte[0], c.readToEnd(), "truncated after " + k + " bytes");
                    }
                    expected++;
                    int want = expected;
                    awaitCondition(() -> server.stats().proxyHeaderFailures() == want, k + " bytes counted");
                }
            }
            assertEquals(List.of(), handled);
            assertEquals(0, server.clientCount());
        }
    }

    @Test
    void oversizedOrCorruptHeadersAreRejected() throws Exception {
        byte[] huge = ProxyHeaders.withFixedPart(0x21, 0x11, new byte[0]);
        huge[14] = (byte) 0xff; // length 65535, and not a byte of it is sent
        huge[15] = (byte) 0xff;
        byte[] badCrc = v2(CLIENT4, FRONT4, List.of(), true);
        badCrc[badCrc.length - 1] ^= 1;
        byte[] overrun = ProxyHeaders.withFixedPart(0x21, 0x11, concat(new byte[12], new byte[] {(byte) 0xE0, 0x7f, 0}));
        byte[] v1TooLong = ("PROXY UNKNOWN " + "x".repeat(120) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        AtomicInteger handlers = new AtomicInteger();
        try (LogCapture log = new LogCapture(); SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(proxied(ProxyProtocol.REQUIRED).build(), c -> handlers.incrementAndGet());
            List<byte[]> bad = List.of(huge, badCrc, overrun, v1TooLong);
            for (byte[] b : bad) {
                try (RawClient c = new RawClient(server.port())) {
                    c.write(b); // no FIN: the server decides from what it has
                    assertArrayEquals(new byte[0], c.readToEnd());
                }
            }
            awaitCondition(() -> server.stats().proxyHeaderFailures() == bad.size(), "every failure counted");
            assertEquals(0, handlers.get());
            for (String reason : List.of("length 65535 over the limit of 4096", "CRC32C mismatch",
                    "runs 32512 bytes past the header", "no CRLF within 107 bytes")) {
                assertTrue(log.debugContains(reason), () -> reason + " not in " + log.messages());
            }
        }
    }

    @Test
    void localCommandAndAddresslessFamiliesAreServedWithTheTcpPeer() throws Exception {
        byte[] unixBlock = new byte[216];
        unixBlock[0] = '/';
        unixBlock[1] = 's';
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(proxied(ProxyProtocol.REQUIRED).build(), REPORT);
            record Case(byte[] header, String kind) { }
            for (Case k : List.of(new Case(ProxyHeaders.v2Local(), "2/LOCAL/UNSPEC"),
                    new Case(ProxyHeaders.v1Unknown(), "1/PROXY/UNSPEC"),
                    new Case(ProxyHeaders.v2(0x21, 0x31, unixBlock, List.of(), true), "2/PROXY/UNIX_STREAM"),
                    new Case(ProxyHeaders.v2(0x21, 0x00, new byte[0], List.of(), false), "2/PROXY/UNSPEC"))) {
                try (RawClient c = new RawClient(server.port())) {
                    c.write(k.header());
                    assertEquals(c.localAddress() + " via " + c.localAddress() + " " + k.kind(), c.readLine());
                }
            }
            assertEquals(0, server.stats().proxyHeaderFailures());
        }
    }

    @Test
    void perAddressLimitAndClientsUseTheOriginalAddress() throws Exception {
        InetSocketAddress a1 = new InetSocketAddress(ip("192.0.2.1"), 1000);
        InetSocketAddress a2 = new InetSocketAddress(ip("192.0.2.1"), 1001);
        InetSocketAddress b1 = new InetSocketAddress(ip("192.0.2.2"), 1000);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(proxied(ProxyProtocol.REQUIRED).maxClientsPerAddress(1).build(), REPORT);
            try (RawClient first = new RawClient(server.port()); RawClient other = new RawClient(server.port())) {
                first.write(v1(a1, FRONT4));
                assertTrue(first.readLine().startsWith(a1.toString()));
                // every TCP peer is 127.0.0.1: only the original address can tell these apart
                other.write(v2(b1, FRONT4, List.of(), false));
                assertTrue(other.readLine().startsWith(b1.toString()));
                try (RawClient second = new RawClient(server.port())) {
                    second.write(v1(a2, FRONT4));
                    assertNull(second.readLine(), "a second client from 192.0.2.1 is over the limit");
                }
                awaitCondition(() -> server.stats().rejected() == 1, "the rejection to be counted");
                assertEquals(Set.of(a1, b1), server.clients().stream().map(Connection::remoteAddress)
                        .collect(Collectors.toSet()));
            }
            awaitCondition(() -> server.clientCount() == 0, "both clients to leave");
            try (RawClient again = new RawClient(server.port())) {
                again.write(v1(a2, FRONT4));
                assertTrue(again.readLine().startsWith(a2.toString()), "192.0.2.1 is admitted again once it left");
            }
            assertEquals(0, server.stats().proxyHeaderFailures());
        }
    }

    @Test
    void optionalModeServesProxiedAndDirectClients() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(proxied(ProxyProtocol.OPTIONAL).build(), REPORT);
            try (RawClient proxiedClient = new RawClient(server.port()); RawClient direct = new RawClient(server.port())) {
                proxiedClient.write(v2(CLIENT4, FRONT4, List.of(), false));
                assertTrue(proxiedClient.readLine().startsWith(CLIENT4.toString()));
                direct.write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(direct.localAddress() + " via null none", direct.readLine());
                assertEquals("hello", direct.readLine(), "the direct client's first bytes reach the handler");
            }
        }
    }

    @Test
    void optionalModeServesADirectClientWhoseFirstBytesOnlyStartASignature() throws Exception {
        // a header timeout longer than the clients' read timeout: waiting it out fails the test
        ServerOptions options = loopback().proxyProtocol(ProxyProtocol.OPTIONAL)
                .proxyHeaderTimeout(Duration.ofSeconds(120)).build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(options, REPORT);
            try (RawClient crlf = new RawClient(server.port()); RawClient word = new RawClient(server.port())) {
                crlf.write("\r\n".getBytes(StandardCharsets.US_ASCII)); // an empty line: the start of a v2 signature
                assertEquals(crlf.localAddress() + " via null none", crlf.readLine());
                assertEquals("", crlf.readLine(), "the bytes reach the handler, not the header timeout");
                crlf.write("next\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("next", crlf.readLine());

                word.write("PROXY".getBytes(StandardCharsets.US_ASCII)); // the start of a v1 signature
                assertEquals(word.localAddress() + " via null none", word.readLine());
                word.write(" is a word\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("PROXY is a word", word.readLine(), "no byte lost");
            }
            assertEquals(0, server.stats().proxyHeaderFailures());
        }
    }

    @Test
    void stopAndDisconnectEndClientsStillSendingTheirHeader() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server stopped = rt.startServer(proxied(ProxyProtocol.REQUIRED).build(), REPORT);
            Server disconnected = rt.startServer(proxied(ProxyProtocol.REQUIRED).build(), REPORT);
            List<RawClient> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    silent.add(new RawClient(stopped.port()));
                    silent.add(new RawClient(disconnected.port()));
                }
                awaitCondition(() -> stopped.clientCount() == 3 && disconnected.clientCount() == 3, "6 clients");
                StopResult r = stopped.stop(Duration.ofMillis(100));
                assertEquals(new StopResult(0, 3, List.of()), r, "nobody could finish: their handlers never ran");
                disconnected.disconnect();
                assertEquals(0, stopped.clientCount() + disconnected.clientCount());
                assertEquals(0, rt.liveThreadCount(), "every header reader was joined");
                for (RawClient c : silent) {
                    assertNull(c.readLine());
                }
                assertEquals(0, stopped.stats().proxyHeaderFailures() + disconnected.stats().proxyHeaderFailures(),
                        "our own stop is not the client's failure");
            } finally {
                for (RawClient c : silent) {
                    c.close();
                }
            }
        }
    }

    @Test
    void inetServerStartTakesTheProxyProtocolOption() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        AtomicInteger connects = new AtomicInteger();
        assertTrue(Inet.initialize());
        try {
            int h = Inet.serverStart("127.0.0.1", 0, 0, 0, 0, Inet.INET_OPTION_PROXY_PROTOCOL, (handle, event, error) -> {
                if (event == Inet.INET_EVENT_CONNECT) {
                    connects.incrementAndGet();
                } else if (event == Inet.INET_EVENT_READ) {
                    Inet.writeLine(handle, "got " + Inet.readLine(handle));
                    read.countDown();
                }
            });
            assertTrue(h != Inet.INVALID_SOCKET, () -> "serverStart: " + Inet.getLastError());
            int port = Inet.serverPort(h);
            try (RawClient noHeader = new RawClient(port)) {
                noHeader.write("hi\r\n".getBytes(StandardCharsets.US_ASCII));
                assertNull(noHeader.readLine());
            }
            try (RawClient c = new RawClient(port)) {
                c.write(concat(v1(CLIENT4, FRONT4), "hi\r\n".getBytes(StandardCharsets.US_ASCII)));
                await(read, "READ");
                assertEquals("got hi", c.readLine());
            }
            assertEquals(1, connects.get(), "only the client with a header reached the event procedure");
            assertEquals(Inet.INVALID_SOCKET, Inet.connect("127.0.0.1", port, 5, Inet.INET_OPTION_PROXY_PROTOCOL));
            assertEquals(InetError.INVALID_ARGUMENT.code(), Inet.getLastError(), "a server-only option");
        } finally {
            assertTrue(Inet.uninitialize());
        }
    }
}
