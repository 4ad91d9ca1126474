package dev.socketloom;

/**
 * A snapshot of a server's counters since it started; cheap to take from any thread (the byte counts sum the
 * connected clients' counters).
 *
 * @param accepted         connections accepted and handed to a handler
 * @param rejected         connections closed at accept time because a limit ({@code maxClients},
 *                         {@code maxClientsPerAddress}) was reached or the server was stopping
 * @param acceptFailures   failed {@code accept()} calls (for example EMFILE) after which the acceptor backed off
 *                         ({@linkplain dev.socketloom##L12 L12})
 * @param handlerFailures  handlers that ended with an exception
 * @param active           clients connected right now
 * @param bytesIn          bytes read from clients, those connected and those gone (a client that leaves while the
 *                         snapshot is taken may be counted only by the next one)
 * @param bytesOut         bytes written to clients by writes that completed, counted like {@code bytesIn}
 */
public record ServerStats(long accepted, long rejected, long acceptFailures, long handlerFailures, int active,
                          long bytesIn, long bytesOut) {
    /** Counters without byte counts (the components before {@code bytesIn}). */
    public ServerStats(long accepted, long rejected, long acceptFailures, long handlerFailures, int active) {
        this(accepted, rejected, acceptFailures, handlerFailures, active, 0, 0);
    }
}
