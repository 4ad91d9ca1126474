package dev.socketloom.stress.scenario;

import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * L2, L3 and L8 while busy connections keep every carrier busy: for each connection count, several fresh rounds of a
 * line-echo server in this JVM, loaded from a second JVM whose connections ping-pong lines with their handlers as
 * fast as they can, then one stop call from this (platform) thread - {@code Server.disconnect()},
 * {@code stop(grace)} or {@code SocketRuntime.close()} - timed. Every call must return within the bound (after the
 * grace, for stop) with every thread of the server joined, no socket of it open, {@code clientCount() == 0} and the
 * port free, and the client JVM must see every connection closed. Every duration is reported (min / median / max,
 * how many took over 1 s, and the list).
 *
 * <p><b>Poller mode.</b> This scenario measures the stop path under the JDK's <em>default</em> poller mode, in both
 * JVMs: with JDK 25's default (virtual-thread pollers), a thread woken from outside the busy carriers may wait
 * unscheduled for seconds (docs/saturation.md), and that is what the stop path must not depend on. The CLI and the
 * other scenarios' test JVM force {@code -Djdk.pollerMode=1}; the CLI leaves it unset for this command, the JUnit
 * test runs in its own surefire execution without it, and the client JVM gets no poller option at all. The mode in
 * effect is recorded as a parameter.
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

    /**
     * Parameters: connection counts, rounds per count and call, the grace of stop, how long the load runs before each
     * call, and the bound every call must meet.
     */
    public record Params(List<Integer> connections, int rounds, Duration grace, Duration saturate, Duration bound) {
        /** Full scale (1.0): 20, 100 and 1 000 connections, 5 rounds, bound 1 s; below it 20 connections, 3 rounds. */
        public static Params scaled(double scale) {
            if (scale >= 1.0) {
                return new Params(List.of(20, 100, 1000), 5, Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(1));
            }
            // small: generous bound (half the default join deadline), so that only a stall can break it on a busy
            // machine; a stalled call takes a whole join deadline (5 s) or more
            return new Params(List.of(Tasks.scaled(20, scale, 20)), 3, Duration.ofMillis(200),
                    Duration.ofMillis(300), Duration.ofMillis(2500));
        }
    }

    private SaturationScenario() {
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("saturation");
        r.parameter("connections", p.connections()).parameter("rounds", p.rounds()).parameter("grace", p.grace())
                .parameter("load before each call", p.saturate()).parameter("bound", p.bound())
                .parameter("jdk.pollerMode (server JVM)", System.getProperty("jdk.pollerMode", "JDK default"))
                .parameter("jdk.pollerMode (client JVM)", "JDK default")
                .parameter("cpus", Runtime.getRuntime().availableProcessors());
        Resources.Snapshot baseline = Resources.warmBaseline();
        int maxConns = p.connections().stream().mapToInt(Integer::intValue).max().orElse(0);
        progress.stage("rounds", (long) p.connections().size() * Call.values().length * p.rounds());
        // no poller option: the client JVM runs with the JDK's default poller mode (see the class comment)
        try (ChildProcess child = new ChildProcess(Math.max(4096, 2 * maxConns + 256), List.of(),
                SaturationChild.class)) {
            for (int n : p.connections()) {
                for (Call call : Call.values()) {
                    List<Double> millis = new ArrayList<>();
                    List<String> broken = new ArrayList<>();
                    for (int round = 1; round <= p.rounds(); round++) {
                        String problem = round(p, n, call, child, millis);
                        if (problem != null) {
                            broken.add("round " + round + ": " + problem);
                        }
                        progress.step();
                    }
                    summarize(r, p, n, call, millis, broken);
                }
            }
            child.send("EXIT");
            r.checkEquals(0, child.waitFor(), "client JVM exit code");
        }
        Resources.checkBackToBaseline(r, baseline);
        return r;
    }

    /** One fresh round; adds the call's duration to {@code millis} and returns what broke, or null. */
    private static String round(Params p, int n, Call call, ChildProcess child, List<Double> millis)
            throws Exception {
        List<String> problems = new ArrayList<>();
        Set<Thread> handlers = ConcurrentHashMap.newKeySet();
        int socketsBefore = sockets(Resources.snapshot());
        SocketRuntime rt = SocketRuntime.open();
        boolean loaded = false;
        int port;
        try {
            Server server = rt.startServer(Tasks.loopbackServer(n).build(), c -> {
                handlers.add(Thread.currentThread());
                String line;
                while ((line = c.readLine()) != null) {
                    c.writeLine(line);
                }
            });
            port = server.port();
            child.send("LOAD " + port + " " + n);
            loaded = true;
            String ready = child.readLine();
            if (!ready.equals("READY " + n + " 0")) {
                return "client JVM not ready: " + ready + "\n" + child.stderr();
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
            Resources.Snapshot at = Resources.snapshot(); // at once: what holds when the call returned
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
            if (handlers.size() != n || handlersAlive > 0) {
                problems.add(handlersAlive + " of " + handlers.size() + " handler threads alive (" + n + " expected, "
                        + "all joined)");
            }
            String prefix = "socketloom-server-" + port + "-";
            List<String> ours = at.threads().values().stream()
                    .filter(t -> t.startsWith(prefix) || t.startsWith("socketloom-client-")
                            || (call == Call.CLOSE && t.startsWith("socketloom-")))
                    .sorted().toList();
            if (!ours.isEmpty()) {
                problems.add("threads of the server alive when the call returned: " + first(ours));
            }
            int socketsAfter = sockets(at);
            if (socketsAfter != socketsBefore) {
                problems.add("sockets when the call returned: " + socketsAfter + ", expected " + socketsBefore);
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

            loaded = false;
            String ended = child.readLine(); // the client JVM's pingers end when the server closes their connections
            String[] e = ended.split(" ");
            if (!e[0].equals("ENDED") || Integer.parseInt(e[1]) != n || Integer.parseInt(e[2]) != 0) {
                problems.add("client JVM: " + ended + " (expected ENDED " + n + " 0 ...)\n" + child.stderr());
            }
        } finally {
            rt.close();
            while (loaded && !child.readLine().startsWith("ENDED")) {
                // a round that failed early: its load ends now that the server is closed; skip to its end
            }
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static void summarize(Report r, Params p, int n, Call call, List<Double> millis, List<String> broken) {
        String key = "N=" + n + " " + call.label;
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
                + "within " + bound + " with every thread joined, every socket closed, the port free and the client "
                + "JVM seeing every connection closed" + (broken.isEmpty() ? "" : "; broken: " + broken));
    }

    private static int sockets(Resources.Snapshot s) {
        return (int) s.fds().values().stream().filter(f -> f.startsWith("socket:")).count();
    }

    private static String first(List<String> names) {
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + " and " + (names.size() - 10) + " more";
    }
}
