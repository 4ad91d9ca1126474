package dev.socketloom.stress.scenario;

import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * L2, L3 and L8 while busy connections keep every carrier busy: for each load source and connection count, several
 * fresh rounds of a line-echo server in this JVM whose connections ping-pong lines with their handlers as fast as they
 * can, then one stop call from this (platform) thread - {@code Server.disconnect()}, {@code stop(grace)} or
 * {@code SocketRuntime.close()} - timed. Every call must return within the bound (after the grace, for stop) with
 * every thread of the server joined, no socket of it open, {@code clientCount() == 0} and the port free, and every
 * client must see its connection closed. Every duration is reported (min / median / max, how many took over 1 s, and
 * the list).
 *
 * <p><b>Load sources.</b> The clients run in a second JVM ({@link SaturationChild}) or in this one, next to the server
 * (another {@link SocketRuntime}). They load the server differently: a client JVM shares the CPUs but not the
 * virtual-thread scheduler, so the server's carriers wait for it between lines; clients in this JVM keep this JVM's
 * carriers busy without a pause, which is what leaves a thread woken from outside them unscheduled on JDK 25
 * (docs/saturation.md).
 *
 * <p><b>Poller mode.</b> This scenario measures the stop path under the JDK's <em>default</em> poller mode, in both
 * JVMs: with JDK 25's default (virtual-thread pollers) a thread woken from outside the busy carriers may wait
 * unscheduled for seconds, and that is what the stop path must not depend on. The CLI and the other scenarios' test
 * JVM force {@code -Djdk.pollerMode=1}; the CLI leaves it unset for this command, the JUnit test runs in its own
 * surefire execution without it, and the client JVM gets no poller option at all. The mode in effect is recorded as a
 * parameter.
 */
public final class SaturationScenario {
    /** Stop calls measured in each round. */
    public enum Call {
        DISCONNECT("Server.disconnect()"), STOP("Server.stop(grace)"), CLOSE("SocketRuntime.close()");

        final String label;

        Call(String label) {
            this.label = label;
        }
    }

    /** Where the busy clients run. */
    public enum Load {
        CLIENT_JVM("client JVM"), THIS_JVM("this JVM");

        final String label;

        Load(String label) {
            this.label = label;
        }
    }

    /**
     * Parameters: load sources, connection counts, rounds per source, count and call, the grace of stop, how long the
     * load runs before each call, and the bound every call must meet.
     */
    public record Params(List<Load> loads, List<Integer> connections, int rounds, Duration grace, Duration saturate,
                         Duration bound) {
        /**
         * Full scale (1.0): 20, 100 and 1 000 connections from each source, 5 rounds, bound 1 s. Below it 20
         * connections, 3 rounds, and a generous bound (half the default join deadline) so that only a stall can break
         * it on a busy machine: a stalled call takes a whole join deadline (5 s) or more.
         */
        public static Params scaled(double scale) {
            List<Load> loads = List.of(Load.CLIENT_JVM, Load.THIS_JVM);
            if (scale >= 1.0) {
                return new Params(loads, List.of(20, 100, 1000), 5, Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(1));
            }
            return new Params(loads, List.of(Tasks.scaled(20, scale, 20)), 3, Duration.ofMillis(200),
                    Duration.ofMillis(300), Duration.ofMillis(2500));
        }
    }

