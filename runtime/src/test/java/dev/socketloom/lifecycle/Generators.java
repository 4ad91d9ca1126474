package dev.socketloom.lifecycle;

import dev.socketloom.ConnectOptions;
import dev.socketloom.InetException;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.ServerOptions;
import dev.socketloom.TlsOptions;
import dev.socketloom.testing.TestPki;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Reusable generators for lifecycle properties: server options and payloads with the edge cases that break line
 * protocols (empty lines, stray CR, CR right before the terminator, lines of exactly the maximum length in bytes,
 * multi-byte UTF-8 at the limit, arbitrary binary data).
 *
 * <p>Line payloads never contain LF (it would end the line) but may contain CR anywhere: {@code writeLine} appends
 * CRLF and {@code readLine} strips exactly one CR before the LF, so every generated line must come back byte-exact.
 */
public final class Generators {
    /** Maximum line lengths the generated servers use; small ones make "exactly at the limit" cheap to hit. */
    public static final List<Integer> MAX_LINE_LENGTHS = List.of(16, 64, 1024, ConnectOptions.DEFAULTS.maxLineLength());

    private static final List<String> PIECES = List.of("a", "Z", "0", " ", "\t", "\r", "é", "€", "😀", "~", "\u0000");

    private Generators() {
    }

    /** The TLS of generated TLS servers (the test PKI's server certificate), made once. */
    private static volatile TlsOptions serverTls;
    /** The TLS of their clients: trusting the test CA, host names verified. */
    private static volatile TlsOptions clientTls;

    static TlsOptions serverTls() {
        if (serverTls == null) {
            try {
                serverTls = TestPki.get().serverTls();
            } catch (InetException e) {
                throw new IllegalStateException(e);
            }
        }
        return serverTls;
    }

    static TlsOptions clientTls() {
        if (clientTls == null) {
            try {
                clientTls = TestPki.get().clientTls();
            } catch (InetException e) {
                throw new IllegalStateException(e);
            }
        }
        return clientTls;
    }

    /**
     * Server options on loopback with random max clients (0 = unlimited, else 1..3), idle timeout (none, or long
     * enough never to fire during a chain, so the watchdog thread exists but no client expires at a random time),
     * join deadline, maximum line length, TLS for about a third of them (so chains mix TLS and plain servers), and
     * for one plain server in four the PROXY protocol (REQUIRED; the chain's clients cannot send a header before a TLS
     * handshake, so PROXY-protocol servers are plain).
     */
    public static Arbitrary<ServerOptions> serverOptions() {
        Arbitrary<Integer> maxClients = Arbitraries.frequencyOf(List.of(
                weighted(3, Arbitraries.just(0)), weighted(2, Arbitraries.integers().between(1, 3))));
        Arbitrary<Duration> idle = Arbitraries.frequencyOf(List.of(
                weighted(2, Arbitraries.just(Duration.ZERO)),
                weighted(1, Arbitraries.integers().between(5, 30).map(Duration::ofMinutes))));
        Arbitrary<Duration> joinDeadline = Arbitraries.integers().between(2, 30).map(Duration::ofSeconds);
        Arbitrary<Integer> maxLine = Arbitraries.of(MAX_LINE_LENGTHS);
        Arbitrary<Boolean> tls = Arbitraries.frequencyOf(List.of(weighted(2, Arbitraries.just(false)),
                weighted(1, Arbitraries.just(true))));
        Arbitrary<ProxyProtocol> proxy = Arbitraries.frequencyOf(List.of(
                weighted(3, Arbitraries.just(ProxyProtocol.OFF)), weighted(1, Arbitraries.just(ProxyProtocol.REQUIRED))));
        return Combinators.combine(maxClients, idle, joinDeadline, maxLine, tls, proxy).as((max, idleTimeout, join,
                                                                                            line, secure, pp) ->
                ServerOptions.builder()
                        .tls(secure ? serverTls() : null)
                        .bindAddress(InetAddress.getLoopbackAddress())
                        .port(0)
                        .maxClients(max)
                        .idleTimeout(idleTimeout)
                        .joinDeadline(join)
                        .clientOptions(clientOptions(line, join))
                        .proxyProtocol(secure ? ProxyProtocol.OFF : pp)
                        .build());
    }

