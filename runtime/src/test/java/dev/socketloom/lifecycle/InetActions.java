package dev.socketloom.lifecycle;

import static dev.socketloom.lifecycle.ChainSteps.*;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.state.Action;

/** The actions through the SocketWrench facade: a stale handle, a blocked read ended by {@code Inet.disconnect}. */
final class InetActions {
    private InetActions() {
    }

    static Action.Independent<World> staleInetHandle() {
        return onServer(s -> !s.suspended, "use a stale Inet handle", Arbitraries.just((x, s) ->
                x.staleInetHandle(s.id)
                        ? "Inet: connect to " + s.name() + ", disconnect, use the stale handle (INVALID_HANDLE), connect again"
                        : "(skipped: Inet handle step, " + s.name() + " is at its client limit)"));
    }

    /**
     * Through the Inet facade, with a reader blocked without a read timeout: isReadable returns false in time, and
     * disconnect ends the blocked read (NOT_CONNECTED) and its thread and leaves the handle stale.
     */
    static Action.Independent<World> inetBlockedRead() {
        return onServer(s -> !s.suspended, "end a blocked Inet read with Inet.disconnect",
                Arbitraries.of(false, true).map(readLine -> (x, s) -> {
                    String call = readLine ? "Inet.readLine" : "Inet.read";
                    return x.inetBlockedRead(s.id, readLine)
                            ? "Inet: connect to " + s.name() + " (no read timeout), block a thread in " + call
                                    + ", Inet.isReadable(" + World.IS_READABLE_MILLIS + " ms) returns false in time, "
                                    + "Inet.disconnect ends the read (NOT_CONNECTED) and its thread, the handle is stale"
                            : "(skipped: Inet blocked-read step, " + s.name() + " is suspended or at its client limit)";
                }));
    }
}
