package dev.socketloom.internal.proxy;

import static dev.socketloom.internal.proxy.ProxyHeaderParser.V2_FIXED;
import static dev.socketloom.internal.proxy.ProxyHeaderParser.V2_MAX_LENGTH;
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
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Version 2 of the PROXY protocol: after the 12-byte signature, version 2, command LOCAL or PROXY, the
 * family/transport nibbles of the specification, a 16-bit length of at most {@link ProxyHeaderParser#V2_MAX_LENGTH},
 * an address block that fits it, and TLVs that end exactly where the header ends, every CRC32C TLV matching the
 * header, a unique id of at most 128 bytes, an SSL TLV whose sub-TLVs fit. Read exactly: it never asks for a byte past
 * the header. Pure and stateless.
 */
final class ProxyV2 {
    private static final int MAX_UNIQUE_ID = 128;

    private ProxyV2() {
    }

    /** Parses a stream that starts with (a prefix of) the version 2 signature. */
    static ProxyHeaderParser.Result parse(byte[] b, int len) throws InetException {
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
