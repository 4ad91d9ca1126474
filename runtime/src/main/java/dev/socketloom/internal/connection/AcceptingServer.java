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

    /** Called once by a client connection when it closes. */
    void unregister(SocketConnection c);

    /** The port the server listens on (reported in the connection's events). */
    int port();
}
