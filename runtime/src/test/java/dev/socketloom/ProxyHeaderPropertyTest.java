package dev.socketloom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.socketloom.ProxyHeader.Command;
import dev.socketloom.ProxyHeader.Family;
import dev.socketloom.testing.ProxyHeaders;
import dev.socketloom.testing.RawClient;
import dev.socketloom.testing.TestSupport;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;

/**
 * L14 under generated input: valid and invalid version 1 and 2 headers, written to a real server in many small
 * writes and followed by application bytes. A valid header must parse to exactly the generated addresses and TLVs and
 * the bytes after it must reach the handler unchanged; an invalid one (truncated at any byte, wrong signature, bad
 * version, command, family or lengths, a huge TLV length, a wrong CRC32C, a malformed version 1 line) must close the
 * connection before the handler with one counted failure. Every try runs its own runtime and ends with no thread.
 */
class ProxyHeaderPropertyTest {

    /** A header as generated: its bytes, what the server must report for it (null: must be rejected), a label. */
    record Sample(byte[] bytes, ProxyHeader expected, String kind) {
        @Override
        public String toString() {
            return kind + " " + bytes.length + " bytes " + java.util.HexFormat.of().formatHex(bytes);
        }
    }

    /** Edge cases off: combined, they would crowd out the mix of kinds; field boundaries come from the generators. */
    @Property(tries = 300, shrinking = ShrinkingMode.BOUNDED, edgeCases = EdgeCasesMode.NONE)
    void everyGeneratedHeaderIsParsedExactlyOrRejectedBeforeTheHandler(
            @ForAll("samples") Sample sample,
            @ForAll("payloads") byte[] payload,
            @ForAll("pieces") List<Integer> pieces) throws Exception {
        Statistics.label("kind").collect(sample.kind());
        SocketRuntime rt = SocketRuntime.open();
        try {
            Server server = rt.startServer(TestSupport.loopback().proxyProtocol(ProxyProtocol.REQUIRED)
                    .proxyHeaderTimeout(Duration.ofSeconds(30)).build(), c -> {
                        c.writeLine(c.remoteAddress() + " " + c.proxyHeader());
                        byte[] buf = new byte[1024];
                        int n;
                        while ((n = c.read(buf, 0, buf.length)) >= 0) {
                            c.write(buf, 0, n);
                        }
                    });
            try (RawClient c = new RawClient(server.port())) {
                boolean valid = sample.expected() != null;
                byte[] sent = valid ? ProxyHeaders.concat(sample.bytes(), payload) : sample.bytes();
                try {
                    c.writeInPieces(sent, pieces.stream().mapToInt(Integer::intValue).toArray()).shutdownOutput();
                } catch (java.io.IOException resetEarly) {
                    if (valid) {
                        throw resetEarly;
                    } // an invalid header may be refused before all of it was written
                }
                if (valid) {
                    InetSocketAddress remote = sample.expected().inetSource().orElse(c.localAddress());
                    assertEquals(remote + " " + sample.expected(), c.readLine(), sample::toString);
                    assertArrayEquals(payload, c.readToEnd(), "the bytes after the header, unchanged");
                } else {
                    assertNull(c.readLine(), "rejected without a byte: " + sample);
                    TestSupport.awaitCondition(() -> server.stats().proxyHeaderFailures() == 1, "the failure counted");
                }
            }
            TestSupport.awaitCondition(() -> server.clientCount() == 0, "the client to leave");
            assertEquals(valid(sample) ? 1 : 0, server.stats().accepted(), "handlers run only for valid headers");
            assertEquals(valid(sample) ? 0 : 1, server.stats().proxyHeaderFailures());
        } finally {
            rt.close();
        }
        assertEquals(0, rt.liveThreadCount(), "no thread outlives the runtime");
    }

