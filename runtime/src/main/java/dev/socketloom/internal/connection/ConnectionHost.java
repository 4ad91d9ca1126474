package dev.socketloom.internal.connection;

import dev.socketloom.internal.util.JoinPolicy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import dev.socketloom.internal.util.Threads;
import dev.socketloom.internal.util.Watchdog;

/**
 * The runtime a connection belongs to, as the connection sees it: the connection names this interface instead of the
 * runtime's class, so the runtime uses connections and not the other way round. Implemented by {@code internal.runtime.RuntimeCore}.
 */
public interface ConnectionHost {
    /** Starts (and counts) the runtime's threads: a connection's event thread, an async connect's attempts. */
    Threads threads();

    /** How a disconnect waits for the threads it interrupted. */
    JoinPolicy joins();

    /**
     * Joins {@code toJoin} with {@link #joins()} and returns the names still alive at the deadline; the runtime
     * remembers those threads and reports them again on every later close while they live.
     */
    List<String> join(Collection<Thread> toJoin, Duration deadline);

    /** Enforces write, idle, TLS handshake and close_notify deadlines. */
    Watchdog watchdog();

    /** Called once by a connection when it closes: the runtime forgets it and stops watching its deadlines. */
    void unregister(SocketConnection c);
}
