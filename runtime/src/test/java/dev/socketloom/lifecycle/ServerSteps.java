package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import dev.socketloom.testing.LeakCheckExtension;
import dev.socketloom.testing.PingPong;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.function.Supplier;

/**
 * Steps on a server: start, suspend/resume, saturate with busy clients, stop(grace), disconnect, and several threads
 * disconnecting one target at once; each checks L2/L3 the moment the call returns and updates the model.
 */
abstract class ServerSteps extends InetSteps {
    ServerSteps(Supplier<SocketRuntime> runtimes) {
        super(runtimes);
    }


    /** Starts a server; returns its name. */
    String startServer(ServerOptions options) throws Exception {
        ServerModel sm = new ServerModel(++serverIds, options);
        sm.server = rt.startServer(options, handler(sm));
        assertTrue(sm.server.isRunning() && sm.server.isAccepting(), "a new server runs and accepts");
        servers.add(sm);
        return sm.name();
    }

    void suspend(int serverId) throws Exception {
        ServerModel sm = server(serverId);
        sm.server.suspend();
        sm.suspended = true;
        assertFalse(sm.server.isAccepting(), sm.name() + " accepting while suspended");
    }

    void resume(int serverId) throws Exception {
        ServerModel sm = server(serverId);
        sm.server.resume();
        sm.suspended = false;
        assertTrue(sm.server.isAccepting(), sm.name() + " not accepting after resume");
        List<ClientModel> waiting = List.copyOf(sm.pending);
        sm.pending.clear();
        for (ClientModel cm : waiting) { // the backlog is served in arrival order
            admit(cm);
        }
    }

    /**
     * Opens up to {@code n} new clients to the server (as many as its client limit leaves room for) and lets each
     * ping-pong lines with its handler as fast as it can until the server stops or the runtime closes: load that keeps
     * every carrier busy, so that the stop, disconnect or close that ends it runs against saturated carriers.
     *
     * @return the names of the busy clients
     */
    List<String> saturate(int serverId, int n) throws Exception {
        ServerModel sm = server(serverId);
        int max = sm.options.maxClients();
        int room = max == 0 ? n : Math.min(n, max - serverSide(sm).size());
        List<ClientModel> started = new ArrayList<>();
        for (int i = 0; i < room; i++) {
            ClientModel cm = new ClientModel(++clientIds, sm, false);
            cm.conn = rt.connect("127.0.0.1", sm.server.port(), clientSideOptions(sm));
            clients.add(cm);
            cm.conn.writeLine(hello(cm));
            assertTrue(admit(cm), cm.name() + " admitted: the server had room for it");
            started.add(cm);
        }
        List<PingPong> pingers = PingPong.startAll(started.stream().map(c -> c.conn).toList(),
                "lifecycle-busy-");
        for (int i = 0; i < started.size(); i++) {
            started.get(i).busy = pingers.get(i);
            started.get(i).state = ClientState.BUSY;
        }
        sm.saturated = !started.isEmpty();
        PingPong.awaitRoundTrips(pingers, 10);
        return started.stream().map(ClientModel::name).toList();
    }

    /** Busy clients in the world. */
    int busyClients() {
        return (int) clients.stream().filter(c -> c.state == ClientState.BUSY).count();
    }

    /** Whether busy clients keep the carriers saturated. */
    boolean loaded() {
        return busyClients() > 0;
    }

    /**
     * Under load a stop call must still return promptly (L2, L3, L8: nothing on the stop path may wait for a virtual
     * thread that the busy scheduler does not run). A stalled one waits a whole join deadline (at least 2 s here) or
     * more, a prompt one milliseconds: the bound is half the saturated server's join deadline (after the grace).
     *
     * @return a check to run right after the call returned, or a no-op without load
     */
    Runnable promptUnderLoad(String call, Duration grace) {
        ServerModel busy = servers.stream().filter(s -> s.saturated).findFirst().orElse(null);
        if (busy == null || !loaded()) {
            return () -> { };
        }
        Duration bound = grace.plus(busy.options.joinDeadline().dividedBy(2));
        long t0 = System.nanoTime();
        return () -> {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(took.compareTo(bound) < 0, "L2: " + call + " under load (" + busy.name() + " saturated) took "
                    + took.toMillis() + " ms, bound " + bound.toMillis() + " ms");
        };
    }

    void stop(int serverId, Duration grace, boolean releaseWorkers) throws Exception {
        ServerModel sm = server(serverId);
        List<ClientModel> mine = serverSide(sm);
        int working = (int) mine.stream().filter(c -> c.state == ClientState.WORKING).count();
        int idle = mine.size() - working;
        if (releaseWorkers) {
            mine.forEach(c -> c.rec.gate.countDown());
        }
        Runnable prompt = promptUnderLoad("stop(" + grace + ") " + sm.name(), grace);
        StopResult r = sm.server.stop(grace);
        prompt.run();
        sm.forbidden = true;
        serverGoneNow(sm, "stop(" + grace + ")");
        assertEquals(List.of(), r.stragglers(), "stop stragglers");
        if (!releaseWorkers) {
            assertEquals(0, r.graceful(), "L3: no handler of " + sm.name() + " could finish on its own: " + r);
            assertEquals(mine.size(), r.forced(), "L3: every client of " + sm.name() + " is forced: " + r);
        } else {
            assertTrue(r.forced() >= idle && r.forced() <= mine.size(), "L3: idle handlers never finish on "
                    + "their own, so " + idle + " <= forced <= " + mine.size() + ": " + r);
            assertTrue(r.graceful() <= working, "L3: only released workers can finish gracefully: " + r);
        }
        serverGone(sm, releaseWorkers);
    }