    private SaturationScenario() {
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("saturation");
        r.parameter("loads", p.loads().stream().map(l -> l.label).toList()).parameter("connections", p.connections())
                .parameter("rounds", p.rounds()).parameter("grace", p.grace())
                .parameter("load before each call", p.saturate()).parameter("bound", p.bound())
                .parameter("jdk.pollerMode (server JVM)", System.getProperty("jdk.pollerMode", "JDK default"))
                .parameter("jdk.pollerMode (client JVM)", "JDK default")
                .parameter("cpus", Runtime.getRuntime().availableProcessors());
        Resources.Snapshot baseline = Resources.warmBaseline();
        int maxConns = p.connections().stream().mapToInt(Integer::intValue).max().orElse(0);
        progress.stage("rounds", (long) p.loads().size() * p.connections().size() * Call.values().length * p.rounds());
        ChildProcess child = null;
        try {
            for (Load load : p.loads()) {
                if (load == Load.CLIENT_JVM) {
                    // no poller option: the client JVM runs with the JDK's default poller mode (see the class comment)
                    child = new ChildProcess(Math.max(4096, 2 * maxConns + 256), List.of(), SaturationChild.class);
                }
                for (int n : p.connections()) {
                    for (Call call : Call.values()) {
                        List<Double> millis = new ArrayList<>();
                        List<String> broken = new ArrayList<>();
                        for (int round = 1; round <= p.rounds(); round++) {
                            String problem = round(p, load, n, call, child, millis);
                            if (problem != null) {
                                broken.add("round " + round + ": " + problem);
                            }
                            progress.step();
                        }
                        summarize(r, p, load.label + ", N=" + n + " " + call.label, call, millis, broken);
                    }
                }
                if (child != null) {
                    child.send("EXIT");
                    r.checkEquals(0, child.waitFor(), "client JVM exit code");
                    child.close();
                    child = null;
                }
            }
        } finally {
            if (child != null) {
                child.close();
            }
        }
        Resources.checkBackToBaseline(r, baseline);
        return r;
    }

    /** The busy clients of one round, wherever they run. */
    private interface Clients {
        /** Null once every client is connected and the load is moving, else what went wrong. */
        String ready() throws IOException;

        /** Null once every client has seen its connection closed by the server, else what went wrong. */
        String ended() throws Exception;

        /** Releases what is left (after the server was closed, so the load has ended or is ending). */
        void release() throws Exception;
    }

    private static Clients clients(Load load, ChildProcess child, int port, int n) throws InetException {
        if (load == Load.CLIENT_JVM) {
            child.send("LOAD " + port + " " + n);
            return new Clients() {
                boolean readyRead;
                boolean endedRead;

                @Override
                public String ready() throws IOException {
                    String ready = child.readLine();
                    readyRead = true;
                    return ready.equals("READY " + n + " 0") ? null : "client JVM not ready: " + ready + "\n"
                            + child.stderr();
                }

                @Override
                public String ended() throws IOException {
                    String ended = child.readLine();
                    endedRead = true;
                    String[] e = ended.split(" ");
                    return e[0].equals("ENDED") && Integer.parseInt(e[1]) == n && Integer.parseInt(e[2]) == 0 ? null
                            : "client JVM: " + ended + " (expected ENDED " + n + " 0 ...)\n" + child.stderr();
                }

                @Override
                public void release() throws IOException {
                    if (!readyRead) {
                        child.readLine();
                    }
                    while (!endedRead && !child.readLine().startsWith("ENDED")) {
                        // a round that failed early: its load ends now that the server is closed; skip to its end
                    }
                }
            };
        }
        SocketRuntime loadRuntime = SocketRuntime.open();
        PingPongLoad local = PingPongLoad.start(loadRuntime, port, n);
        return new Clients() {
            @Override
            public String ready() {
                boolean moving = local.awaitMoving(10, Duration.ofSeconds(120));
                return moving && local.connected() == n && local.errors().total() == 0 ? null
                        : "load not ready: " + local.connected() + " of " + n + " connected, " + local.errors().total()
                        + " errors, first: " + local.errors().first();
            }

            @Override
            public String ended() throws InterruptedException {
                boolean ended = local.awaitEnd(Duration.ofSeconds(120));
                return ended && local.closed() == n && local.errors().total() == 0 ? null
                        : "load: " + (ended ? "" : "not ended within 120 s, ") + local.closed() + " of " + n
                        + " connections closed by the server, " + local.errors().total() + " errors, first: "
                        + local.errors().first();
            }

            @Override
            public void release() throws Exception {
                loadRuntime.close();
                local.awaitEnd(Duration.ofSeconds(120));
            }
        };
    }

