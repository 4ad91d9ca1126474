package dev.socketloom;

/**
 * The per-client body of a {@link Server}: SocketWrench's server callback, written as plain blocking code.
 *
 * <p>{@link #handle} runs once per accepted client, on that client's own virtual thread, named {@code
 * socketloom-client-<address>:<port>}. When it returns (or throws) the connection is disconnected and the thread ends.
 * A disconnect from elsewhere closes the socket and interrupts the thread, so a blocked read fails with {@link
 * InetError#NOT_CONNECTED}; handlers should then return promptly ({@linkplain dev.socketloom##L6 L6} bounds the wait
 * for those that don't).
 */
@FunctionalInterface
public interface ConnectionHandler {
    /**
     * Serves one client; exceptions are counted in {@link Server#stats()} and end the connection.
     *
     * @param connection the accepted client's connection
     * @throws Exception anything; it is counted and the connection is disconnected
     */
    void handle(Connection connection) throws Exception;
}
