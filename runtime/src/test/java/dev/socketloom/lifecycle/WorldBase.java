package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.ConnectionHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.LeakCheckExtension;
import dev.socketloom.testing.PingPong;
import dev.socketloom.testing.TestSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.function.Supplier;

/**
 * The world's state: the real runtime under test and the model beside it ({@link Model}), the handler every server
 * runs, the lookups, and the model updates and assertions that steps of several areas share. The steps are layered
 * on it by area ({@link ProxySteps}, {@link ClientSteps}, {@link InetSteps}, {@link ServerSteps}); {@link World} adds
 * runtime close and the invariants checked after every step.
 */
abstract class WorldBase implements Model {
    static final Duration DEADLINE = TestSupport.DEADLINE;

    /** Dead handles kept for re-checking after every action (bounded so long chains stay cheap). */
    static final int DEAD_KEPT = 24;

    /**
     * Handlers spend this long in cleanup when they end (a real handler flushes logs, releases resources): it makes a
     * disconnect that returns before the handler ended (a broken L1 join) observable instead of a lucky race.
     */
    static final long HANDLER_CLEANUP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final LeakCheckExtension.Snapshot baseline;

    final long baselineSockets;

    SocketRuntime rt;

    final List<ServerModel> servers = new ArrayList<>();

    /** Clients whose client-side connection is still open. */
    final List<ClientModel> clients = new ArrayList<>();

    final Queue<String> violations = new ConcurrentLinkedQueue<>();

    /** The timeout actions' connections and checks (TimeoutActions). */
    final TimeoutProbes timeouts = new TimeoutProbes();

    final EventSteps eventSteps = new EventSteps();

    final ArrayDeque<Connection> deadConnections = new ArrayDeque<>();

    final ArrayDeque<Server> deadServers = new ArrayDeque<>();

    int serverIds;

    int clientIds;

    int runtimes = 1;

    /** Opens every runtime of this world: the real one, or a deliberately broken one for the self-test. */
    final Supplier<SocketRuntime> opener;