    /** Client options matching a server's line limit (so an echo that fits one side fits the other). */
    public static ConnectOptions clientOptions(int maxLineLength, Duration joinDeadline) {
        return ConnectOptions.builder()
                .connectTimeout(Duration.ofSeconds(30))
                .maxLineLength(maxLineLength)
                .joinDeadline(joinDeadline)
                .build();
    }

    /** Lines of at most {@code maxBytes} UTF-8 bytes, biased towards the edge cases. */
    public static Arbitrary<String> lines(int maxBytes) {
        Arbitrary<String> random = Arbitraries.of(PIECES).list().ofMaxSize(Math.min(maxBytes, 40))
                .map(pieces -> String.join("", pieces))
                .filter(s -> utf8Length(s) <= maxBytes);
        return Arbitraries.frequencyOf(List.of(
                weighted(4, random),
                weighted(1, Arbitraries.just("")),
                weighted(1, Arbitraries.of("\r", "\r\r", "a\r", "\ra", "a\rb", "\t\r\t")),
                weighted(2, exactlyMax(maxBytes))));
    }

    /**
     * Lines of exactly {@code maxBytes} UTF-8 bytes: ASCII, ASCII ending in CR (the CR before CRLF must survive), and
     * multi-byte characters filling the limit.
     */
    public static Arbitrary<String> exactlyMax(int maxBytes) {
        return Arbitraries.of(
                "x".repeat(maxBytes),
                "y".repeat(maxBytes - 1) + "\r",
                "\r".repeat(maxBytes),
                "€".repeat(maxBytes / 3) + "z".repeat(maxBytes % 3),
                "😀".repeat(maxBytes / 4) + "q".repeat(maxBytes % 4));
    }

    /** One byte more than the limit: the server must report LINE_TOO_LONG (L10), not hang or truncate. */
    public static String tooLong(int maxBytes) {
        return "L".repeat(maxBytes + 1);
    }

    /** Arbitrary binary payloads (any byte value, CR and LF included), from empty to 64 KiB. */
    public static Arbitrary<byte[]> binary() {
        Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> large = Arbitraries.integers().between(1, 64 * 1024).flatMap(n ->
                Arbitraries.randomValue(r -> {
                    byte[] b = new byte[n];
                    r.nextBytes(b);
                    return b;
                }));
        Arbitrary<byte[]> crlf = Arbitraries.of(new byte[] {'\r'}, new byte[] {'\n'}, new byte[] {'\r', '\n'},
                new byte[] {'\n', '\r'}, new byte[] {0, '\r', '\n', (byte) 0xff});
        return Arbitraries.frequencyOf(List.of(weighted(3, small), weighted(1, large), weighted(1, crlf)));
    }

    /**
     * Bad PROXY headers (L14): none at all, a truncated version 1 line, a lone LF, a truncated version 2 header, a
     * version 2 header with a wrong CRC32C, one whose TLV claims more bytes than the header has.
     */
    public static Arbitrary<byte[]> badProxyHeaders() {
        java.net.InetSocketAddress a = new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        byte[] v2 = dev.socketloom.testing.ProxyHeaders.v2(a, a, List.of(), true);
        byte[] badCrc = v2.clone();
        badCrc[badCrc.length - 1] ^= 1;
        byte[] overrun = dev.socketloom.testing.ProxyHeaders.withFixedPart(0x21, 0x11,
                dev.socketloom.testing.ProxyHeaders.concat(new byte[12], new byte[] {(byte) 0xE0, 0x10, 0}));
        return Arbitraries.of(
                "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                "PROXY TCP4 203.0.113.1 127.0.0.1 1".getBytes(StandardCharsets.US_ASCII),
                "PROXY TCP4 203.0.113.1 127.0.0.1 1 2\n".getBytes(StandardCharsets.US_ASCII),
                java.util.Arrays.copyOf(v2, v2.length - 3), badCrc, overrun);
    }

    /** Grace periods for {@code Server.stop}: none, short, or long enough for released handlers to finish. */
    public static Arbitrary<Duration> grace() {
        return Arbitraries.of(Duration.ZERO, Duration.ofMillis(50), Duration.ofMillis(500));
    }

    public static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static <T> net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<T>> weighted(int weight, Arbitrary<T> a) {
        return net.jqwik.api.Tuple.of(weight, a);
    }
}
