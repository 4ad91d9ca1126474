package dev.socketloom;

/**
 * Receives {@link Event}s of one connection (SocketWrench's event callback).
 *
 * <p>Calls are made on the connection's own virtual thread, never concurrently and never after {@code disableEvents()},
 * {@code disconnect()} or {@link SocketRuntime#close()} has returned ({@linkplain dev.socketloom##L4 L4}). Calling
 * those methods from inside a callback is allowed and does not deadlock ({@linkplain dev.socketloom##L5 L5}).
 */
@FunctionalInterface
public interface EventHandler {
    /**
     * Handles one event.
     *
     * @param connection the connection the event belongs to
     * @param event      what happened
     * @param error      the cause for {@link Event#ERROR} (and {@link Event#TIMEOUT}), otherwise {@code null}
     * @throws Exception anything; it is logged and event delivery goes on
     */
    void onEvent(Connection connection, Event event, InetException error) throws Exception;
}
