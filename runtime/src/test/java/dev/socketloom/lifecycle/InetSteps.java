package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.socketloom.inet.Inet;
import dev.socketloom.InetError;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.TestSupport;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import java.util.function.Supplier;

/** Steps through the SocketWrench facade: stale handles (L7) and a read blocked while another thread asks. */
abstract class InetSteps extends ClientSteps {
    InetSteps(Supplier<SocketRuntime> runtimes) {
        super(runtimes);
    }

    /**
     * L7 through the SocketWrench facade: a handle used after its disconnect fails with INVALID_HANDLE and never
     * reaches the connection that may reuse its slot. The facade has its own process-wide runtime, opened and closed
     * within this step, so the world's thread and socket counts are unaffected once the step returns.
     *
     * @return false if the server has no room for the two short connections (the step is then skipped)
     */
    boolean staleInetHandle(int serverId) throws Exception {
        ServerModel sm = server(serverId);
        if (sm.suspended || overLimit(sm)) {
            return false;
        }
        int before = serverSide(sm).size();
        assertTrue(Inet.initialize(), "Inet.initialize");
        int h;
        int h2;
        try {
            int secure = sm.tls ? Inet.INET_OPTION_SECURE | Inet.INET_OPTION_TRUSTEDSITE : Inet.INET_OPTION_NONE;
            h = Inet.connect("127.0.0.1", sm.server.port(), (int) DEADLINE.toSeconds(), secure);
            assertTrue(h != Inet.INVALID_SOCKET, () -> "Inet.connect failed: " + Inet.getLastError());
            inetProxyHeader(sm, h);
            assertTrue(Inet.writeLine(h, "inet one") > 0, "Inet.writeLine");
            assertEquals("inet one", Inet.readLine(h), "Inet echo");
            assertEquals(0, Inet.disconnect(h), "Inet.disconnect");
            assertStale(h, "after Inet.disconnect");
            awaitClientCount(sm, before); // its server side ends when it sees the close
            h2 = Inet.connect("127.0.0.1", sm.server.port(), (int) DEADLINE.toSeconds(), secure);
            assertTrue(h2 != Inet.INVALID_SOCKET, () -> "second Inet.connect failed: " + Inet.getLastError());
            assertTrue(h2 != h, "L7: a new connection never gets the stale handle value " + h);
            inetProxyHeader(sm, h2);
            assertStale(h, "while a new connection may reuse its slot");
            assertTrue(Inet.writeLine(h2, "inet two") > 0, "Inet.writeLine on the new handle");
            // had the stale write reached the new connection, its echo would arrive first
            assertEquals("inet two", Inet.readLine(h2), "L7: the stale handle's write must not reach the new connection");
            assertEquals(0, Inet.disconnect(h2), "Inet.disconnect of the new handle");
            sm.accepted += 2;
        } finally {
            assertTrue(Inet.uninitialize(), () -> "Inet.uninitialize: " + Inet.getLastError());
        }
        assertStale(h, "after Inet.uninitialize");
        assertStale(h2, "after Inet.uninitialize");
        awaitClientCount(sm, before);
        return true;
    }

    /** How long {@link #inetBlockedRead} lets {@code Inet.isReadable} wait while another thread reads. */
    static final int IS_READABLE_MILLIS = 100;

    /** What a facade read returned on its own thread, with that thread's last error right after it. */
    record InetReadOutcome(Object value, int error) {
    }