    WorldBase(Supplier<SocketRuntime> runtimes) {
        this.opener = runtimes;
        try {
            baseline = LeakCheckExtension.Snapshot.take();
            baselineSockets = TestSupport.openSockets();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rt = opener.get();
    }


    ConnectionHandler handler(ServerModel sm) {
        return c -> {
            HandlerRecord rec = new HandlerRecord(c, Thread.currentThread());
            sm.byClientPort.put(c.remoteAddress().getPort(), rec);
            try {
                String line;
                while ((line = c.readLine()) != null) {
                    allowed(sm, rec, "read a line");
                    if (line.equals("SELF")) {
                        c.disconnect(); // L5: must return although this thread manages the connection
                        rec.selfDisconnect = c.isConnected() ? "still connected after disconnect()" : "ok";
                        return;
                    } else if (line.equals("WORK")) {
                        rec.working.countDown();
                        try {
                            rec.gate.await();
                        } catch (InterruptedException stopRequest) {
                            return; // a well-behaved handler treats the disconnect's interrupt as "stop now"
                        }
                        allowed(sm, rec, "finish its work");
                        c.writeLine("DONE");
                        return;
                    } else if (line.equals("STARTTLS")) {
                        c.writeLine("GO");
                        c.startTls(Generators.serverTls()); // explicit TLS, on the handler's own thread
                    } else if (line.startsWith("BIN ")) {
                        byte[] data = new byte[Integer.parseInt(line.substring(4))];
                        c.readFully(data, 0, data.length);
                        c.write(data);
                    } else {
                        c.writeLine(line);
                    }
                }
            } finally {
                cleanup();
                allowed(sm, rec, "finish");
            }
        };
    }

    void allowed(ServerModel sm, HandlerRecord rec, String what) {
        if (sm.forbidden || rec.forbidden) {
            violations.add("L4: a handler of " + sm.name() + " ran (" + what + ") after the disconnect/stop/close "
                    + "that ended it had returned");
        }
    }

    static void cleanup() {
        boolean interrupted = Thread.interrupted();
        long end = System.nanoTime() + HANDLER_CLEANUP_NANOS;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }


    ServerModel server(int id) {
        return servers.stream().filter(s -> s.id == id).findFirst().orElseThrow();
    }

    ClientModel client(int id) {
        return clients.stream().filter(c -> c.id == id).findFirst().orElseThrow();
    }

    List<ClientModel> serverSide(ServerModel sm) {
        return clients.stream().filter(c -> c.server == sm && c.rec != null).toList();
    }

    ConnectOptions clientSideOptions(ServerModel sm) {
        // a read timeout on the client side only: a missing echo fails the try instead of hanging it
        return sm.options.clientOptions().toBuilder().readTimeout(DEADLINE)
                .tls(sm.tls ? Generators.clientTls() : null).build();
    }

    boolean overLimit(ServerModel sm) {
        int max = sm.options.maxClients();
        return max > 0 && serverSide(sm).size() >= max;
    }

    static String hello(ClientModel cm) {
        return "hello " + cm.name();
    }

    static InetError assertThrowsInet(Call call) {
        try {
            call.run();
        } catch (InetException e) {
            return e.error();
        } catch (Exception e) {
            throw new AssertionError("expected an InetException, got " + e, e);
        }
        throw new AssertionError("expected an InetException, but the call succeeded");
    }

    /** L1 at the moment the call returned. */
    void clientSideClosedNow(ClientModel cm, Thread pump, String call) {
        assertFalse(cm.conn.isConnected(), cm.name() + " still connected after " + call + " returned");
        if (pump != null) {
            assertFalse(pump.isAlive(), "L1: the event thread of " + cm.name() + " was alive when " + call
                    + " returned");
        }
        assertFalse(rt.connections().contains(cm.conn), "L1: " + cm.name() + " still registered after " + call);
    }

    void serverSideClosedNow(ClientModel cm, HandlerRecord rec, String call) {
        assertFalse(rec.thread.isAlive(), "L1: the handler thread of " + cm.name() + " was alive when the "
                + "server-side " + call + " returned");
        assertFalse(rec.conn.isConnected(), "server side of " + cm.name() + " connected after " + call);
        assertFalse(cm.server.server.clients().contains(rec.conn), "L1: " + cm.name() + " still in clients()");
        assertFalse(rt.connections().contains(rec.conn), "L1: server side of " + cm.name() + " still registered");
    }

    static void awaitClientCount(ServerModel sm, int expected) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (sm.server.clientCount() != expected) {
            assertTrue(System.nanoTime() < end, sm.name() + ".clientCount() stayed " + sm.server.clientCount()
                    + ", expected " + expected);
            LockSupport.parkNanos(pause); // no event exists for "the server noticed its peer closed"
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    void serverSideGone(ClientModel cm) {
        remember(deadConnections, cm.rec.conn);
        cm.rec = null;
    }

    /**
     * The server side of {@code cm} is gone: an event-driven client sees DISCONNECT/ERROR and is closed by its own
     * event thread; a plain client reads end of stream and stays open (orphaned) until it disconnects itself.
     */
    void peerClosed(ClientModel cm, boolean lenient) throws Exception {
        if (cm.busy != null) {
            // the ping-pong thread was reading: it saw the end of stream, or a reset when the server side closed
            // with a line unread; it owns the reads, so its ending is the check. Then it leaves, as a client would.
            awaitBusyEnd(cm, Set.of("EOF", InetError.CONNECTION_RESET.name()), "its server side closed");
            cm.conn.disconnect();
            retire(cm);
            return;
        }
        if (cm.events != null) {
            awaitPumpEnd(cm);
            retire(cm);
            return;
        }
        try {
            String line = cm.conn.readLine();
            while (lenient && line != null && line.equals("DONE")) {
                line = cm.conn.readLine();
            }
            assertNull(line, cm.name() + " reads end of stream after its server side closed");
        } catch (InetException e) {
            if (!lenient || e.error() != InetError.CONNECTION_RESET) {
                throw e;
            }
        }
        cm.state = ClientState.ORPHANED;
    }

    /**
     * Waits for the ping-pong thread of a BUSY client to end (its connection was closed by {@code cause}) and checks
     * how it ended: one of {@code endings}, never a wrong echo.
     */
    void awaitBusyEnd(ClientModel cm, Set<String> endings, String cause) throws InterruptedException {
        PingPong p = cm.busy;
        if (p == null) {
            return;
        }
        awaitTermination(p.thread(), "ping-pong of " + cm.name() + " after " + cause);
        assertNull(p.problem(), p.problem());
        assertTrue(endings.contains(p.ending()), "ping-pong of " + cm.name() + " after " + cause + " ended with "
                + p.ending() + ", expected one of " + endings);
        cm.busy = null;
    }

    void awaitPumpEnd(ClientModel cm) throws Exception {
        EventLog ev = cm.events;
        await(ev.ended, cm.name() + " DISCONNECT/ERROR event");
        awaitTermination(ev.thread, "event thread of " + cm.name());
        assertFalse(cm.conn.isConnected(), cm.name() + " connected after its event thread ended");
        String order = ev.orderProblem();
        assertNull(order, order);
    }

    /** The client-side connection is closed: remember it as a dead handle, drop it from the model. */
    void retire(ClientModel cm) {
        cm.server.pending.remove(cm);
        clients.remove(cm);
        remember(deadConnections, cm.conn);
    }

    interface Call {
        void run() throws Exception;
    }

    static void call(List<String> problems, Call c) {
        try {
            c.run();
        } catch (Exception e) {
            problems.add("concurrent disconnect threw " + e);
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    /** What the chain actually did, in order, with the real names (jqwik lists the generic action names). */
    final List<String> journal = new ArrayList<>();

    String describe() {
        return "{journal=" + journal + ", servers=" + servers.stream().map(s -> s.name() + (s.suspended ? "(suspended)" : "")).toList()
                + ", clients=" + clients + "}";
    }


    static <T> void remember(ArrayDeque<T> dead, T item) {
        if (dead.size() == DEAD_KEPT) {
            dead.removeFirst();
        }
        dead.addLast(item);
    }

    static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "timed out waiting for " + what);
    }

    static void awaitTermination(Thread t, String what) throws InterruptedException {
        assertNotNull(t, what + ": no thread recorded");
        assertTrue(t.join(DEADLINE), what + " did not end within " + DEADLINE);
    }

    static void assertInetError(InetError expected, Call call, String what) {
        try {
            call.run();
        } catch (InetException e) {
            assertEquals(expected, e.error(), what + ": " + e);
            return;
        } catch (Exception e) {
            throw new AssertionError(what + ": expected InetException " + expected + ", got " + e, e);
        }
        fail(what + ": expected InetException " + expected + ", but the call succeeded");
    }
}
