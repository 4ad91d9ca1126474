package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.SocketRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * L12 with a healthy client: a server in a child JVM under {@code ulimit -n <fdLimit>} runs out of descriptors;
 * its {@code accept()} fails with EMFILE, the acceptor backs off instead of dying, the already-connected client is
 * served throughout, and once descriptors are free again the waiting client is accepted and served.
 */
public final class FdExhaustionScenario {
    /** Parameters: the child's fd limit and the round trips of the healthy client in each phase. */
    public record Params(int fdLimit, int roundTrips) {
        public static Params scaled(double scale) {
            return new Params(256, Tasks.scaled(1000, scale, 20));
        }
    }

    private FdExhaustionScenario() {
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("fd-exhaustion");
        r.parameter("child fd limit", p.fdLimit()).parameter("healthy round trips per phase", p.roundTrips());
        Resources.Snapshot baseline = Resources.warmBaseline();
        ConnectOptions options = ConnectOptions.builder().readTimeout(Duration.ofSeconds(60)).build();
        progress.stage("fd exhaustion in a child JVM", 5);
        try (ChildProcess child = new ChildProcess(p.fdLimit(), FdChild.class);
             SocketRuntime rt = SocketRuntime.open()) {
            String first = child.readLine();
            r.check(first.startsWith("PORT "), "child server started: " + first);
            int port = Integer.parseInt(first.substring(5).trim());
            try (Connection healthy = rt.connect("127.0.0.1", port, options)) {
                r.checkEquals(p.roundTrips(), pingPong(healthy, p.roundTrips()), "healthy round trips before");
                progress.step();
                long acceptedBefore = awaitStats(child, s -> true)[0];

                child.send("EXHAUST");
                String exhausted = child.readLine();
                r.metric("child", exhausted);
                r.check(exhausted.startsWith("EXHAUSTED ") && exhausted.contains("Too many open files"),
                        "child ran out of descriptors");
                progress.step();

                // An accept() already blocked in the kernel reserved its descriptor before the exhaustion (the
                // acceptor is a platform thread), so one new client may still get in; every later accept needs a new
                // descriptor and fails. Two new clients therefore leave at least one waiting.
                try (Connection early = rt.connect("127.0.0.1", port, options);
                     Connection waiting = rt.connect("127.0.0.1", port, options)) {
                    early.writeLine("me first?");
                    waiting.writeLine("are you there?");
                    long[] stats = awaitStats(child, s -> s[1] >= 3);
                    r.metric("accept failures while exhausted", stats[1]);
                    r.metric("accepted while exhausted (reserved descriptor)", stats[0] - acceptedBefore);
                    r.check(stats[0] <= acceptedBefore + 1, "accepted while out of descriptors: at most the accept "
                            + "that held a reserved descriptor, was " + (stats[0] - acceptedBefore));
                    r.checkEquals(1, stats[2], "server still running after failed accepts (L12)");
                    r.checkEquals(p.roundTrips(), pingPong(healthy, p.roundTrips()),
                            "healthy round trips while accept() fails");
                    progress.step();

                    child.send("RELEASE");
                    long t0 = System.nanoTime();
                    r.check("RELEASED".equals(child.readLine()), "child released its descriptors");
                    String answer = waiting.readLine();
                    r.metric("waiting client served after release (ms)", Tasks.millisSince(t0));
                    r.check("are you there?".equals(answer), "the acceptor recovered and served the waiting client: "
                            + answer);
                    r.check("me first?".equals(early.readLine()), "the early client was served");
                    long[] after = awaitStats(child, s -> s[0] >= acceptedBefore + 2);
                    r.checkEquals(acceptedBefore + 2, after[0], "accepted after recovery (both new clients)");
                    r.metric("accept failures in total", after[1]);
                    r.checkEquals(p.roundTrips(), pingPong(healthy, p.roundTrips()), "healthy round trips after");
                    progress.step();
                }
            }
            child.send("EXIT");
            r.check("BYE".equals(child.readLine()), "child server disconnected");
            r.checkEquals(0, child.waitFor(), "child exit code");
            progress.step();
        }
        Resources.checkBackToBaseline(r, baseline);
        return r;
    }

    private static int pingPong(Connection c, int n) throws IOException {
        int ok = 0;
        for (int i = 0; i < n; i++) {
            String line = "ping " + i;
            c.writeLine(line);
            if (line.equals(c.readLine())) {
                ok++;
            }
        }
        return ok;
    }

    /**
     * Asks the child for its counters until {@code done} holds. The child cannot push "accept failed" to us, so
     * this polls with a growing pause, bounded by a generous deadline.
     */
    private static long[] awaitStats(ChildProcess child, Predicate<long[]> done) throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long pause = TimeUnit.MILLISECONDS.toNanos(20);
        long[] s;
        do {
            child.send("STATS");
            String[] parts = child.readLine().split(" ");
            s = new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                    Boolean.parseBoolean(parts[3]) ? 1 : 0};
            if (done.test(s)) {
                return s;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(500));
        } while (System.nanoTime() < end);
        return s;
    }
}
