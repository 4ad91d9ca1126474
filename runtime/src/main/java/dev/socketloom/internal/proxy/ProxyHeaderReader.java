package dev.socketloom.internal.proxy;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyHeader;
import dev.socketloom.ProxyProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * Reads the PROXY protocol header of one accepted connection (L14): on that client's own virtual thread, never the
 * acceptor, before the connection opens and before anything else reads from the socket (a TLS handshake included).
 *
 * <p>Bounded in time and size: every read waits at most for what is left of the header timeout (so a client that
 * trickles a byte at a time cannot stretch it), and no more is read than {@link ProxyHeaderParser} says a header of
 * the kind seen so far can still need, so at most {@link ProxyHeaderParser#MAX_HEADER} bytes are ever buffered.
 * A version 2 header is read exactly; a version 1 line may be followed, in the same read, by up to 106 bytes of the
 * application's data, which come back as {@link Preface#rest()}. The caller must hand those bytes to whatever reads
 * the stream next: the connection's {@link ReadBuffer} (as {@link ConnectionLifecycle#markOpen(Preface)} does) or, for a
 * TLS layer, {@code SSLSocketFactory.createSocket(socket, new ByteArrayInputStream(rest), true)}, which replays
 * consumed bytes before the socket's own.
 *
 * <p>A disconnect closes the socket, which ends a blocked read at once with an {@link IOException}.
 */
public final class ProxyHeaderReader {
    /** Enough for any version 1 line and most version 2 headers; grows for larger version 2 headers. */
    private static final int INITIAL = 128;

    /**
     * What came before the application's data.
     *
     * @param header the header, or null when none was sent (only in {@link ProxyProtocol#OPTIONAL} mode)
     * @param rest   bytes received after the header (or all bytes, without a header), for the next reader
     */
    public record Preface(ProxyHeader header, byte[] rest) {
        public static final Preface NONE = new Preface(null, new byte[0]);
    }

    /**
     * In {@link ProxyProtocol#OPTIONAL} mode, how long bytes that are only the start of a signature ({@code \r\n},
     * {@code PROX}) wait for the rest: a proxy sends its header at once, so a client still there after this is
     * direct, and its bytes go to the handler instead of being lost to the header timeout.
     */
    static final Duration SNIFF_WINDOW = Duration.ofMillis(250);

    private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
        0x0A};

    private ProxyHeaderReader() {
    }

    /** Whether the {@code len} bytes read are a proper prefix of a signature, and nothing more yet. */
    static boolean onlySignaturePrefix(byte[] buf, int len) {
        return len > 0 && (isPrefix(V1_SIGNATURE, buf, len) || isPrefix(V2_SIGNATURE, buf, len));
    }

    private static boolean isPrefix(byte[] signature, byte[] buf, int len) {
        if (len >= signature.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (buf[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the header from {@code s}, leaving its SO_TIMEOUT at {@code soTimeoutAfter}.
     *
     * @throws InetException PROXY_HEADER_INVALID (missing, malformed, truncated, too large) or TIMEOUT (not complete
     *                       within {@code timeout}), with the reason
     * @throws IOException   when the socket fails or is closed meanwhile (a disconnect)
     */
    public static Preface read(Socket s, ProxyProtocol mode, Duration timeout, int soTimeoutAfter) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[INITIAL];
        int len = 0;
        long sniffEnd = 0; // when the bytes became a bare signature prefix, plus the sniff window; 0: not yet
        try {
            while (true) {
                ProxyHeaderParser.Result r = ProxyHeaderParser.parse(buf, len);
                if (r instanceof ProxyHeaderParser.Complete c) {
                    return new Preface(c.header(), Arrays.copyOfRange(buf, c.length(), len));
                }
                if (r instanceof ProxyHeaderParser.NotAHeader) {
                    if (mode == ProxyProtocol.OPTIONAL) {
                        return new Preface(null, Arrays.copyOf(buf, len));
                    }
                    throw ProxyHeaderParser.invalid("no PROXY header: the stream starts with " + hex(buf, len));
                }
                int upTo = ((ProxyHeaderParser.NeedMore) r).upTo();
                if (buf.length < len + upTo) {
                    buf = Arrays.copyOf(buf, len + upTo);
                }
                boolean sniffing = mode == ProxyProtocol.OPTIONAL && onlySignaturePrefix(buf, len);
                if (sniffing && sniffEnd == 0) {
                    sniffEnd = System.nanoTime() + SNIFF_WINDOW.toNanos();
                }
                long remaining = (sniffing ? Math.min(deadline, sniffEnd) : deadline) - System.nanoTime();
                if (remaining <= 0) {
                    if (sniffing) {
                        return new Preface(null, Arrays.copyOf(buf, len)); // a direct client after all
                    }
                    throw tooSlow(timeout, len);
                }
                s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(remaining).toMillis())));
                int n;
                try {
                    n = in.read(buf, len, upTo);
                } catch (SocketTimeoutException e) {
                    if (len == 0 && mode == ProxyProtocol.OPTIONAL) {
                        return Preface.NONE; // a direct client that waits for the server to speak first
                    }
                    if (sniffing) {
                        return new Preface(null, Arrays.copyOf(buf, len)); // only looked like a signature
                    }
                    throw tooSlow(timeout, len);
                }
                if (n < 0) {
                    if (len == 0 && mode == ProxyProtocol.OPTIONAL) {
                        return Preface.NONE;
                    }
                    if (sniffing) {
                        return new Preface(null, Arrays.copyOf(buf, len)); // a direct client's last bytes
                    }
                    throw ProxyHeaderParser.invalid(len == 0 ? "connection closed before a PROXY header"
                            : "connection closed after " + len + " bytes of an incomplete PROXY header");
                }
                len += n;
            }
        } finally {
            if (!s.isClosed()) {
                s.setSoTimeout(soTimeoutAfter);
            }
        }
    }

    private static InetException tooSlow(Duration timeout, int received) {
        return new InetException(InetError.TIMEOUT, "no complete PROXY header within " + timeout + " ("
                + received + " bytes received)");
    }

    private static String hex(byte[] b, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(len, 16); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb.append(len > 16 ? "..." : "").toString();
    }
}
