package dev.socketloom.internal;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyHeader;
import dev.socketloom.ProxyHeader.Command;
import dev.socketloom.ProxyHeader.Family;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Parses the start of a stream as a PROXY protocol header, version 1 (text) or 2 (binary), strictly as haproxy's
 * {@code proxy-protocol.txt} describes it. Pure and stateless: it looks only at the bytes it is given, so the caller
 * ({@link ProxyHeaderReader}) can feed it what has arrived so far and read more when it asks.
 *
 * <p>Version 1: {@code PROXY} SP {@code TCP4|TCP6} SP src SP dst SP srcport SP dstport CRLF, or {@code PROXY UNKNOWN}
 * followed by anything up to CRLF; at most 107 bytes with the CRLF; single spaces; no leading zeros in ports or IPv4
 * octets; a CR not followed by LF, or an LF without its CR, is an error. Version 2: the 12-byte signature, version 2,
 * command LOCAL or PROXY, the family/transport nibbles of the specification, {@code 16 + length} bytes with
 * {@code length <= } {@link #V2_MAX_LENGTH}, an address block that fits, TLVs that end exactly at the end of the
 * header, and every CRC32C TLV matching the header.
 */
final class ProxyHeaderParser {
    /** Longest version 1 line, CRLF included. */
    static final int V1_MAX = 107;
    /** Fixed part of a version 2 header. */
    static final int V2_FIXED = 16;
    /**
     * Largest version 2 length (address block plus TLVs) accepted. The field allows 65535; real proxies send well
     * under 1 KiB (addresses, ALPN, SNI, unique id, TLS details), so more than this is treated as an attack.
     */
    static final int V2_MAX_LENGTH = 4096;
    /** Longest header of either version. */
    static final int MAX_HEADER = V2_FIXED + V2_MAX_LENGTH;

    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_SIGNATURE = "PROXY".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_UNIQUE_ID = 128;

    private ProxyHeaderParser() {
    }

    /** What the bytes received so far are. */
    sealed interface Result permits NeedMore, NotAHeader, Complete {
    }

    /** A prefix of a possible header: read at most {@code upTo} more bytes (at least one is needed) and parse again. */
    record NeedMore(int upTo) implements Result {
    }

    /** The first bytes match neither signature: the stream does not start with a header. */
    record NotAHeader() implements Result {
    }

    /** A complete, valid header of {@code length} bytes; what follows it belongs to the application. */
    record Complete(ProxyHeader header, int length) implements Result {
    }

    /**
     * Parses {@code b[0 .. len)}.
     *
     * @throws InetException PROXY_HEADER_INVALID with the reason when the bytes cannot start a valid header
     */
    static Result parse(byte[] b, int len) throws InetException {
        if (len == 0) {
            return new NeedMore(V2_FIXED);
        }
        if (b[0] == V1_SIGNATURE[0]) {
            if (!matches(b, len, V1_SIGNATURE)) {
                return new NotAHeader();
            }
            return len < V1_SIGNATURE.length ? new NeedMore(V1_MAX - len) : parseV1(b, len);
        }
        if (b[0] == V2_SIGNATURE[0]) {
            if (!matches(b, len, V2_SIGNATURE)) {
                return new NotAHeader();
            }
            return parseV2(b, len);
        }
        return new NotAHeader();
    }

    /** Whether the first {@code min(len, sig.length)} bytes equal the signature's. */
    private static boolean matches(byte[] b, int len, byte[] sig) {
        int n = Math.min(len, sig.length);
        return Arrays.equals(b, 0, n, sig, 0, n);
    }

    static InetException invalid(String reason) {
        return new InetException(InetError.PROXY_HEADER_INVALID, reason);
    }

    // ------------------------------------------------------------------ version 1

    private static Result parseV1(byte[] b, int len) throws InetException {
        if (len > V1_SIGNATURE.length && b[V1_SIGNATURE.length] != ' ') {
            throw invalid("v1: 'PROXY' not followed by a space");
        }
        int limit = Math.min(len, V1_MAX);
        for (int i = 0; i < limit; i++) {
            if (b[i] == '\n') {
                throw invalid("v1: LF without CR at byte " + i);
            }
            if (b[i] == '\r') {
                if (i + 1 >= V1_MAX) {
                    throw invalid("v1: no CRLF within " + V1_MAX + " bytes");
                }
                if (i + 1 == len) {
                    return new NeedMore(1);
                }
                if (b[i + 1] != '\n') {
                    throw invalid("v1: CR without LF at byte " + i);
                }
                return new Complete(v1Line(new String(b, 0, i, StandardCharsets.ISO_8859_1)), i + 2);
            }
        }
        if (len >= V1_MAX) {
            throw invalid("v1: no CRLF within " + V1_MAX + " bytes");
        }
        return new NeedMore(V1_MAX - len);
    }

    private static ProxyHeader v1Line(String line) throws InetException {
        if (line.equals("PROXY UNKNOWN") || line.startsWith("PROXY UNKNOWN ")) {
            return new ProxyHeader(1, Command.PROXY, Family.UNSPEC, null, null, List.of()); // the rest is ignored
        }
        String[] f = line.split(" ", -1);
        if (f.length < 2 || !f[0].equals("PROXY")) {
            throw invalid("v1: expected 'PROXY ' and a protocol, got " + quote(line));
        }
        boolean v4 = f[1].equals("TCP4");
        if (!v4 && !f[1].equals("TCP6")) {
            throw invalid("v1: unknown protocol " + quote(f[1]) + " (TCP4, TCP6 or UNKNOWN)");
        }
        if (f.length != 6) {
            throw invalid("v1: expected 4 single-space separated fields after " + f[1] + ", got " + quote(line));
        }
        InetAddress src = v4 ? ipv4(f[2]) : ipv6(f[2]);
        InetAddress dst = v4 ? ipv4(f[3]) : ipv6(f[3]);
        return new ProxyHeader(1, Command.PROXY, v4 ? Family.TCP4 : Family.TCP6,
                new InetSocketAddress(src, port(f[4])), new InetSocketAddress(dst, port(f[5])), List.of());
    }

    private static int port(String s) throws InetException {
        int value = decimal(s, 5, "port");
        if (value > 65_535) {
            throw invalid("v1: port " + quote(s) + " out of range");
        }
        return value;
    }

    /** A decimal number of 1..maxDigits digits without a leading zero (octal confusion, says the specification). */
    private static int decimal(String s, int maxDigits, String what) throws InetException {
        if (s.isEmpty() || s.length() > maxDigits || (s.length() > 1 && s.charAt(0) == '0')) {
            throw invalid("v1: bad " + what + " " + quote(s));
        }
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid("v1: bad " + what + " " + quote(s));
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static InetAddress ipv4(String s) throws InetException {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw invalid("v1: bad IPv4 address " + quote(s));
        }
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = decimal(parts[i], 3, "IPv4 address " + quote(s) + " octet");
            if (octet > 255) {
                throw invalid("v1: bad IPv4 address " + quote(s));
            }
            a[i] = (byte) octet;
        }
        return address(a);
    }

    /**
     * A textual IPv6 address, parsed here (never by a resolver): groups of 1-4 hex digits, at most one {@code ::},
     * optionally ending in a dotted IPv4 address, exactly 128 bits in total; no brackets or zone.
     */
    static InetAddress ipv6(String s) throws InetException {
        int dbl = s.indexOf("::");
        if (s.isEmpty() || s.length() > 45 || (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0)) {
            throw invalid("v1: bad IPv6 address " + quote(s));
        }
        List<Integer> head = groups(dbl < 0 ? s : s.substring(0, dbl), dbl < 0, s);
        List<Integer> tail = dbl < 0 ? List.of() : groups(s.substring(dbl + 2), true, s);
        int total = head.size() + tail.size();
        if (dbl < 0 ? total != 8 : total > 7) {
            throw invalid("v1: bad IPv6 address " + quote(s) + " (not 128 bits)");
        }
        byte[] a = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            a[2 * i] = (byte) (head.get(i) >> 8);
            a[2 * i + 1] = head.get(i).byteValue();
        }
        for (int i = 0, at = 8 - tail.size(); i < tail.size(); i++, at++) {
            a[2 * at] = (byte) (tail.get(i) >> 8);
            a[2 * at + 1] = tail.get(i).byteValue();
        }
        return address(a);
    }

    private static List<Integer> groups(String part, boolean mayEndWithIpv4, String whole) throws InetException {
        List<Integer> out = new ArrayList<>(8);
        if (part.isEmpty()) {
            return out;
        }
        String[] pieces = part.split(":", -1);
        for (int i = 0; i < pieces.length; i++) {
            String p = pieces[i];
            if (i == pieces.length - 1 && mayEndWithIpv4 && p.indexOf('.') >= 0) {
                byte[] v4 = ipv4(p).getAddress();
                out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                throw invalid("v1: bad IPv6 address " + quote(whole));
            }
            int value = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), 16);
                if (d < 0) {
                    throw invalid("v1: bad IPv6 address " + quote(whole));
                }
                value = value * 16 + d;
            }
            out.add(value);
        }
        return out;
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException impossible) { // only for lengths other than 4 and 16
            throw new IllegalArgumentException(impossible);
        }
    }

    private static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : shown.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.append('"').toString();
    }

    // ------------------------------------------------------------------ version 2

    private static Result parseV2(byte[] b, int len) throws InetException {
        if (len >= 13 && (b[12] & 0xf0) != 0x20) {
            throw invalid("v2: version " + ((b[12] & 0xf0) >> 4) + ", expected 2");
        }
        if (len >= 13 && (b[12] & 0x0f) > 1) {
            throw invalid("v2: command " + (b[12] & 0x0f) + ", expected LOCAL (0) or PROXY (1)");
        }
        if (len >= 14 && ((b[13] & 0xf0) >> 4 > 3 || (b[13] & 0x0f) > 2)) {
            throw invalid(String.format("v2: family/transport 0x%02x is not in the specification", b[13] & 0xff));
        }
        if (len < V2_FIXED) {
            return new NeedMore(V2_FIXED - len);
        }
        int length = ((b[14] & 0xff) << 8) | (b[15] & 0xff);
        if (length > V2_MAX_LENGTH) {
            throw invalid("v2: length " + length + " over the limit of " + V2_MAX_LENGTH);
        }
        int total = V2_FIXED + length;
        if (len < total) {
            return new NeedMore(total - len);
        }
        return new Complete(v2Body(b, total), total);
    }

    private static ProxyHeader v2Body(byte[] b, int total) throws InetException {
        Command command = (b[12] & 0x0f) == 0 ? Command.LOCAL : Command.PROXY;
        int af = (b[13] & 0xf0) >> 4;
        int transport = b[13] & 0x0f;
        int length = total - V2_FIXED;
        int block = switch (af) {
            case 1 -> 12;
            case 2 -> 36;
            case 3 -> 216;
            default -> 0;
        };
        // UNSPEC in either nibble: addresses are ignored, but TLVs (and a CRC32C) still follow the family's block
        boolean unspec = af == 0 || transport == 0;
        if (length < block) {
            if (command == Command.PROXY && !unspec) {
                throw invalid("v2: length " + length + " too short for the " + block + "-byte address block");
            }
            return new ProxyHeader(2, command, Family.UNSPEC, null, null, List.of()); // LOCAL: block ignored
        }
        List<ProxyHeader.Tlv> tlvs = tlvs(b, V2_FIXED + block, total);
        if (command == Command.LOCAL || unspec) {
            return new ProxyHeader(2, command, unspec ? Family.UNSPEC : family(af, transport), null, null, tlvs);
        }
        int at = V2_FIXED;
        SocketAddress src;
        SocketAddress dst;
        if (af == 3) {
            src = unix(b, at);
            dst = unix(b, at + 108);
        } else {
            int n = af == 1 ? 4 : 16;
            InetAddress s = address(Arrays.copyOfRange(b, at, at + n));
            InetAddress d = address(Arrays.copyOfRange(b, at + n, at + 2 * n));
            src = new InetSocketAddress(s, u16(b, at + 2 * n));
            dst = new InetSocketAddress(d, u16(b, at + 2 * n + 2));
        }
        return new ProxyHeader(2, command, family(af, transport), src, dst, tlvs);
    }

    private static Family family(int af, int transport) {
        boolean stream = transport == 1;
        return switch (af) {
            case 1 -> stream ? Family.TCP4 : Family.UDP4;
            case 2 -> stream ? Family.TCP6 : Family.UDP6;
            default -> stream ? Family.UNIX_STREAM : Family.UNIX_DGRAM;
        };
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    /** A 108-byte {@code sun_path}: up to the first NUL; a leading NUL (abstract namespace) shows as '@'. */
    private static SocketAddress unix(byte[] b, int at) {
        boolean abstractName = b[at] == 0;
        int start = abstractName ? at + 1 : at;
        int end = start;
        while (end < at + 108 && b[end] != 0) {
            end++;
        }
        if (end == start) {
            return null;
        }
        String path = (abstractName ? "@" : "") + new String(b, start, end - start, StandardCharsets.UTF_8);
        try {
            return UnixDomainSocketAddress.of(path);
        } catch (RuntimeException notAPath) {
            return null;
        }
    }

    private static List<ProxyHeader.Tlv> tlvs(byte[] b, int from, int total) throws InetException {
        List<ProxyHeader.Tlv> out = new ArrayList<>();
        List<Integer> crcAt = new ArrayList<>(1);
        int at = from;
        while (at < total) {
            if (at + 3 > total) {
                throw invalid("v2: " + (total - at) + " stray bytes after the last TLV");
            }
            int type = b[at] & 0xff;
            int len = u16(b, at + 1);
            if (at + 3 + len > total) {
                throw invalid(String.format("v2: TLV 0x%02x of length %d runs %d bytes past the header", type,
                        len, at + 3 + len - total));
            }
            checkTlv(b, type, at + 3, len);
            if (type == ProxyHeader.TYPE_CRC32C) {
                if (!crcAt.isEmpty()) {
                    throw invalid("v2: more than one CRC32C TLV");
                }
                crcAt.add(at + 3);
            }
            out.add(new ProxyHeader.Tlv(type, Arrays.copyOfRange(b, at + 3, at + 3 + len)));
            at += 3 + len;
        }
        for (int c : crcAt) {
            checkCrc(b, c, total);
        }
        return out;
    }

    private static void checkTlv(byte[] b, int type, int at, int len) throws InetException {
        switch (type) {
            case ProxyHeader.TYPE_CRC32C -> {
                if (len != 4) {
                    throw invalid("v2: CRC32C TLV of length " + len + ", expected 4");
                }
            }
            case ProxyHeader.TYPE_UNIQUE_ID -> {
                if (len > MAX_UNIQUE_ID) {
                    throw invalid("v2: unique id of " + len + " bytes, at most " + MAX_UNIQUE_ID);
                }
            }
            case ProxyHeader.TYPE_SSL -> {
                if (len < 5) {
                    throw invalid("v2: SSL TLV of length " + len + ", at least 5");
                }
                int sub = at + 5;
                while (sub < at + len) {
                    if (sub + 3 > at + len || sub + 3 + u16(b, sub + 1) > at + len) {
                        throw invalid("v2: SSL sub-TLV runs past its TLV");
                    }
                    sub += 3 + u16(b, sub + 1);
                }
            }
            default -> {
                // other types are application data, exposed as they are
            }
        }
    }

    /** The CRC32C of the whole header with this TLV's value zeroed must equal the value (big-endian). */
    private static void checkCrc(byte[] b, int valueAt, int total) throws InetException {
        long sent = ((b[valueAt] & 0xffL) << 24) | ((b[valueAt + 1] & 0xffL) << 16) | ((b[valueAt + 2] & 0xffL) << 8)
                | (b[valueAt + 3] & 0xffL);
        long computed = crc32c(b, total, valueAt);
        if (sent != computed) {
            throw invalid(String.format("v2: CRC32C mismatch (header says %08x, computed %08x)", sent, computed));
        }
    }

    /** CRC32C of {@code b[0 .. total)} with the four bytes at {@code zeroAt} taken as zero. */
    static long crc32c(byte[] b, int total, int zeroAt) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, zeroAt);
        crc.update(new byte[4]);
        crc.update(b, zeroAt + 4, total - zeroAt - 4);
        return crc.getValue();
    }
}
