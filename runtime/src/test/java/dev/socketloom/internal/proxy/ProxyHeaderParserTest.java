package dev.socketloom.internal.proxy;

import static dev.socketloom.testing.ProxyHeaders.concat;
import static dev.socketloom.testing.ProxyHeaders.v1;
import static dev.socketloom.testing.ProxyHeaders.v2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyHeader;
import dev.socketloom.ProxyHeader.Command;
import dev.socketloom.ProxyHeader.Family;
import dev.socketloom.testing.ProxyHeaders;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** L14, the parser alone: every rule of the specification on bytes, without sockets. */
class ProxyHeaderParserTest {
    private static final InetSocketAddress SRC4 = new InetSocketAddress(ip("192.0.2.10"), 56324);
    private static final InetSocketAddress DST4 = new InetSocketAddress(ip("198.51.100.1"), 443);
    private static final InetSocketAddress SRC6 = new InetSocketAddress(ip("2001:db8::1"), 40000);
    private static final InetSocketAddress DST6 = new InetSocketAddress(ip("2001:db8:0:0:0:0:0:ff"), 8443);

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ProxyHeaderParser.Complete complete(byte[] b) throws InetException {
        return assertInstanceOf(ProxyHeaderParser.Complete.class, ProxyHeaderParser.parse(b, b.length));
    }

