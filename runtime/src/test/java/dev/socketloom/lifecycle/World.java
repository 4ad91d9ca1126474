package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.InetError;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import dev.socketloom.testing.LeakCheckExtension;
import dev.socketloom.testing.PingPong;
import dev.socketloom.testing.TestSupport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.function.Supplier;

/**
 * One try of a lifecycle chain: a real {@link SocketRuntime} on loopback plus a model of what it must contain
 * (servers, their clients on both sides, event registrations, threads and sockets), kept in step by the actions in
 * {@link LifecycleActions} and compared with reality by {@link #check()} after every action.
 *
 * <p>Guarantees that hold when a call returns (L1, L2, L4, L5, L8) are asserted right after the call, without waiting.
 * Effects the runtime cannot report synchronously (a handler noticing that its peer closed, the watchdog thread
 * retiring) are awaited with a generous deadline and then asserted exactly; "nothing closed early" holds because the
 * counts must meet the model from above or below and stay there, and a mismatch after the deadline fails the try.
 *
 * <p>Not thread-safe: actions run on the property's thread; handlers and event callbacks only touch the concurrent
 * fields ({@link HandlerRecord}, {@link EventLog}, {@link #violations}).
 */
final class World extends ServerSteps {
    World(Supplier<SocketRuntime> runtimes) {
        super(runtimes);
    }