    private static boolean valid(Sample s) {
        return s.expected() != null;
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> tricky = Arbitraries.of("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "\r\n", "\r", "\n", "")
                .map(s -> s.getBytes(StandardCharsets.US_ASCII));
        return Arbitraries.oneOf(tricky, Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.just(ProxyHeaders.V2_SIGNATURE));
    }

    /** Sizes of the first writes: every header arrives in many small TCP writes. */
    @Provide
    Arbitrary<List<Integer>> pieces() {
        return Arbitraries.integers().between(1, 24).list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<Sample> samples() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, valid()),
                net.jqwik.api.Tuple.of(2, valid().flatMap(ProxyHeaderPropertyTest::truncated)),
                net.jqwik.api.Tuple.of(4, invalid()));
    }

    // ------------------------------------------------------------------ valid headers

    private static Arbitrary<Sample> valid() {
        return Arbitraries.oneOf(v1Inet(), v1Unknown(), v2Inet(), v2Unix(), v2Local(), v2Unspec());
    }

    private static Arbitrary<InetAddress> ipv4() {
        return Arbitraries.bytes().array(byte[].class).ofSize(4).map(ProxyHeaderPropertyTest::address);
    }

    private static Arbitrary<InetAddress> ipv6() {
        return Arbitraries.bytes().array(byte[].class).ofSize(16).map(ProxyHeaderPropertyTest::address);
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Arbitrary<Integer> ports() {
        return Arbitraries.oneOf(Arbitraries.of(0, 1, 9, 10, 99, 100, 65_534, 65_535),
                Arbitraries.integers().between(0, 65_535));
    }

    private static Arbitrary<InetSocketAddress> endpoints(Arbitrary<InetAddress> addresses) {
        return Combinators.combine(addresses, ports()).as(InetSocketAddress::new);
    }

    private static Arbitrary<Sample> v1Inet() {
        return Arbitraries.oneOf(ipv4(), ipv6()).flatMap(a -> {
            Arbitrary<InetAddress> same = a.getAddress().length == 4 ? ipv4() : ipv6();
            return Combinators.combine(ports(), endpoints(same)).as((p, dst) -> {
                InetSocketAddress src = new InetSocketAddress(a, p);
                // an IPv4-mapped IPv6 address becomes an IPv4 one, on both sides
                InetSocketAddress d = new InetSocketAddress(dst.getAddress().getAddress().length == a.getAddress().length
                        ? dst.getAddress() : a, dst.getPort());
                boolean v4 = a.getAddress().length == 4;
                return new Sample(ProxyHeaders.v1(src, d), new ProxyHeader(1, Command.PROXY,
                        v4 ? Family.TCP4 : Family.TCP6, src, d, List.of()), v4 ? "v1 TCP4" : "v1 TCP6");
            });
        });
    }

    private static Arbitrary<Sample> v1Unknown() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(91).map(rest -> new Sample(
                ("PROXY UNKNOWN" + (rest.isEmpty() ? "" : " " + rest) + "\r\n").getBytes(StandardCharsets.US_ASCII),
                new ProxyHeader(1, Command.PROXY, Family.UNSPEC, null, null, List.of()), "v1 UNKNOWN"));
    }

    private static Arbitrary<ProxyHeader.Tlv> tlv() {
        Arbitrary<byte[]> value = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<ProxyHeader.Tlv> plain = Combinators.combine(Arbitraries.of(ProxyHeader.TYPE_ALPN,
                ProxyHeader.TYPE_AUTHORITY, ProxyHeader.TYPE_NOOP, ProxyHeader.TYPE_NETNS, 0xE0, 0xEF, 0xF0, 0xFF, 0x06),
                value).as(ProxyHeader.Tlv::new);
        Arbitrary<ProxyHeader.Tlv> uniqueId = Arbitraries.bytes().array(byte[].class).ofMaxSize(128)
                .map(v -> new ProxyHeader.Tlv(ProxyHeader.TYPE_UNIQUE_ID, v));
        Arbitrary<ProxyHeader.Tlv> ssl = Arbitraries.strings().alpha().ofMaxLength(40).map(cn -> {
            ByteArrayOutputStream v = new ByteArrayOutputStream();
            v.writeBytes(new byte[] {0x07, 0, 0, 0, 0});
            byte[] text = cn.getBytes(StandardCharsets.UTF_8);
            v.writeBytes(new byte[] {ProxyHeader.SUBTYPE_SSL_CN, (byte) (text.length >> 8), (byte) text.length});
            v.writeBytes(text);
            return new ProxyHeader.Tlv(ProxyHeader.TYPE_SSL, v.toByteArray());
        });
        return Arbitraries.oneOf(plain, uniqueId, ssl);
    }

    /** TLVs plus whether a CRC32C is appended; the expected list then ends with the CRC the encoder computed. */
    private static Sample v2Sample(int verCmd, int family, byte[] block, List<ProxyHeader.Tlv> tlvs, boolean crc,
                                   Command command, Family fam, Object src, Object dst, String kind) {
        byte[] bytes = ProxyHeaders.v2(verCmd, family, block, tlvs, crc);
        List<ProxyHeader.Tlv> expected = new ArrayList<>(tlvs);
        if (crc) {
            expected.add(new ProxyHeader.Tlv(ProxyHeader.TYPE_CRC32C, Arrays.copyOfRange(bytes, bytes.length - 4,
                    bytes.length)));
        }
        return new Sample(bytes, new ProxyHeader(2, command, fam, (java.net.SocketAddress) src,
                (java.net.SocketAddress) dst, expected), kind + (crc ? " +crc" : "") + (tlvs.isEmpty() ? "" : " +tlv"));
    }

    private static Arbitrary<Sample> v2Inet() {
        Arbitrary<Boolean> v4 = Arbitraries.of(true, false);
        return Combinators.combine(v4, Arbitraries.of(1, 2), tlv().list().ofMaxSize(5), Arbitraries.of(true, false))
                .flatAs((isV4, transport, tlvs, crc) -> {
                    Arbitrary<InetAddress> a = isV4 ? ipv4() : ipv6();
                    return Combinators.combine(endpoints(a), endpoints(a)).as((src, dst) -> {
                        ByteArrayOutputStream block = new ByteArrayOutputStream();
                        block.writeBytes(src.getAddress().getAddress());
                        block.writeBytes(dst.getAddress().getAddress());
                        block.writeBytes(new byte[] {(byte) (src.getPort() >> 8), (byte) src.getPort(),
                                (byte) (dst.getPort() >> 8), (byte) dst.getPort()});
                        byte[] raw = block.toByteArray();
                        int famByte = (isV4 ? 0x10 : 0x20) | transport;
                        Family f = isV4 ? (transport == 1 ? Family.TCP4 : Family.UDP4)
                                : (transport == 1 ? Family.TCP6 : Family.UDP6);
                        InetSocketAddress s = new InetSocketAddress(address(Arrays.copyOfRange(raw, 0, isV4 ? 4 : 16)),
                                src.getPort());
                        InetSocketAddress d = new InetSocketAddress(address(Arrays.copyOfRange(raw, isV4 ? 4 : 16,
                                isV4 ? 8 : 32)), dst.getPort());
                        return v2Sample(0x21, famByte, raw, tlvs, crc, Command.PROXY, f, s, d, "v2 " + f);
                    });
                });
    }

    private static Arbitrary<Sample> v2Unix() {
        Arbitrary<String> path = Arbitraries.strings().withCharRange('a', 'z').withChars('/', '.', '-').ofMinLength(1)
                .ofMaxLength(100);
        return Combinators.combine(path, path, Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((s, d, abstractName, crc) -> {
                    byte[] block = new byte[216];
                    byte[] sb = s.getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(sb, 0, block, abstractName ? 1 : 0, sb.length);
                    byte[] db = d.getBytes(StandardCharsets.US_ASCII);
                    System.arraycopy(db, 0, block, 108, db.length);
                    return v2Sample(0x21, 0x31, block, List.of(), crc, Command.PROXY, Family.UNIX_STREAM,
                            UnixDomainSocketAddress.of(abstractName ? "@" + s : s), UnixDomainSocketAddress.of(d),
                            "v2 UNIX");
                });
    }

    private static Arbitrary<Sample> v2Local() {
        return Combinators.combine(tlv().list().ofMaxSize(3), Arbitraries.of(true, false)).as((tlvs, crc) ->
                v2Sample(0x20, 0x00, new byte[0], tlvs, crc, Command.LOCAL, Family.UNSPEC, null, null, "v2 LOCAL"));
    }

    private static Arbitrary<Sample> v2Unspec() {
        return Combinators.combine(tlv().list().ofMaxSize(3), Arbitraries.of(true, false)).as((tlvs, crc) ->
                v2Sample(0x21, 0x00, new byte[0], tlvs, crc, Command.PROXY, Family.UNSPEC, null, null, "v2 UNSPEC"));
    }

    // ------------------------------------------------------------------ invalid headers

    /** A valid header cut after any of its bytes (0 included), then FIN. */
    private static Arbitrary<Sample> truncated(Sample s) {
        return Arbitraries.integers().between(0, s.bytes().length - 1).map(k ->
                new Sample(Arrays.copyOf(s.bytes(), k), null, "truncated " + s.kind()));
    }

    private static Arbitrary<Sample> invalid() {
        Arbitrary<Sample> wrongSignature = valid().flatMap(s -> Arbitraries.integers()
                .between(0, s.bytes()[0] == 'P' ? 4 : 11).map(i -> {
                    byte[] b = s.bytes().clone();
                    b[i] ^= 0x20;
                    return new Sample(b, null, "wrong signature");
                }));
        Arbitrary<Sample> v2Mutations = v2Inet().flatMap(s -> Arbitraries.of(Mutation.values()).map(m -> m.apply(s)));
        Arbitrary<Sample> v1Mutations = v1Inet().flatMap(s -> Arbitraries.of(V1Mutation.values()).map(m -> m.apply(s)));
        return Arbitraries.oneOf(wrongSignature, v2Mutations, v1Mutations);
    }

    /** Ways to break a valid version 2 header, each certain to make it invalid. */
    enum Mutation {
        VERSION { byte[] mutate(byte[] b) { b[12] = (byte) (0x31); return b; } },
        COMMAND { byte[] mutate(byte[] b) { b[12] = (byte) (0x2F); return b; } },
        FAMILY { byte[] mutate(byte[] b) { b[13] = (byte) 0x51; return b; } },
        TRANSPORT { byte[] mutate(byte[] b) { b[13] = (byte) ((b[13] & 0xf0) | 0x3); return b; } },
        HUGE_LENGTH { byte[] mutate(byte[] b) { b[14] = (byte) 0xff; b[15] = (byte) 0xff; return b; } },
        LENGTH_OVER_CAP { byte[] mutate(byte[] b) { b[14] = 0x10; b[15] = 0x01; return b; } },
        BLOCK_TOO_SHORT { byte[] mutate(byte[] b) {
            int block = (b[13] & 0xf0) == 0x10 ? 12 : 36;
            byte[] out = Arrays.copyOf(b, 16 + block - 1);
            out[14] = 0;
            out[15] = (byte) (block - 1);
            return out; } },
        HUGE_TLV_LENGTH { byte[] mutate(byte[] b) {
            byte[] out = Arrays.copyOf(b, b.length + 3);
            out[b.length] = (byte) 0xE5;
            out[b.length + 1] = (byte) 0xff;
            out[b.length + 2] = (byte) 0xff;
            int len = out.length - 16;
            out[14] = (byte) (len >> 8);
            out[15] = (byte) len;
            return out; } },
        STRAY_BYTE { byte[] mutate(byte[] b) {
            byte[] out = Arrays.copyOf(b, b.length + 1);
            int len = out.length - 16;
            out[14] = (byte) (len >> 8);
            out[15] = (byte) len;
            return out; } },
        BAD_CRC { byte[] mutate(byte[] b) {
            byte[] out = ProxyHeaders.concat(b, new byte[] {ProxyHeader.TYPE_CRC32C, 0, 4, 1, 2, 3, 4});
            int len = out.length - 16;
            out[14] = (byte) (len >> 8);
            out[15] = (byte) len;
            return out; } };

        abstract byte[] mutate(byte[] b);

        Sample apply(Sample s) {
            return new Sample(mutate(s.bytes().clone()), null, "v2 " + name());
        }
    }

    /** Ways to break a valid version 1 line, each certain to make it invalid. */
    enum V1Mutation {
        DOUBLE_SPACE, LONE_LF, LONE_CR, LEADING_ZERO_PORT, PORT_TOO_BIG, NO_CRLF_IN_107, LOWERCASE_PROTOCOL;

        Sample apply(Sample s) {
            String line = new String(s.bytes(), StandardCharsets.US_ASCII);
            String body = line.substring(0, line.length() - 2);
            String broken = switch (this) {
                case DOUBLE_SPACE -> body.replaceFirst(" ", "  ") + "\r\n";
                case LONE_LF -> body + "\n";
                case LONE_CR -> body + "\rX";
                case LEADING_ZERO_PORT -> body.substring(0, body.lastIndexOf(' ') + 1) + "0"
                        + body.substring(body.lastIndexOf(' ') + 1) + "\r\n";
                case PORT_TOO_BIG -> body.substring(0, body.lastIndexOf(' ') + 1) + "65536\r\n";
                case NO_CRLF_IN_107 -> body + " " + "9".repeat(Math.max(1, 108 - body.length())) + "\r\n";
                case LOWERCASE_PROTOCOL -> body.replace("TCP", "tcp") + "\r\n";
            };
            return new Sample(broken.getBytes(StandardCharsets.US_ASCII), null, "v1 " + name());
        }
    }
}
