package dev.socketloom.internal;

import dev.socketloom.InetException;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.ServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * What runs on an accepted client's own virtual thread before its handler: reading the PROXY protocol header when
 * the server expects one (L14), admitting the client under the address it names ({@code maxClientsPerAddress}), and
 * opening the connection. A server without a preface opens its connections on the acceptor, as before, and this step
 * only confirms the connection is still open.
 *
 * <p>This is the one place for per-connection setup that must not run on the acceptor, in the order the bytes
 * arrive: the PROXY header first, then (when TLS lands) the handshake over the same socket, fed the bytes the header
 * reader took past the header. A failure here closes the connection with a reset before the handler ever sees it;
 * only failures of the peer are counted and logged (at DEBUG, with the reason), never a disconnect of ours.
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

    ClientSetup(ServerOptions options, ClientRegistry clients, Acceptor acceptor) {
        this.mode = options.proxyProtocol();
        this.options = options;
        this.readTimeoutMillis = Sockets.timeoutMillis(options.effectiveClientOptions().readTimeout());
        this.clients = clients;
        this.acceptor = acceptor;
    }

    /** Whether connections need this step before they open (otherwise the acceptor opens them). */
    boolean hasPreface() {
        return mode != ProxyProtocol.OFF;
    }

    /** Connections closed because of their PROXY header. */
    long proxyFailures() {
        return proxyFailures.sum();
    }

    /**
     * Prepares {@code c} on its own thread; true when its handler may run. On false the connection is closed, or
     * being closed by a disconnect.
     */
    boolean run(SocketConnection c) {
        if (!hasPreface()) {
            return c.isOpenState();
        }
        InetSocketAddress peer = c.remoteAddress();
        ProxyHeaderReader.Preface preface;
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
        InetSocketAddress client = preface.header() == null ? peer : preface.header().inetSource().orElse(peer);
        if (!clients.admit(c, client.getAddress(), acceptor.maxClientsPerAddress())) {
            reset(c);
            LOG.log(System.Logger.Level.DEBUG, "closed {0} (via {1}): maxClientsPerAddress reached", client, peer);
            acceptor.countRejection();
            return false;
        }
        try {
            if (!c.markOpen(preface)) {
                return false;
            }
        } catch (IOException e) {
            reset(c);
            return false;
        }
        if (!client.equals(peer)) {
            Thread.currentThread().setName(RuntimeCore.clientThreadName(client)); // names say whom it serves
        }
        return true;
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
