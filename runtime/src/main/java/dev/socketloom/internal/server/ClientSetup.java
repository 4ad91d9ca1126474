package dev.socketloom.internal.server;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.ServerOptions;
import dev.socketloom.TlsOptions;
import dev.socketloom.internal.connection.ClientRegistry;
import dev.socketloom.internal.connection.SocketConnection;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.proxy.ProxyHeaderReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What runs on an accepted client's own virtual thread before its handler: reading the PROXY protocol header when
 * the server expects one (L14), admitting the client under the address it names ({@code maxClientsPerAddress}), the
 * TLS handshake of a TLS server (L13), and opening the connection. A plain server without the PROXY protocol opens its
 * connections on the acceptor, and this step only confirms the connection is still open.
 *
 * <p>This is the one place for per-connection setup that must not run on the acceptor, in the order the bytes
 * arrive: the PROXY header first, then the handshake over the same socket, fed the bytes the header reader took past
 * the header. A failure here closes the connection before the handler ever sees it; only failures of the peer are
 * counted and logged (at DEBUG, with the reason), never a disconnect of ours.
 *
 * <p>Thread-safe: one instance per server, called concurrently by every client thread.
 */
final class ClientSetup {
    private static final System.Logger LOG = System.getLogger("dev.socketloom");

    private final ProxyProtocol mode;
    private final ServerOptions options;
    private final int readTimeoutMillis;
    private final ClientRegistry clients;
    private final Acceptor acceptor;
    private final LongAdder proxyFailures = new LongAdder();
    private final LongAdder tlsFailures = new LongAdder();
    /** The TLS of new handshakes (reloadable), or null for a plain server. */
    private final Supplier<TlsOptions> tls;

    ClientSetup(ServerOptions options, ClientRegistry clients, Acceptor acceptor, Supplier<TlsOptions> tls) {
        this.tls = tls;
        this.mode = options.proxyProtocol();
        this.options = options;
        // the effective client options differ from these only in the idle timeout
        this.readTimeoutMillis = Sockets.timeoutMillis(options.clientOptions().readTimeout());
        this.clients = clients;
        this.acceptor = acceptor;
    }

    /** Whether connections read a PROXY header first (and are counted per address only once it is read). */
    boolean readsProxyHeader() {
        return mode != ProxyProtocol.OFF;
    }

    /** Whether connections open on their own thread, after this step (otherwise the acceptor opens them). */
    boolean opensOnClientThread() {
        return readsProxyHeader() || tls.get() != null;
    }

    /** Connections closed because of their PROXY header. */
    long proxyFailures() {
        return proxyFailures.sum();
    }

    /** Counts a handshake that failed on an open connection ({@code startTls}). */
    void countTlsFailure() {
        tlsFailures.increment();
    }

    /** Connections closed because their TLS handshake failed (not by a disconnect of ours). */
    long tlsFailures() {
        return tlsFailures.sum();
    }

    /**
     * Prepares {@code c} on its own thread; true when its handler may run. On false the connection is closed, or
     * being closed by a disconnect.
     */
    boolean run(SocketConnection c) {
        TlsOptions secure = tls.get();
        if (!readsProxyHeader() && secure == null) {
            return c.isOpenState();
        }
        InetSocketAddress peer = c.remoteAddress();
        ProxyHeaderReader.Preface preface = ProxyHeaderReader.Preface.NONE;
        InetSocketAddress client = peer;
        if (readsProxyHeader()) {
            try {
                preface = ProxyHeaderReader.read(c.socket(), mode, options.proxyHeaderTimeout(), readTimeoutMillis);
            } catch (IOException e) {
                if (!c.isClosedState()) { // not ended by our own disconnect or stop: the peer's failure
                    reset(c); // closed (and gone from clients()) and logged before it shows in the stats
                    LOG.log(System.Logger.Level.DEBUG, "closed {0} before its handler: {1}", peer,
                            e instanceof InetException ? e.getMessage() : "PROXY header read failed: " + e);
                    proxyFailures.increment();
                }
                return false;
            }
            client = preface.header() == null ? peer : preface.header().inetSource().orElse(peer);
            if (!clients.admit(c, client.getAddress(), acceptor.maxClientsPerAddress())) {
                reset(c);
                LOG.log(System.Logger.Level.DEBUG, "closed {0} (via {1}): maxClientsPerAddress reached", client, peer);
                acceptor.countRejection();
                return false;
            }
        }
        if (secure != null ? !handshake(c, secure, preface) : !open(c, preface)) {
            return false;
        }
        if (!client.equals(peer)) {
            Thread.currentThread().setName(Sockets.clientThreadName(client)); // names say whom it serves
        }
        return true;
    }

    private static boolean open(SocketConnection c, ProxyHeaderReader.Preface preface) {
        try {
            return c.markOpen(preface);
        } catch (IOException e) {
            reset(c);
            return false;
        }
    }

    /** The server side of the TLS handshake, fed what the PROXY header reader read past the header. */
    private boolean handshake(SocketConnection c, TlsOptions secure, ProxyHeaderReader.Preface preface) {
        try {
            c.proxied(preface.header());
            byte[] rest = preface.rest();
            c.secure(secure, rest == null || rest.length == 0 ? null : rest);
            return true;
        } catch (InetException e) {
            if (e.error() != InetError.NOT_CONNECTED) {
                tlsFailures.increment();
                LOG.log(System.Logger.Level.DEBUG, "TLS handshake with {0} failed: {1}", c.remoteAddress(),
                        e.getMessage());
            }
            return false;
        }
    }

    /** Closes with RST, so the proxy notices the anomaly at once (as the specification recommends). */
    private static void reset(SocketConnection c) {
        try {
            c.abort(); // from the connection's own thread: closes without joining itself (L5)
        } catch (InetException alreadyClosed) {
            // closed either way
        }
    }
}
