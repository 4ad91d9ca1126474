package dev.socketloom.internal.connection;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.errors.Errors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * What a connection's calls report when they fail, built from what the connection knows about its own state: whether
 * it is closed, and which deadline closed it ({@code expiry}, set when the runtime closed it on its own). The rule it
 * keeps: only the call that met a deadline reports TIMEOUT; every later call reports NOT_CONNECTED with that TIMEOUT as
 * its cause, so a caller that retries on TIMEOUT stops. A read timeout leaves the connection open, and says so.
 *
 * <p>Stateless; called on error paths only (it builds messages and may ask the socket for its address).
 */
final class ConnectionErrors {
    private ConnectionErrors() {
    }

    /** NOT_CONNECTED for a call on a connection that is still connecting or closed ({@code expiry} null or not). */
    static InetException notOpen(boolean connecting, InetSocketAddress remote, String expiry) {
        if (connecting) {
            return new InetException(InetError.NOT_CONNECTED,
                    "connection to " + Sockets.describe(remote) + " is still connecting");
        }
        if (expiry != null) {
            return new InetException(InetError.NOT_CONNECTED, "connection to " + remote + " was closed by its "
                    + expiry, expired(remote, expiry));
        }
        return new InetException(InetError.NOT_CONNECTED, "connection to " + remote + " is closed");
    }

    /** The TIMEOUT a call after an expiry carries as its cause. */
    private static InetException expired(InetSocketAddress remote, String expiry) {
        return new InetException(InetError.TIMEOUT, "the " + expiry + " of " + remote
                + " expired and the runtime closed the connection");
    }

    /**
     * Translates an I/O failure of {@code op}. A call in flight when the runtime closed the connection met that
     * deadline: TIMEOUT, saying the connection is closed. A call ended by a disconnect: NOT_CONNECTED. Otherwise the
     * exception's own class ({@link Errors#classify}); a read timeout says what the call kept and that the connection
     * is still open.
     */
    static InetException failure(IOException e, String op, String kept, boolean closed, String expiry,
                                 InetSocketAddress remote, Duration readTimeout) {
        if (closed) {
            if (expiry != null) {
                return new InetException(InetError.TIMEOUT, op + " on " + remote + " ended by the " + expiry
                        + "; the connection is closed (later calls report NOT_CONNECTED)", e);
            }
            return new InetException(InetError.NOT_CONNECTED, op + " on " + remote + " ended by disconnect", e);
        }
        InetError error = Errors.classify(e);
        if (error == InetError.TIMEOUT && e instanceof SocketTimeoutException) {
            return new InetException(error, op + " on " + remote + ": nothing arrived within the read timeout "
                    + readTimeout + kept + "; the connection is still open", e);
        }
        return new InetException(error, op + " on " + remote, e);
    }
}
