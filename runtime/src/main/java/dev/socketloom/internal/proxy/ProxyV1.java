package dev.socketloom.internal.proxy;

import static dev.socketloom.internal.proxy.ProxyHeaderParser.V1_MAX;
import static dev.socketloom.internal.proxy.ProxyHeaderParser.V1_SIGNATURE;
import static dev.socketloom.internal.proxy.ProxyHeaderParser.address;
import static dev.socketloom.internal.proxy.ProxyHeaderParser.invalid;

import dev.socketloom.InetException;
import dev.socketloom.ProxyHeader;
import dev.socketloom.ProxyHeader.Command;
import dev.socketloom.ProxyHeader.Family;
import dev.socketloom.internal.proxy.ProxyHeaderParser.Complete;
import dev.socketloom.internal.proxy.ProxyHeaderParser.NeedMore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Version 1 of the PROXY protocol: {@code PROXY} SP {@code TCP4|TCP6} SP src SP dst SP srcport SP dstport CRLF, or
 * {@code PROXY UNKNOWN} followed by anything up to CRLF; at most 107 bytes with the CRLF; single spaces; no leading
 * zeros in ports or IPv4 octets; IPv6 in its textual forms, parsed here and never by a resolver; a CR not followed by
 * LF, or an LF without its CR, is an error. Pure and stateless.
 */
final class ProxyV1 {
    private ProxyV1() {
    }

    /** Parses a stream that starts with {@code PROXY}. */
    static ProxyHeaderParser.Result parse(byte[] b, int len) throws InetException {
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

    private static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : shown.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.append('"').toString();
    }
}
