package dev.socketloom.internal.server;

import dev.socketloom.InetException;
import dev.socketloom.internal.connection.ConnectionHost;
import dev.socketloom.internal.connection.SocketConnection;

/**
 * The runtime a server belongs to, as the server sees it: the server names this interface instead of the runtime's
 * class, so the runtime uses servers and not the other way round. Implemented by {@code internal.runtime.RuntimeCore}.
 */
public interface ServerHost extends ConnectionHost {
    /** The one non-daemon thread that keeps the JVM alive while a server runs. */
    Keeper keeper();

    /** A new connection id, unique in the JVM. */
    long nextConnectionId();

    /**
     * Takes on a connection the server accepted and registered: watches its deadlines; throws NOT_INITIALIZED (after
     * closing it) if the runtime closed concurrently.
     */
    void adopt(SocketConnection c) throws InetException;

    /** Called once by a server when it has stopped: the runtime forgets it. */
    void unregister(ListeningServer s);
}
