package dev.socketloom;

/**
 * Connection events (SocketWrench's {@code INET_EVENT_*}), delivered to an {@link EventHandler} on the connection's
 * own event thread, one at a time and in order: CONNECT, then any READ / WRITE / TIMEOUT, then at most one of
 * DISCONNECT or ERROR, or CANCEL when events are disabled.
 */
public enum Event {
    /** The connection is established (first event of an async connect or of {@code enableEvents}). */
    CONNECT,
    /** Data is readable and has not been consumed yet. */
    READ,
    /** The connection can accept more data for writing (once after CONNECT). */
    WRITE,
    /** The peer closed the connection, or it was disconnected locally. */
    DISCONNECT,
    /** The idle timeout expired without any read or write activity. */
    TIMEOUT,
    /** Events were disabled by {@code disableEvents()}. Never followed by another event. */
    CANCEL,
    /** An error ended the connection or the connect attempt; the exception says which. */
    ERROR
}
