package dev.socketloom.internal.connection;

import dev.socketloom.internal.util.JoinPolicy;
import dev.socketloom.internal.util.Threads;
import dev.socketloom.internal.util.Watchdog;

/**
 * The runtime a connection belongs to, as the connection sees it: the connection names this interface instead of the
 * runtime's class, so the runtime uses connections and not the other way round. Implemented by {@link RuntimeCore}.
 */
public interface ConnectionHost {
    /** Starts (and counts) the runtime's threads: a connection's event thread, an async connect's attempts. */
    Threads threads();

    /** How a disconnect waits for the threads it interrupted. */
    JoinPolicy joins();

    /** Enforces write, idle, TLS handshake and close_notify deadlines. */
    Watchdog watchdog();

    /** Called once by a connection when it closes: the runtime forgets it and stops watching its deadlines. */
    void unregister(SocketConnection c);
}
