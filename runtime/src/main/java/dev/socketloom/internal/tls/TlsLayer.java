package dev.socketloom.internal.tls;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.TlsInfo;
import dev.socketloom.TlsOptions;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.errors.TlsErrors;
import dev.socketloom.internal.util.Watchdog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The TLS layer of one connection: a JDK {@link SSLSocket} layered over the connection's TCP socket, its handshake and
 * its close. The TCP socket stays the connection's own: every hard close (disconnect during the handshake, abort, a
 * timeout) closes it directly underneath the TLS layer, never through {@link SSLSocket#close()}.
 *
 * <p>That is how the JDK's close hangs are designed out, each tested by name in {@code TlsCloseTest}:
 * <ul>
 *   <li>close_notify is sent only by a thread holding the connection's write lock, so never while an application
 *       write sits in the {@code SSLSocket} (JDK-8241239, JDK-8309305: {@code close()} waits for ever for the record
 *       lock of a writer blocked on a full send buffer); if a write is in progress the connection closes without it;</li>
 *   <li>sending close_notify is bounded by a deadline on the runtime's watchdog, which closes the TCP socket if the
 *       peer does not read and the send buffer is full;</li>
 *   <li>a connection whose handshake has not completed is never closed through the {@code SSLSocket}
 *       (JDK-8274524: close during the handshake could hang), and the layer never reads the peer's close_notify on
 *       close ({@code SSLSocket.close()} may wait for it behind a blocked reader, JDK-8258753).</li>
 * </ul>
 *
 * <p>Threading: {@link #handshake} runs on the connection's own thread; {@link #closeNotify} on the closing thread,
 * with the connection's write lock held; the rest may be called from any thread.
 */
public final class TlsLayer {
    /** Layers in their handshake, by SSLSocket: how the key manager tells one that a certificate was requested. */
    private static final Map<Socket, TlsLayer> HANDSHAKING = new ConcurrentHashMap<>();
    /** Longest a failed server handshake drains the client's input, so the alert is not overtaken by a reset. */
    private static final long LINGER_NANOS = Duration.ofSeconds(1).toNanos();

    private final Socket raw;
    private final SSLSocket ssl;
    private final TlsOptions options;
    private final String sentServerName;
    final boolean client;
    volatile boolean established;
    volatile TlsInfo info; // taken from the session when first asked for: nothing held while idle
    private volatile boolean expired;
    private volatile boolean certificateRequestedNoneSent;

    private TlsLayer(Socket raw, SSLSocket ssl, TlsOptions options, String sentServerName, boolean client) {
        this.raw = raw;
        this.ssl = ssl;
        this.options = options;
        this.sentServerName = sentServerName;
        this.client = client;
    }

    /** The client side over the connected {@code raw}, verifying {@code host} unless the options say otherwise. */
    public static TlsLayer client(Socket raw, TlsOptions o, String host, int port) throws IOException {
        String name = o.serverName() != null ? o.serverName() : host;
        SSLSocket ssl = (SSLSocket) o.sslContext().getSocketFactory().createSocket(new TlsTransport(raw), name, port,
                true);
        SSLParameters p = parameters(ssl, o);
        p.setEndpointIdentificationAlgorithm(o.verifyHostName() ? "HTTPS" : null);
        String sni = isHostName(name) ? name : null;
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        ssl.setSSLParameters(p);
        return new TlsLayer(raw, ssl, o, sni, true);
    }

    /**
     * The server side over the accepted {@code raw}; {@code consumed} are bytes already read from it (STARTTLS).
     * Only what differs from the context's defaults is set, each with its own setter: {@code setSSLParameters} would
     * give every connection its own copies of the cipher suite, protocol, SNI and ALPN lists, held for its lifetime.
     */
    public static TlsLayer server(Socket raw, TlsOptions o, byte[] consumed) throws IOException {
        SSLSocket ssl = (SSLSocket) o.sslContext().getSocketFactory().createSocket(new TlsTransport(raw),
                consumed == null || consumed.length == 0 ? null : new ByteArrayInputStream(consumed), true);
        String[] protocols = o.protocols().toArray(new String[0]);
        if (!Arrays.equals(ssl.getEnabledProtocols(), protocols)) {
            ssl.setEnabledProtocols(protocols);
        }
        if (!o.cipherSuites().isEmpty()) {
            ssl.setEnabledCipherSuites(o.cipherSuites().toArray(new String[0]));
        }
        if (!o.applicationProtocols().isEmpty()) {
            SSLParameters p = ssl.getSSLParameters(); // no setter of its own: copies of the lists, only with ALPN
            p.setApplicationProtocols(o.applicationProtocols().toArray(new String[0]));
            ssl.setSSLParameters(p);
        }
        switch (o.clientAuth()) {
            case REQUIRED -> ssl.setNeedClientAuth(true);
            case OPTIONAL -> ssl.setWantClientAuth(true);
            case NONE -> ssl.setNeedClientAuth(false);
        }
        return new TlsLayer(raw, ssl, o, null, false);
    }

    private static SSLParameters parameters(SSLSocket ssl, TlsOptions o) {
        SSLParameters p = ssl.getSSLParameters();
        p.setProtocols(o.protocols().toArray(new String[0]));
        if (!o.cipherSuites().isEmpty()) {
            p.setCipherSuites(o.cipherSuites().toArray(new String[0]));
        }
        if (!o.applicationProtocols().isEmpty()) {
            p.setApplicationProtocols(o.applicationProtocols().toArray(new String[0]));
        }
        return p;
    }

    /** Whether {@code name} may be sent as SNI: a DNS name, not an IP literal (RFC 6066 forbids those). */
    private static boolean isHostName(String name) {
        if (name == null || name.isEmpty() || name.indexOf(':') >= 0 || name.chars().allMatch(ch -> ch == '.'
                || Character.isDigit(ch))) {
            return false;
        }
        try {
            new SNIHostName(name);
            return true;
        } catch (IllegalArgumentException notAHostName) {
            return false;
        }
    }

    /**
     * Runs the handshake on the calling thread. It is bounded twice: each read by {@code SO_TIMEOUT} (a peer that
     * sends nothing), and the whole by a watchdog deadline that closes the TCP socket (a peer that sends a byte at a
     * time). Restores {@code SO_TIMEOUT} to {@code readTimeoutMillis} afterwards.
     *
     * @throws IOException the JDK's failure, or TIMEOUT when the deadline closed the socket
     */
    public void handshake(Watchdog watchdog, int readTimeoutMillis) throws IOException {
        Duration timeout = options.handshakeTimeout();
        long end = System.nanoTime() + timeout.toNanos();
        Watchdog.Deadline deadline = watchdog.schedule(end, this::expire);
        HANDSHAKING.put(ssl, this);
        try {
            raw.setSoTimeout(Sockets.timeoutMillis(timeout));
            ssl.startHandshake();
            raw.setSoTimeout(readTimeoutMillis);
          established = true;
        } catch (IOException e) {
            if (expired || e instanceof SocketTimeoutException) {
                throw new InetException(InetError.TIMEOUT, "TLS handshake with " + raw.getRemoteSocketAddress()
                        + " did not complete within " + timeout, e);
            }
            if (!client) {
                linger(end);
            }
            throw e;
        } finally {
            HANDSHAKING.remove(ssl);
            if (deadline != null) {
                deadline.cancel();
            }
        }
    }

    /**
     * After a failed server handshake (the JDK sent its alert and shut the output down, see {@link TlsTransport}):
     * reads and drops what the client still sends, until it closes, briefly, so that closing with unread input does not
     * reset the connection before the client has read the alert.
     */
    private void linger(long handshakeEnd) {
        long end = Math.min(handshakeEnd, System.nanoTime() + LINGER_NANOS);
        byte[] sink = new byte[512];
        try {
            InputStream in = raw.getInputStream();
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                raw.setSoTimeout((int) Math.max(1, left / 1_000_000));
                if (in.read(sink) < 0) {
                    return;
                }
            }
        } catch (IOException closedOrTimedOut) {
            // the peer reset, the linger expired, or a disconnect closed the socket: done either way
        }
    }

    /**
     * Called by {@link TlsContexts}' key manager when a server asked {@code socket}'s client for a certificate:
     * {@code sent} false when the client had none to offer. TLS 1.2 servers answer that with a generic
     * {@code handshake_failure} alert; this is how the client tells it apart.
     */
    static void certificateRequested(Socket socket, boolean sent) {
        TlsLayer layer = socket == null ? null : HANDSHAKING.get(socket);
        if (layer != null && !sent) {
            layer.certificateRequestedNoneSent = true;
        }
    }



    /** Watchdog: the handshake deadline passed. Closing the TCP socket ends the handshake on its own thread. */
    private void expire() {
        expired = true;
        Sockets.closeQuietly(raw);
    }

    /**
     * Sends close_notify (and FIN) if the handshake completed and the close is not abortive (SO_LINGER 0), for at most
     * the close_notify timeout, half of {@code joinDeadline}, and until {@code sharedDeadline} (nanoTime; a stop's):
     * if the peer does not read and the send buffer is full, the watchdog closes the TCP socket at the deadline, which
     * ends the blocked send. The caller holds the connection's write lock, and closes the TCP socket afterwards.
     */
    public void closeNotify(Watchdog watchdog, Duration joinDeadline, long sharedDeadline) {
        long own = System.nanoTime() + Math.min(options.closeNotifyTimeout().toNanos(), joinDeadline.toNanos() / 2);
        closeNotify(watchdog, sharedDeadline - own < 0 ? sharedDeadline : own);
    }

    /** {@link #closeNotify(Watchdog, Duration, long)} until {@code deadlineNanos}. Never throws. */
    public void closeNotify(Watchdog watchdog, long deadlineNanos) {
        if (!established || raw.isClosed() || deadlineNanos - System.nanoTime() <= 0) {
            return;
        }
        try {
            if (raw.getSoLinger() == 0) {
                return; // abort(): a reset, no close_notify
            }
        } catch (SocketException closed) {
            return;
        }
        Watchdog.Deadline deadline = watchdog.schedule(deadlineNanos, () -> Sockets.closeQuietly(raw));
        if (deadline == null) {
            return; // the runtime is closing and its watchdog stopped: nothing could bound the send
        }
        try {
            ssl.shutdownOutput(); // close_notify under the SSLSocket's record lock, then FIN
        } catch (IOException | RuntimeException closedMeanwhile) {
            // the deadline or a concurrent reset closed the socket: it closes without close_notify
        } finally {
            deadline.cancel();
        }
    }

    /** The socket the connection reads and writes: the TLS one. */
    public SSLSocket socket() {
        return ssl;
    }

    /** Whether the handshake completed. */
    public boolean established() {
        return established;
    }

    /** What the handshake negotiated, read from the session the first time it is asked for; null until it completed. */
    public TlsInfo info() {
        if (!established) {
            return null;
        }
        TlsInfo i = info;
        if (i == null) {
            i = TlsInfos.of(ssl, sentServerName); // racing callers compute equal snapshots: either may stay
          info = i;
        }
        return i;
    }

    /** The failed handshake as an {@link InetException}: its code, the peer, and the JDK's reason (and cause). */
    public InetException failure(IOException cause) {
        InetError error = TlsErrors.classify(cause, true);
        if (error == InetError.TLS_HANDSHAKE_FAILED && certificateRequestedNoneSent) {
            error = InetError.CERTIFICATE_REQUIRED; // a TLS 1.2 server says only "handshake_failure"
        }
        String hint = TlsErrors.hint(error, client);
        InetAddress peer = raw.getInetAddress();
        return new InetException(error, "TLS handshake with " + (peer == null ? "?" : peer.getHostAddress()) + ":"
                + raw.getPort() + (hint.isEmpty() ? "" : ": " + hint) + " (" + cause.getMessage() + ")", cause);
    }
}
