package dev.socketloom.inet;

/**
 * SocketWrench-style event callback of the {@link Inet} facade ({@code INETEVENTPROC}).
 *
 * <p>Called on the connection's own virtual thread, never concurrently for one handle, and never after {@link
 * Inet#disableEvents}, {@link Inet#disconnect} or {@link Inet#uninitialize} has returned ({@linkplain
 * dev.socketloom##L4 L4}).
 */
@FunctionalInterface
public interface InetEventProc {
    /**
     * Handles one event.
     *
     * @param handle the connection's handle (for a server: the accepted client's handle)
     * @param event  one of the {@code Inet.INET_EVENT_*} constants
     * @param error  an {@link dev.socketloom.InetError#code()} for {@code INET_EVENT_ERROR} and
     *               {@code INET_EVENT_TIMEOUT}, else 0
     */
    void onEvent(int handle, int event, int error);
}
