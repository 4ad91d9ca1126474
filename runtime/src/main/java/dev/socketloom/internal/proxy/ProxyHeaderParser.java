package dev.socketloom.internal.proxy;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyHeader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the start of a stream as a PROXY protocol header, version 1 (text, {@link ProxyV1}) or 2 (binary,
 * {@link ProxyV2}), strictly as haproxy's {@code proxy-protocol.txt} describes it: this class tells the versions
 * apart by their signatures and holds the limits and the outcome types. Pure and stateless: it looks only at the
 * bytes it is given, so the caller ({@link ProxyHeaderReader}) can feed it what has arrived so far and read more when
 * it asks.
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
    static final byte[] V1_SIGNATURE = "PROXY".getBytes(StandardCharsets.US_ASCII);

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
            return len < V1_SIGNATURE.length ? new NeedMore(V1_MAX - len) : ProxyV1.parse(b, len);
        }
        if (b[0] == V2_SIGNATURE[0]) {
            if (!matches(b, len, V2_SIGNATURE)) {
                return new NotAHeader();
            }
            return ProxyV2.parse(b, len);
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

    /** The address of 4 or 16 raw bytes (an IPv4-mapped IPv6 address becomes the IPv4 one, as the JDK does). */
    static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException impossible) { // only for lengths other than 4 and 16
            throw new IllegalArgumentException(impossible);
        }
    }
}
