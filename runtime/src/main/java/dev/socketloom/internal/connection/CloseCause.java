package dev.socketloom.internal.connection;

import dev.socketloom.InetError;
import dev.socketloom.InetException;

/**
 * Who closed a connection, as the {@code dev.socketloom.ConnectionClosed} event reports it. Passed by each caller of
 * {@link ConnectionLifecycle#closeOnce(InetError, CloseCause)}; only the first close of a connection
 * counts.
 */
public enum CloseCause {
    /** The peer closed first: end of stream was read, or the peer reset the connection. */
    PEER,
    /** This side's code: {@code disconnect()}/{@code abort()}, or a handler that returned on its own. */
    LOCAL,
    /** {@code Server.stop(grace)} or {@code Server.disconnect()} (or the server stopping before it served it). */
    SERVER_STOP,
    /** An idle, write or read timeout expired. */
    TIMEOUT,
    /** The handler threw, or an I/O error ended the connection's events. */
    ERROR,
    /** {@code SocketRuntime.close()}. */
    RUNTIME_CLOSE;

    /** Why a handler that threw {@code t} ended its connection: a reset is the peer's doing, a timeout a timeout. */
    public static CloseCause ofFailure(Throwable t) {
        if (!(t instanceof InetException ie)) {
            return ERROR;
        }
        return switch (ie.error()) {
            case CONNECTION_RESET -> PEER;
            case TIMEOUT -> TIMEOUT;
            default -> ERROR;
        };
    }
}
