package dev.socketloom.testing;

import dev.socketloom.ProxyHeader;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes PROXY protocol headers the way senders (haproxy, Envoy, cloud load balancers) write them, for tests that
 * play the proxy: version 1 lines and version 2 binary headers with TLVs and an optional CRC32C. Stateless.
 */
public final class ProxyHeaders {
    /** The 12-byte version 2 signature. */
    public static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeaders() {
    }

    /** {@code PROXY TCP4|TCP6 src dst sport dport\r\n}, the family taken from the source address. */
    public static byte[] v1(InetSocketAddress src, InetSocketAddress dst) {
        String family = src.getAddress() instanceof Inet4Address ? "TCP4" : "TCP6";
        return ("PROXY " + family + " " + text(src) + " " + text(dst) + " " + src.getPort() + " " + dst.getPort()
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code PROXY UNKNOWN\r\n}. */
    public static byte[] v1Unknown() {
        return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(InetSocketAddress a) {
        String s = a.getAddress().getHostAddress();
        int zone = s.indexOf('%');
        return zone < 0 ? s : s.substring(0, zone);
    }

    /** A version 2 PROXY header for TCP over IPv4 or IPv6 (by the source's family), with TLVs and maybe a CRC32C. */
    public static byte[] v2(InetSocketAddress src, InetSocketAddress dst, List<ProxyHeader.Tlv> tlvs, boolean crc) {
        boolean v4 = src.getAddress() instanceof Inet4Address;
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(src.getAddress().getAddress());
        block.writeBytes(dst.getAddress().getAddress());
        u16(block, src.getPort());
        u16(block, dst.getPort());
        return v2(0x21, v4 ? 0x11 : 0x21, block.toByteArray(), tlvs, crc);
    }

    /** A version 2 LOCAL header (health check) with an UNSPEC family and no address block. */
    public static byte[] v2Local() {
        return v2(0x20, 0x00, new byte[0], List.of(), false);
    }

    /**
     * A version 2 header from its parts: {@code verCmd} (0x20 LOCAL, 0x21 PROXY), {@code family} byte, address block,
     * TLVs, and a CRC32C TLV appended last when {@code crc}.
     */
    public static byte[] v2(int verCmd, int family, byte[] addressBlock, List<ProxyHeader.Tlv> tlvs, boolean crc) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(addressBlock);
        for (ProxyHeader.Tlv t : tlvs) {
            tlv(body, t.type(), t.value());
        }
        if (crc) {
            tlv(body, ProxyHeader.TYPE_CRC32C, new byte[4]);
        }
        byte[] b = withFixedPart(verCmd, family, body.toByteArray());
        if (crc) {
            CRC32C c = new CRC32C();
            c.update(b);
            long v = c.getValue();
            int at = b.length - 4;
            b[at] = (byte) (v >>> 24);
            b[at + 1] = (byte) (v >>> 16);
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) v;
        }
        return b;
    }

    /** Signature, version/command, family, 16-bit length, then {@code body}. */
    public static byte[] withFixedPart(int verCmd, int family, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(V2_SIGNATURE);
        out.write(verCmd);
        out.write(family);
        u16(out, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void tlv(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        u16(out, value.length);
        out.writeBytes(value);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    /** {@code a} followed by {@code b}. */
    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