    /**
     * Two facade guarantees with a reader blocked without a read timeout: {@code Inet.isReadable(h, timeout)} on
     * another thread returns false within its timeout (it waited for the reader's read lock for ever before), and
     * {@code Inet.disconnect(h)} ends the blocked {@code Inet.read} / {@code Inet.readLine}: it returns its error value
     * with NOT_CONNECTED, its thread ends and the handle is stale (L1, L7). As {@link #staleInetHandle}, the facade's
     * runtime lives only within this step.
     *
     * @param readLine block in {@code Inet.readLine} (else in {@code Inet.read})
     * @return false if the server cannot take the connection now (suspended or at its client limit: skipped)
     */
    boolean inetBlockedRead(int serverId, boolean readLine) throws Exception {
        ServerModel sm = server(serverId);
        if (sm.suspended || overLimit(sm)) {
            return false;
        }
        int before = serverSide(sm).size();
        String call = readLine ? "Inet.readLine" : "Inet.read";
        assertTrue(Inet.initialize(), "Inet.initialize");
        int h = Inet.INVALID_SOCKET;
        Thread reader = null;
        try {
            int secure = sm.tls ? Inet.INET_OPTION_SECURE | Inet.INET_OPTION_TRUSTEDSITE : Inet.INET_OPTION_NONE;
            h = Inet.connect("127.0.0.1", sm.server.port(), 0, secure); // timeout 0: no read timeout, a read blocks
            int handle = h;
            assertTrue(handle != Inet.INVALID_SOCKET, () -> "Inet.connect failed: " + Inet.getLastError());
            inetProxyHeader(sm, handle);
            assertTrue(Inet.writeLine(handle, "inet blk") > 0, "Inet.writeLine"); // fits the shortest maxLine (16)
            assertEquals("inet blk", Inet.readLine(handle), "Inet echo"); // the handler runs; it sends nothing more
            FutureTask<InetReadOutcome> read = new FutureTask<>(() -> {
                Object value = readLine ? Inet.readLine(handle) : (Object) Inet.read(handle, new byte[16], 16);
                return new InetReadOutcome(value, Inet.getLastError());
            });
            reader = Thread.ofVirtual().name("lifecycle-inet-reader").start(read);
            Thread r = reader;
            // a thread parked in a socket read holds the read lock (nothing else can make this one wait)
            TestSupport.awaitCondition(() -> r.getState() == Thread.State.WAITING || !r.isAlive(),
                    "the " + call + " thread to block");
            assertTrue(r.isAlive(), () -> call + " returned although nothing was sent: " + outcome(read));
            InetReadOutcome readable = TestSupport.returnsWithinDeadline("Inet.isReadable(" + IS_READABLE_MILLIS
                    + " ms) while " + call + " blocks", () -> new InetReadOutcome(
                            Inet.isReadable(handle, IS_READABLE_MILLIS), Inet.getLastError()));
            assertEquals(new InetReadOutcome(false, InetError.NONE.code()), readable,
                    "Inet.isReadable while " + call + " blocks: nothing was sent, no error");
            assertTrue(r.isAlive(), () -> call + " returned although nothing was sent: " + outcome(read));
            assertEquals(0, Inet.disconnect(handle), () -> "Inet.disconnect of a handle with a blocked " + call + ": "
                    + Inet.getErrorString(Inet.getLastError()));
            awaitTermination(r, call + " blocked on a disconnected handle");
            assertEquals(new InetReadOutcome(readLine ? null : Inet.INET_ERROR, InetError.NOT_CONNECTED.code()),
                    outcome(read), call + " ended by Inet.disconnect: (result, last error)");
            assertStale(handle, "after Inet.disconnect ended a blocked " + call);
            awaitClientCount(sm, before); // its server side ends when it sees the close
            sm.accepted++;
        } finally {
            assertTrue(Inet.uninitialize(), () -> "Inet.uninitialize: " + Inet.getLastError());
            if (reader != null) {
                reader.join(DEADLINE); // a failed step's reader ends with the facade's runtime
            }
        }
        assertStale(h, "after Inet.uninitialize");
        awaitClientCount(sm, before);
        return true;
    }

    /** The reader's outcome once its thread has ended (or how it failed). */
    static Object outcome(FutureTask<InetReadOutcome> read) {
        return read.state() == Future.State.SUCCESS ? read.resultNow()
                : read.state() == Future.State.FAILED ? read.exceptionNow() : read.state();
    }

    static void assertStale(int h, String when) {
        assertNull(Inet.readLine(h), "readLine on stale handle " + h + " " + when);
        assertEquals(InetError.INVALID_HANDLE.code(), Inet.getLastError(), "readLine error " + when);
        assertEquals(Inet.INET_ERROR, Inet.writeLine(h, "stale"), "writeLine on stale handle " + h + " " + when);
        assertEquals(InetError.INVALID_HANDLE.code(), Inet.getLastError(), "writeLine error " + when);
        assertFalse(Inet.isConnected(h), "isConnected on stale handle " + h + " " + when);
        assertEquals(Inet.INET_ERROR, Inet.disconnect(h), "disconnect on stale handle " + h + " " + when);
        assertEquals(InetError.INVALID_HANDLE.code(), Inet.getLastError(), "disconnect error " + when);
    }
}