    void closeRuntime() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (ClientModel cm : clients) {
            if (cm.rec != null) {
                threads.add(cm.rec.thread);
            }
            if (cm.events != null && cm.events.thread != null) {
                threads.add(cm.events.thread);
            }
        }
        Runnable prompt = promptUnderLoad("SocketRuntime.close()", Duration.ZERO);
        rt.close();
        prompt.run();
        servers.forEach(s -> s.forbidden = true);
        for (ClientModel cm : clients) {
            if (cm.rec != null) {
                cm.rec.forbidden = true;
            }
            if (cm.events != null) {
                cm.events.forbidden = true;
            }
        }
        // L8 at the moment close() returned: no thread, no socket of the runtime
        assertEquals(0, rt.liveThreadCount(), "L8: live threads after close()");
        for (Thread t : threads) {
            assertFalse(t.isAlive(), "L8: " + t.getName() + " alive after close() returned");
        }
        List<String> ours = LeakCheckExtension.Snapshot.take().threads().values().stream()
                .filter(n -> n.startsWith("socketloom-")).toList();
        assertEquals(List.of(), ours, "L8: socketloom threads after close() returned");
        assertEquals(baselineSockets, TestSupport.openSockets(), "L8: open sockets after close() returned");
        assertTrue(rt.isClosed());
        SocketRuntime closed = rt;
        assertInetError(InetError.NOT_INITIALIZED, () -> closed.connect("127.0.0.1", 9), "connect after close");
        assertInetError(InetError.NOT_INITIALIZED, () -> closed.startServer(ServerOptions.builder().build(),
                c -> { }), "startServer after close");
        closed.close(); // idempotent
        for (ClientModel cm : clients) {
            awaitBusyEnd(cm, PingPong.CLOSED, "the runtime closed");
        }
        for (ServerModel sm : List.copyOf(servers)) {
            remember(deadServers, sm.server);
        }
        for (ClientModel cm : List.copyOf(clients)) {
            if (cm.rec != null) {
                remember(deadConnections, cm.rec.conn);
            }
            remember(deadConnections, cm.conn);
        }
        servers.clear();
        clients.clear();
        rt = opener.get();
        runtimes++;
    }


    /** Checked after every action (jqwik invariant). */
    void check() {
        try {
            checkOrThrow();
        } catch (Exception e) {
            throw new AssertionError("invariant check failed: " + e, e);
        }
    }

    void checkOrThrow() throws Exception {
        assertTrue(violations.isEmpty(), () -> String.join("\n", violations));
        FanOutActions.checkQueues(this);
        for (ClientModel cm : clients) {
            if (cm.busy != null) {
                assertNull(cm.busy.problem(), cm.busy.problem());
                assertNull(cm.busy.ending(), () -> "ping-pong of " + cm.name() + " ended (" + cm.busy.ending()
                        + ") although its connection is open on both sides");
            }
        }
        for (ClientModel cm : clients) {
            if (cm.events != null) {
                String order = cm.events.orderProblem();
                assertNull(order, order);
            }
        }
        awaitConverged();
        for (ServerModel sm : servers) {
            Set<Long> expected = serverSide(sm).stream().map(c -> c.rec.conn.id()).collect(Collectors.toSet());
            Set<Long> actual = sm.server.clients().stream().map(Connection::id).collect(Collectors.toSet());
            assertEquals(expected, actual, sm.name() + ".clients()");
        }
        Set<Long> expected = new HashSet<>();
        for (ClientModel cm : clients) {
            expected.add(cm.conn.id());
            if (cm.rec != null) {
                expected.add(cm.rec.conn.id());
            }
        }
        assertEquals(expected, rt.connections().stream().map(Connection::id).collect(Collectors.toSet()),
                "runtime connections()");
        assertEquals(servers.stream().map(s -> s.server).collect(Collectors.toSet()), Set.copyOf(rt.servers()),
                "runtime servers()");
        for (Connection c : deadConnections) {
            checkDead(c);
        }
        for (Server s : deadServers) {
            checkDeadServer(s);
        }
        timeouts.check();
        eventSteps.check(this);
    }

    int expectedThreads() {
        int n = 0;
        boolean watchdog = false;
        for (ServerModel sm : servers) {
            int side = serverSide(sm).size();
            n += 1 + side;
            watchdog |= side > 0 && !sm.options.idleTimeout().isZero();
        }
        n += servers.isEmpty() ? 0 : 1; // keeper
        n += watchdog ? 1 : 0;
        for (ClientModel cm : clients) {
            n += cm.events != null ? 1 : 0;
        }
        return n;
    }

    /**
     * How long asynchronous effects may take to reach the model: {@link #DEADLINE}, unless a self-test that expects
     * failures shortens it with {@code -Dlifecycle.convergeSeconds} (every failing shrink candidate waits this long).
     */
    static Duration convergeDeadline() {
        return Duration.ofSeconds(Long.getLong("lifecycle.convergeSeconds", DEADLINE.toSeconds()));
    }

    /** Waits (bounded) until threads, sockets and counts equal the model; fails with the differences otherwise. */
    void awaitConverged() throws Exception {
        Duration deadline = convergeDeadline();
        long end = System.nanoTime() + deadline.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(2);
        while (true) {
            List<String> diffs = differences();
            if (diffs.isEmpty()) {
                return;
            }
            if (System.nanoTime() > end) {
                fail("after " + deadline.toSeconds() + " s the runtime still differs from the model " + describe()
                        + ":\n  " + String.join("\n  ", diffs));
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    List<String> differences() throws IOException {
        List<String> diffs = new ArrayList<>();
        int threads = expectedThreads();
        if (rt.liveThreadCount() != threads) {
            diffs.add("liveThreadCount() = " + rt.liveThreadCount() + ", model " + threads);
        }
        long socketsMin = baselineSockets + clients.size();
        long socketsMax = socketsMin;
        int connections = clients.size();
        for (ServerModel sm : servers) {
            int side = serverSide(sm).size();
            connections += side;
            socketsMin += 1 + side;
            // the acceptor may already hold the first connection that arrived while suspended
            socketsMax += 1 + side + (sm.pending.isEmpty() ? 0 : 1);
            if (sm.server.clientCount() != side) {
                diffs.add(sm.name() + ".clientCount() = " + sm.server.clientCount() + ", model " + side);
            }
            if (sm.server.stats().tlsHandshakeFailures() != 0) {
                diffs.add(sm.name() + ".stats() counts failed TLS handshakes: " + sm.server.stats());
            }
            if (sm.server.stats().accepted() != sm.accepted || sm.server.stats().rejected() != sm.rejected
                    || sm.server.stats().proxyHeaderFailures() != sm.proxyFailures) {
                diffs.add(sm.name() + ".stats() = " + sm.server.stats() + ", model accepted " + sm.accepted
                        + " rejected " + sm.rejected + " proxyHeaderFailures " + sm.proxyFailures);
            }
        }
        long sockets = TestSupport.openSockets();
        if (sockets < socketsMin || sockets > socketsMax) {
            diffs.add("open sockets = " + sockets + ", model " + socketsMin
                    + (socketsMax != socketsMin ? ".." + socketsMax : ""));
        }
        if (rt.connections().size() != connections) {
            diffs.add("connections().size() = " + rt.connections().size() + ", model " + connections);
        }
        if (diffs.isEmpty()) { // the costly one last: every socketloom thread in the process, from a thread dump
            List<String> ours = LeakCheckExtension.Snapshot.take().threads().values().stream()
                    .filter(n -> n.startsWith("socketloom-")).sorted().toList();
            if (ours.size() != threads) {
                diffs.add("socketloom threads in the process = " + ours + ", model " + threads);
            }
        }
        return diffs;
    }

    void checkDead(Connection c) throws Exception {
        assertFalse(c.isConnected(), c + " connected");
        assertFalse(c.eventsEnabled(), c + " events enabled");
        assertEquals(0, c.available(), c + " available()");
        byte[] b = new byte[4];
        assertInetError(InetError.NOT_CONNECTED, c::readLine, c + " readLine");
        assertInetError(InetError.NOT_CONNECTED, () -> c.read(b, 0, 4), c + " read");
        assertInetError(InetError.NOT_CONNECTED, () -> c.peek(b, 0, 4), c + " peek");
        assertInetError(InetError.NOT_CONNECTED, () -> c.write(b, 0, 4), c + " write");
        assertInetError(InetError.NOT_CONNECTED, () -> c.writeLine("x"), c + " writeLine");
        assertInetError(InetError.NOT_CONNECTED, c::shutdownOutput, c + " shutdownOutput");
        assertInetError(InetError.NOT_CONNECTED, () -> c.enableEvents((x, e, err) -> { }, EnumSet.allOf(Event.class)),
                c + " enableEvents");
        c.disconnect(); // L1: idempotent
        c.disableEvents();
    }

    void checkDeadServer(Server s) throws Exception {
        assertFalse(s.isRunning(), s + " running");
        assertEquals(0, s.clientCount(), s + " clientCount");
        assertInetError(InetError.SERVER_STOPPED, s::suspend, s + " suspend");
        assertInetError(InetError.SERVER_STOPPED, s::resume, s + " resume");
        s.disconnect(); // L2: idempotent
        // a repeated stop forces nobody; what it reports as graceful is not specified (it currently repeats the
        // first stop's count), so only the unambiguous parts are checked
        StopResult again = s.stop(Duration.ZERO);
        assertEquals(0, again.forced(), s + " stop after disconnect: " + again);
        assertEquals(List.of(), again.stragglers(), s + " stop after disconnect: " + again);
        assertTrue(s.awaitTermination(DEADLINE), s + " awaitTermination");
    }

    /** Closes whatever the try left open and checks the process is back to where the try started (L8/L9). */
    void closeAndCheckNoLeaks() throws Exception {
        try {
            rt.close();
        } finally {
            for (ClientModel cm : clients) {
                if (cm.busy != null) {
                    cm.busy.join(DEADLINE); // its connection is closed now; a thread still alive shows as a leak
                }
            }
            List<String> leaks = LeakCheckExtension.awaitNoLeaks(baseline, LeakCheckExtension.SETTLE);
            assertTrue(leaks.isEmpty(), () -> "leaked by the chain (" + runtimes + " runtime(s)):\n  "
                    + String.join("\n  ", leaks));
        }
    }
}