    void disconnectServer(int serverId) throws Exception {
        ServerModel sm = server(serverId);
        Runnable prompt = promptUnderLoad("disconnect() " + sm.name(), Duration.ZERO);
        sm.server.disconnect();
        prompt.run();
        sm.forbidden = true;
        serverGoneNow(sm, "disconnect()");
        serverGone(sm, false);
    }

    /** L2 at the moment disconnect/stop returned. */
    void serverGoneNow(ServerModel sm, String call) throws IOException {
        Server s = sm.server;
        assertFalse(s.isRunning(), sm.name() + " running after " + call);
        assertEquals(0, s.clientCount(), "L2: " + sm.name() + " clientCount after " + call);
        assertTrue(s.clients().isEmpty(), "L2: " + sm.name() + " clients() after " + call);
        for (ClientModel cm : serverSide(sm)) {
            assertFalse(cm.rec.thread.isAlive(), "L2: handler of " + cm.name() + " alive after " + sm.name() + "."
                    + call + " returned");
        }
        String acceptor = "socketloom-server-" + s.port() + "-acceptor";
        assertFalse(LeakCheckExtension.Snapshot.take().threads().containsValue(acceptor),
                "L2: " + acceptor + " alive after " + call + " returned");
        assertFalse(rt.servers().contains(s), "L2: " + sm.name() + " still in servers()");
        try (ServerSocket again = new ServerSocket()) { // L2/L11: the port can be bound again at once
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.port()));
        }
    }

    /** Model update after a server ended: its clients' peers are gone. */
    void serverGone(ServerModel sm, boolean mayHaveDone) throws Exception {
        for (ClientModel cm : List.copyOf(clients)) {
            if (cm.server != sm) {
                continue;
            }
            if (cm.rec != null) {
                cm.rec.forbidden = true;
                serverSideGone(cm);
                peerClosed(cm, mayHaveDone);
            } else if (cm.state == ClientState.PENDING) {
                peerClosed(cm, true); // dropped from the backlog: end of stream or reset
            }
        }
        sm.pending.clear();
        servers.remove(sm);
        remember(deadServers, sm.server);
    }

    /** Several threads disconnect the same target at once; each must return with the guarantees in place (L1/L2). */
    void concurrentDisconnect(String kind, int id, int threads) throws Exception {
        List<String> problems = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        Runnable op;
        Supplier<String> guarantee;
        ClientModel cm = kind.equals("server") ? null : client(id);
        ServerModel sm = kind.equals("server") ? server(id) : null;
        switch (kind) {
            case "client-side" -> {
                Thread pump = cm.events != null ? cm.events.thread : null;
                op = () -> call(problems, cm.conn::disconnect);
                guarantee = () -> cm.conn.isConnected() || (pump != null && pump.isAlive())
                        ? "L1: " + cm.name() + " connected or its event thread alive when a concurrent disconnect returned" : null;
            }
            case "server-side" -> {
                HandlerRecord rec = cm.rec;
                op = () -> call(problems, rec.conn::disconnect);
                guarantee = () -> rec.thread.isAlive()
                        ? "L1: handler of " + cm.name() + " alive when a concurrent disconnect returned" : null;
            }
            case "server" -> {
                List<Thread> handlers = serverSide(sm).stream().map(c -> c.rec.thread).toList();
                op = () -> call(problems, sm.server::disconnect);
                guarantee = () -> sm.server.isRunning() || sm.server.clientCount() != 0
                        || handlers.stream().anyMatch(Thread::isAlive)
                        ? "L2: " + sm.name() + " not fully down when a concurrent disconnect returned" : null;
            }
            default -> throw new IllegalArgumentException(kind);
        }
        List<Thread> started = new ArrayList<>();
        // Under load the callers are platform threads: a virtual thread started from this (platform) thread while the
        // carriers are saturated may not run at all on JDK 25 (docs/saturation.md), and nobody would stop the load.
        Thread.Builder callers = loaded() ? Thread.ofPlatform() : Thread.ofVirtual();
        Runnable prompt = kind.equals("server") ? promptUnderLoad(threads + " concurrent disconnect() of " + sm.name(),
                Duration.ZERO) : () -> { };
        for (int i = 0; i < threads; i++) {
            started.add(callers.name("lifecycle-concurrent-disconnect-" + i).start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                op.run();
                String p = guarantee.get();
                if (p != null) {
                    problems.add(p);
                }
            }));
        }
        go.countDown();
        for (Thread t : started) {
            awaitTermination(t, "concurrent disconnect of " + kind + " " + id);
        }
        prompt.run();
        assertTrue(problems.isEmpty(), String.join("; ", problems));
        switch (kind) {
            case "client-side" -> {
                if (cm.events != null) {
                    cm.events.forbidden = true;
                }
                clientSideClosedNow(cm, null, "concurrent disconnect()");
                if (cm.rec != null) {
                    awaitTermination(cm.rec.thread, "handler of " + cm.name() + " after its peer closed");
                    serverSideGone(cm);
                }
                retire(cm);
            }
            case "server-side" -> {
                cm.rec.forbidden = true;
                serverSideClosedNow(cm, cm.rec, "concurrent disconnect()");
                serverSideGone(cm);
                peerClosed(cm, false);
            }
            default -> {
                sm.forbidden = true;
                serverGoneNow(sm, "concurrent disconnect()");
                serverGone(sm, false);
            }
        }
    }
}
