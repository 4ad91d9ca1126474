package dev.socketloom;

/**
 * A snapshot of a server's counters since it started; cheap to take from any thread (the byte counts sum the
 * connected clients' counters).
 *
 * @param accepted         connections accepted and handed to a handler (on a TLS server: whose handshake completed;
 *                         with the PROXY protocol on: once their header was read)
 * @param rejected         connections closed at accept time because a limit ({@code maxClients},
 *                         {@code maxClientsPerAddress}) was reached or the server was stopping; with the PROXY
 *                         protocol on, {@code maxClientsPerAddress} is checked against the original client address
 *                         once the header was read, and a connection over it is counted here too
 * @param acceptFailures   failed {@code accept()} calls (for example EMFILE) after which the acceptor backed off
 *                         ({@linkplain dev.socketloom##L12 L12})
 * @param handlerFailures  handlers that ended with an exception
 * @param active           clients connected right now (including those still sending their PROXY header or
 *                         shaking hands)
 * @param bytesIn          bytes read from clients, those connected and those gone (a client that leaves while the
 *                         snapshot is taken may be counted only by the next one)
 * @param bytesOut         bytes written to clients by writes that completed, counted like {@code bytesIn}
 * @param proxyHeaderFailures connections closed before their handler because their PROXY protocol header was
 *                         missing, malformed, truncated, too large or too slow ({@linkplain dev.socketloom##L14 L14})
 * @param tlsHandshakeFailures TLS handshakes that failed or timed out: implicit TLS ones, so that the handler never
 *                         ran, and {@code startTls} upgrades of clients, which closed the connection (not counting
 *                         those a disconnect or stop ended); 0 on a plain server whose handlers never call
 *                         {@code startTls}
 * @param slowConsumers    clients cut because a broadcast would have taken their outbound queue past
 *                         {@link ServerOptions#broadcastQueueLimit()}
 * @param queuedBytes      broadcast bytes queued to the connected clients and not yet written, right now
 */
public record ServerStats(long accepted, long rejected, long acceptFailures, long handlerFailures, int active,
                          long bytesIn, long bytesOut, long proxyHeaderFailures, long tlsHandshakeFailures,
                          long slowConsumers, long queuedBytes) {
    /**
     * Counters without the fan-out's (the components before {@code slowConsumers}).
     *
     * @param accepted             connections accepted and handed to a handler
     * @param rejected             connections closed at accept time
     * @param acceptFailures       failed {@code accept()} calls after which the acceptor backed off
     * @param handlerFailures      handlers that ended with an exception
     * @param active               clients connected right now
     * @param bytesIn              bytes read from clients
     * @param bytesOut             bytes written to clients
     * @param proxyHeaderFailures  connections closed because of their PROXY protocol header
     * @param tlsHandshakeFailures TLS handshakes that failed or timed out
     */
    public ServerStats(long accepted, long rejected, long acceptFailures, long handlerFailures, int active,
                       long bytesIn, long bytesOut, long proxyHeaderFailures, long tlsHandshakeFailures) {
        this(accepted, rejected, acceptFailures, handlerFailures, active, bytesIn, bytesOut, proxyHeaderFailures,
                tlsHandshakeFailures, 0, 0);
    }

    /**
     * Counters without byte counts, PROXY and TLS failures (the components before {@code bytesIn}).
     *
     * @param accepted        connections accepted and handed to a handler
     * @param rejected        connections closed at accept time because a limit was reached or the server was stopping
     * @param acceptFailures  failed {@code accept()} calls after which the acceptor backed off
     * @param handlerFailures handlers that ended with an exception
     * @param active          clients connected right now
     */
    public ServerStats(long accepted, long rejected, long acceptFailures, long handlerFailures, int active) {
        this(accepted, rejected, acceptFailures, handlerFailures, active, 0, 0, 0, 0, 0, 0);
    }
}