    private static InetException rejected(byte[] b) {
        InetException e = assertThrows(InetException.class, () -> ProxyHeaderParser.parse(b, b.length));
        assertEquals(InetError.PROXY_HEADER_INVALID, e.error(), e::getMessage);
        return e;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void v1Tcp4AndTcp6ParseToTheirAddressesAndLength() throws Exception {
        ProxyHeaderParser.Complete c = complete(concat(v1(SRC4, DST4), ascii("GET / HTTP/1.1\r\n")));
        assertEquals(new ProxyHeader(1, Command.PROXY, Family.TCP4, SRC4, DST4, List.of()), c.header());
        assertEquals(v1(SRC4, DST4).length, c.length());
        ProxyHeaderParser.Complete c6 = complete(v1(SRC6, DST6));
        assertEquals(new ProxyHeader(1, Command.PROXY, Family.TCP6, SRC6, DST6, List.of()), c6.header());
    }

    @Test
    void v1UnknownIgnoresTheRestOfItsLine() throws Exception {
        assertEquals(Family.UNSPEC, complete(ascii("PROXY UNKNOWN\r\n")).header().family());
        ProxyHeaderParser.Complete c = complete(ascii("PROXY UNKNOWN ffff::1 anything at all 1 2\r\nDATA"));
        assertNull(c.header().source());
        assertEquals(ascii("PROXY UNKNOWN ffff::1 anything at all 1 2\r\n").length, c.length());
    }

    @Test
    void v1AcceptsTheLongestLineOf107BytesAndRejectsOneMore() throws Exception {
        String worst = "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                + " 65535 65535\r\n";
        assertEquals(107, worst.length());
        assertEquals(107, complete(ascii(worst)).length());
        String longer = worst.replace(" 65535\r\n", " 655350\r\n");
        assertTrue(rejected(ascii(longer)).getMessage().contains("107"));
        String full6 = "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                + " 65535 65535\r\n";
        assertEquals(Family.TCP6, complete(ascii(full6)).header().family());
    }

    @Test
    void v1RejectsALoneCrOrLf() {
        rejected(ascii("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\n"));
        rejected(ascii("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\rX"));
        rejected(ascii("PROXY UNKNOWN\n\r\n"));
    }

    @Test
    void v1RejectsEveryDeviationFromTheGrammar() {
        for (String bad : List.of(
                "PROXY  TCP4 192.0.2.10 198.51.100.1 1 2\r\n", // two spaces
                "PROXY TCP4 192.0.2.10  198.51.100.1 1 2\r\n",
                "PROXY TCP4 192.0.2.10 198.51.100.1 1 2 \r\n", // trailing space
                "PROXY TCP4 192.0.2.10 198.51.100.1 1\r\n", // missing port
                "PROXY TCP5 192.0.2.10 198.51.100.1 1 2\r\n",
                "PROXY tcp4 192.0.2.10 198.51.100.1 1 2\r\n",
                "PROXY TCP4 192.0.2.010 198.51.100.1 1 2\r\n", // leading zero in an octet
                "PROXY TCP4 192.0.2.256 198.51.100.1 1 2\r\n",
                "PROXY TCP4 192.0.2 198.51.100.1 1 2\r\n",
                "PROXY TCP4 ::1 198.51.100.1 1 2\r\n", // family mismatch
                "PROXY TCP6 192.0.2.10 ::1 1 2\r\n",
                "PROXY TCP6 ::1::2 ::1 1 2\r\n",
                "PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n",
                "PROXY TCP6 12345::1 ::1 1 2\r\n",
                "PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n", // zone
                "PROXY TCP6 [::1] ::1 1 2\r\n",
                "PROXY TCP4 192.0.2.10 198.51.100.1 01 2\r\n", // leading zero in a port
                "PROXY TCP4 192.0.2.10 198.51.100.1 65536 2\r\n",
                "PROXY TCP4 192.0.2.10 198.51.100.1 -1 2\r\n",
                "PROXY TCP4 192.0.2.10 198.51.100.1 +1 2\r\n",
                "PROXYTCP4 192.0.2.10 198.51.100.1 1 2\r\n",
                "PROXY UNKNOWNX\r\n",
                "PROXY\r\n")) {
            rejected(ascii(bad));
        }
    }

    @Test
    void v1Ipv6AcceptsCompressedAndDottedForms() throws Exception {
        ProxyHeaderParser.Complete c = complete(ascii("PROXY TCP6 ::ffff:192.0.2.1 2001:DB8::A 1 2\r\n"));
        assertEquals(ip("192.0.2.1"), ((InetSocketAddress) c.header().source()).getAddress());
        assertEquals(ip("2001:db8::a"), ((InetSocketAddress) c.header().destination()).getAddress());
        complete(ascii("PROXY TCP6 :: 1:2:3:4:5:6:7:8 0 0\r\n"));
    }

    @Test
    void v2ParsesTcp4Tcp6AndTlvsWithAValidCrc() throws Exception {
        List<ProxyHeader.Tlv> tlvs = List.of(new ProxyHeader.Tlv(ProxyHeader.TYPE_ALPN, ascii("h2")),
                new ProxyHeader.Tlv(ProxyHeader.TYPE_AUTHORITY, "exämple.org".getBytes(StandardCharsets.UTF_8)),
                new ProxyHeader.Tlv(ProxyHeader.TYPE_UNIQUE_ID, new byte[128]),
                new ProxyHeader.Tlv(ProxyHeader.TYPE_SSL, new byte[] {1, 0, 0, 0, 0, 0x21, 0, 3, 'T', 'L', 'S'}),
                new ProxyHeader.Tlv(0xE0, new byte[0]));
        byte[] h = v2(SRC4, DST4, tlvs, true);
        ProxyHeader p = complete(concat(h, ascii("payload"))).header();
        assertEquals(SRC4, p.source());
        assertEquals(DST4, p.destination());
        assertEquals(Family.TCP4, p.family());
        assertEquals(6, p.tlvs().size(), "five TLVs and the CRC");
        assertEquals("h2", p.alpn().orElseThrow());
        assertEquals("exämple.org", p.authority().orElseThrow());
        assertEquals(128, p.uniqueId().orElseThrow().length);
        assertTrue(p.ssl().orElseThrow().overTls());
        assertEquals("TLS", p.ssl().orElseThrow().text(ProxyHeader.SUBTYPE_SSL_VERSION).orElseThrow());
        assertEquals(h.length, complete(h).length());
        ProxyHeader p6 = complete(v2(SRC6, DST6, List.of(), false)).header();
        assertEquals(new ProxyHeader(2, Command.PROXY, Family.TCP6, SRC6, DST6, List.of()), p6);
    }

    @Test
    void v2CrcMismatchInvalidatesTheHeader() {
        byte[] h = v2(SRC4, DST4, List.of(new ProxyHeader.Tlv(0xE1, ascii("x"))), true);
        for (int i = 0; i < h.length; i++) {
            if (i == 14 || i == 15 || i == h.length - 7) {
                continue; // the length field (a changed length fails otherwise) and the CRC TLV's own type byte
            }
            byte[] flipped = h.clone();
            flipped[i] ^= 0x01;
            try {
                ProxyHeaderParser.Result r = ProxyHeaderParser.parse(flipped, flipped.length);
                assertInstanceOf(ProxyHeaderParser.NotAHeader.class, r, "a flipped bit at byte " + i); // signature
            } catch (InetException e) {
                assertEquals(InetError.PROXY_HEADER_INVALID, e.error());
            }
        }
        byte[] wrong = h.clone();
        wrong[wrong.length - 1] ^= 0x10;
        assertTrue(rejected(wrong).getMessage().contains("CRC32C"));
    }

    @Test
    void v2LocalIsAcceptedWhateverItsFamily() throws Exception {
        ProxyHeader local = complete(ProxyHeaders.v2Local()).header();
        assertEquals(Command.LOCAL, local.command());
        assertNull(local.source());
        byte[] withBlock = v2(0x20, 0x11, new byte[12], List.of(), false);
        assertEquals(Command.LOCAL, complete(withBlock).header().command());
        assertNull(complete(v2(0x20, 0x21, new byte[3], List.of(), false)).header().source());
    }

    @Test
    void v2UnixAndUnspecFamiliesCarryNoInetSource() throws Exception {
        byte[] block = new byte[216];
        byte[] path = ascii("/run/app.sock");
        System.arraycopy(path, 0, block, 0, path.length);
        block[108] = 0; // abstract destination
        byte[] name = ascii("hidden");
        System.arraycopy(name, 0, block, 109, name.length);
        ProxyHeader unix = complete(v2(0x21, 0x31, block, List.of(), false)).header();
        assertEquals(Family.UNIX_STREAM, unix.family());
        assertEquals(UnixDomainSocketAddress.of("/run/app.sock"), unix.source());
        assertEquals(UnixDomainSocketAddress.of("@hidden"), unix.destination());
        assertTrue(unix.inetSource().isEmpty());
        ProxyHeader unspec = complete(v2(0x21, 0x00, new byte[0], List.of(new ProxyHeader.Tlv(0xE2, new byte[2])),
                true)).header();
        assertEquals(Family.UNSPEC, unspec.family());
        assertTrue(unspec.inetSource().isEmpty());
        assertEquals(2, unspec.tlvs().size(), "UNSPEC has no address block: TLVs start right after the fixed part");
        assertEquals(Family.UNSPEC, complete(v2(0x21, 0x10, new byte[12], List.of(), false)).header().family());
        assertEquals(Family.UDP4, complete(v2(0x21, 0x12, new byte[12], List.of(), false)).header().family());
    }

    @Test
    void v2RejectsBadVersionCommandFamilyAndLengths() {
        byte[] good = v2(SRC4, DST4, List.of(), false);
        byte[] version = good.clone();
        version[12] = 0x11;
        rejected(version);
        byte[] command = good.clone();
        command[12] = 0x22;
        rejected(command);
        byte[] family = good.clone();
        family[13] = 0x41;
        rejected(family);
        byte[] transport = good.clone();
        transport[13] = 0x13;
        rejected(transport);
        rejected(ProxyHeaders.withFixedPart(0x21, 0x11, new byte[11])); // block too short for TCP4
        rejected(ProxyHeaders.withFixedPart(0x21, 0x21, new byte[35]));
        rejected(Arrays.copyOf(ProxyHeaders.withFixedPart(0x21, 0x11, new byte[0]), 16)); // fixed part says 0
    }

    @Test
    void v2RejectsAHugeLengthBeforeReadingIt() throws Exception {
        byte[] fixed = ProxyHeaders.withFixedPart(0x21, 0x11, new byte[0]);
        fixed[14] = (byte) 0xff;
        fixed[15] = (byte) 0xff;
        assertTrue(rejected(fixed).getMessage().contains("65535"));
        byte[] atCap = ProxyHeaders.withFixedPart(0x21, 0x11, new byte[ProxyHeaderParser.V2_MAX_LENGTH]);
        assertInstanceOf(ProxyHeaderParser.NeedMore.class, ProxyHeaderParser.parse(atCap, 16));
    }

    @Test
    void v2RejectsTlvsThatOverrunOrAreMalformed() {
        byte[] block = new byte[12];
        rejected(ProxyHeaders.withFixedPart(0x21, 0x11, concat(block, new byte[] {(byte) 0xE0, (byte) 0xff, (byte) 0xff})));
        rejected(ProxyHeaders.withFixedPart(0x21, 0x11, concat(block, new byte[] {(byte) 0xE0, 0})));
        rejected(ProxyHeaders.withFixedPart(0x21, 0x11, concat(block, new byte[] {0x03, 0, 2, 0, 0}))); // CRC of 2
        rejected(v2(SRC4, DST4, List.of(new ProxyHeader.Tlv(ProxyHeader.TYPE_UNIQUE_ID, new byte[129])), false));
        rejected(v2(SRC4, DST4, List.of(new ProxyHeader.Tlv(ProxyHeader.TYPE_SSL, new byte[4])), false));
        rejected(v2(SRC4, DST4, List.of(new ProxyHeader.Tlv(ProxyHeader.TYPE_SSL,
                new byte[] {1, 0, 0, 0, 0, 0x22, 0, 9, 'x'})), false));
    }

    @Test
    void everyProperPrefixOfAValidHeaderAsksForMoreWithinTheHeader() throws Exception {
        List<byte[]> headers = List.of(v1(SRC4, DST4), v1(SRC6, DST6), ascii("PROXY UNKNOWN\r\n"),
                v2(SRC6, DST6, List.of(new ProxyHeader.Tlv(0xE0, new byte[40])), true), ProxyHeaders.v2Local());
        for (byte[] h : headers) {
            for (int k = 0; k < h.length; k++) {
                ProxyHeaderParser.Result r = ProxyHeaderParser.parse(h, k);
                ProxyHeaderParser.NeedMore more = assertInstanceOf(ProxyHeaderParser.NeedMore.class, r,
                        "prefix of " + k + " bytes");
                assertTrue(more.upTo() >= 1 && k + more.upTo() <= ProxyHeaderParser.MAX_HEADER);
                if (h[0] == ProxyHeaders.V2_SIGNATURE[0] && k > 0) {
                    assertTrue(k + more.upTo() <= h.length, "v2 is read exactly, never past the header");
                }
            }
            assertEquals(h.length, complete(h).length());
        }
    }

    @Test
    void otherProtocolsAreNotAHeader() throws Exception {
        for (String other : List.of("GET / HTTP/1.1\r\n", "\u0016\u0003\u0001", "SSH-2.0-x\r\n", "P", "PRO\r\n",
                "\r\n\r\n\u0000\r\nQUIX")) {
            byte[] b = ascii(other);
            ProxyHeaderParser.Result r = ProxyHeaderParser.parse(b, b.length);
            if (other.equals("P")) {
                assertInstanceOf(ProxyHeaderParser.NeedMore.class, r);
            } else {
                assertInstanceOf(ProxyHeaderParser.NotAHeader.class, r, other);
            }
        }
        assertArrayEquals(ProxyHeaders.V2_SIGNATURE, ProxyHeaderParser.V2_SIGNATURE);
    }
}