    /** One fresh round; adds the call's duration to {@code millis} and returns what broke, or null. */
    private static String round(Params p, Load load, int n, Call call, ChildProcess child, List<Double> millis)
            throws Exception {
        List<String> problems = new ArrayList<>();
        Set<Thread> handlers = ConcurrentHashMap.newKeySet();
        SocketRuntime rt = SocketRuntime.open();
        Clients clients = null;
        try {
            Server server = rt.startServer(Tasks.loopbackServer(n).build(), c -> {
                handlers.add(Thread.currentThread());
                String line;
                while ((line = c.readLine()) != null) {
                    c.writeLine(line);
                }
            });
            int port = server.port();
            clients = clients(load, child, port, n);
            String notReady = clients.ready();
            if (notReady != null) {
                return notReady;
            }
            Thread.sleep(p.saturate());

            long t0 = System.nanoTime();
            String outcome = "returned";
            StopResult stop = null;
            try {
                switch (call) {
                    case DISCONNECT -> server.disconnect();
                    case STOP -> stop = server.stop(p.grace());
                    case CLOSE -> rt.close();
                }
            } catch (InetException e) {
                outcome = "threw " + e;
            }
            double took = Tasks.millisSince(t0);
            // at once: what holds when the call returned
            Resources.Snapshot at = Resources.snapshot();
            int serverSockets = Resources.socketsOnLocalPort(port);
            millis.add(took);

            double limit = p.bound().toMillis() + (call == Call.STOP ? p.grace().toMillis() : 0);
            if (took >= limit) {
                problems.add(String.format(Locale.ROOT, "took %.1f ms (bound %.0f ms)", took, limit));
            }
            if (!outcome.equals("returned")) {
                problems.add(outcome);
            }
            if (call == Call.STOP && (stop == null || !stop.equals(new StopResult(0, n, List.of())))) {
                problems.add("stop result " + stop + ", expected graceful 0, forced " + n + ", no stragglers");
            }
            long handlersAlive = handlers.stream().filter(Thread::isAlive).count();
            if (handlersAlive > 0) {
                problems.add(handlersAlive + " of " + handlers.size() + " handler threads alive");
            }
            String prefix = "socketloom-server-" + port + "-";
            List<String> ours = at.threads().values().stream()
                    .filter(t -> t.startsWith(prefix) || t.startsWith("socketloom-client-")
                            || t.equals("socketloom-keeper") || (call == Call.CLOSE && t.startsWith("socketloom-")))
                    .sorted().toList();
            if (!ours.isEmpty()) {
                problems.add("threads of the server alive when the call returned: " + first(ours));
            }
            if (serverSockets != 0) {
                problems.add(serverSockets + " sockets on port " + port + " still open when the call returned");
            }
            if (server.clientCount() != 0 || server.isRunning()) {
                problems.add("clientCount() " + server.clientCount() + ", running " + server.isRunning());
            }
            if (call == Call.CLOSE && rt.liveThreadCount() != 0) {
                problems.add("liveThreadCount() " + rt.liveThreadCount() + " after close()");
            }
            if (!DemoScenario.portBindable(port)) {
                problems.add("port " + port + " not free");
            }
            String ended = clients.ended(); // the pingers end when the server closes their connections
            if (ended != null) {
                problems.add(ended);
            }
        } finally {
            rt.close();
            if (clients != null) {
                clients.release();
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static void summarize(Report r, Params p, String key, Call call, List<Double> millis,
                                  List<String> broken) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        if (!sorted.isEmpty()) {
            r.metric(key + " min/median/max (ms)", String.format(Locale.ROOT, "%.1f / %.1f / %.1f", sorted.getFirst(),
                    sorted.get(sorted.size() / 2), sorted.getLast()));
        }
        double overLimit = 1000 + (call == Call.STOP ? p.grace().toMillis() : 0);
        r.metric(key + " calls over 1 s" + (call == Call.STOP ? " after the grace" : ""),
                millis.stream().filter(m -> m >= overLimit).count());
        r.metric(key + " every duration (ms)", millis.stream().map(m -> String.format(Locale.ROOT, "%.1f", m))
                .collect(Collectors.joining(", ")));
        String bound = p.bound().toMillis() + " ms" + (call == Call.STOP ? " after the grace" : "");
        r.check(broken.isEmpty() && millis.size() == p.rounds(), key + ": " + p.rounds() + " rounds, each returned "
                + "within " + bound + " with every thread joined, every socket closed, the port free and every "
                + "client seeing its connection closed" + (broken.isEmpty() ? "" : "; broken: " + broken));
    }

    private static String first(List<String> names) {
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + " and " + (names.size() - 10) + " more";
    }
}
