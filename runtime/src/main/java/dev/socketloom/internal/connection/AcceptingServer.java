package dev.socketloom.internal.connection;

/**
 * The server that accepted a connection, as the connection sees it: the connection names this interface instead of
 * the server's class, so servers use connections and not the other way round. Implemented by the listening server.
 */
public interface AcceptingServer {
    /** The body of the client's thread: setup, then the handler, then close. Runs on that thread. */
    void serve(SocketConnection c);

    /** The client's thread body has returned (the server counts its live client threads). */
    void threadEnded();

    /**
     * Called once by a client connection when it closes, under its state lock; {@code cause} is why (null if the
     * handler or the peer ended it): a stop's or the runtime's close counts as forced.
     */
    void unregister(SocketConnection c, CloseCause cause);

    /** Whether the server's stop, disconnect or runtime close has begun (a handler sees it during the grace period). */
    boolean isStopping();

    /** Counts a failed server-side {@code startTls} of one of its clients as a TLS handshake failure. */
    void startTlsFailed();

    /** The port the server listens on (reported in the connection's events). */
    int port();
}
