package dev.socketloom.internal.connection;

import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.errors.Errors;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** Entry points the {@code Inet} facade needs beyond the public API. Not exported. */
public final class InternalAccess {
    private InternalAccess() {
    }

    private static SocketConnection impl(Connection c) {
        return (SocketConnection) c;
    }

    /**
     * Runs the event loop of a server-side connection inline, on its handler thread (which already manages it), until
     * the peer closes, an error ends it, or events are disabled.
     */
    public static void runEventLoop(Connection c, EventHandler handler, Set<Event> mask) {
        SocketConnection conn = impl(c);
        EventPump pump = new EventPump(conn, handler, mask.isEmpty() ? EnumSet.noneOf(Event.class)
                : EnumSet.copyOf(mask)).inline();
        conn.installPump(pump);
        pump.run();
    }

    /**
     * Waits up to {@code timeout} until a read would not block (data buffered or arriving, or end of stream).
     */
    public static boolean awaitReadable(Connection c, Duration timeout) throws InetException {
        SocketConnection conn = impl(c);
        if (!conn.isOpenState()) {
            throw new InetException(InetError.NOT_CONNECTED, "connection to " + c.remoteAddress() + " is closed");
        }
        if (c.available() > 0) {
            return true;
        }
        if (timeout.isZero()) {
            return false;
        }
        try {
            return conn.io().awaitData(Sockets.timeoutMillis(timeout), null) != ReadBuffer.DataState.NONE;
        } catch (IOException e) {
            throw Errors.wrap(e, "isReadable on " + c.remoteAddress());
        }
    }
}
