package dev.socketloom;

/**
 * A snapshot of a server's counters since it started; cheap to take from any thread.
 *
 * @param accepted         connections accepted and handed to a handler (on a TLS server: whose handshake completed)
 * @param rejected         connections closed at accept time because a limit ({@code maxClients},
 *                         {@code maxClientsPerAddress}) was reached or the server was stopping
 * @param acceptFailures   failed {@code accept()} calls (for example EMFILE) after which the acceptor backed off
 *                         ({@linkplain dev.socketloom##L12 L12})
 * @param handlerFailures  handlers that ended with an exception
 * @param active           clients connected right now (on a TLS server, including those still shaking hands)
 * @param tlsHandshakeFailures TLS handshakes that failed or timed out, so that the handler never ran (not counting
 *                         those a disconnect or stop ended); always 0 on a plain server
 */
public record ServerStats(long accepted, long rejected, long acceptFailures, long handlerFailures, int active,
                          long tlsHandshakeFailures) {
    /** Counters of a plain server (no TLS handshakes). */
    public ServerStats(long accepted, long rejected, long acceptFailures, long handlerFailures, int active) {
        this(accepted, rejected, acceptFailures, handlerFailures, active, 0);
    }
}
