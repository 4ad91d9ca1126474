package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.SocketRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A rolling restart behind a real haproxy with zero failed requests (L14): two {@code serve}
 * instances (child JVMs, PROXY protocol REQUIRED, answering each line with the client address they see) behind
 * haproxy with {@code send-proxy} (v1) or {@code send-proxy-v2} (v2). Clients make short exchanges through haproxy
 * (connect, two request/response lines, close) without pause, while each instance in turn is drained in haproxy
 * ({@code set server be/sN state drain}, then no session left), sent SIGTERM ({@code stop(grace)} closes its listener
 * and lets handlers finish), started again on its port, set ready and waited for until its health checks pass.
 *
 * <p>Must hold: no exchange fails, every instance's {@code stopped:} line says {@code forced=0}, and every answer
 * names the client socket the request came from (the address from the PROXY header is the real client's). Reports
 * exchanges/s before, during and after each restart.
 */
public final class RollingRestartScenario {
    private static final Duration STEP = Duration.ofSeconds(60);

    /** Parameters: PROXY protocol version, concurrent clients, seconds of each steady phase, lines per exchange. */
    public record Params(int proxyVersion, int clients, int phaseSeconds, int linesPerExchange) {
        public static Params scaled(int proxyVersion, double scale) {
            return new Params(proxyVersion, Tasks.scaled(32, scale, 4), Tasks.scaled(10, scale, 2), 2);
        }
    }

    private RollingRestartScenario() {
    }

    /** Why the scenario cannot run here, or null: haproxy is needed. */
    public static String missingTool() {
        return Haproxy.version() == null ? "haproxy is not installed (Debian: apt-get install haproxy)" : null;
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("rolling-restart-v" + p.proxyVersion());
        r.parameter("PROXY protocol", "v" + p.proxyVersion()).parameter("clients", p.clients())
                .parameter("phase seconds", p.phaseSeconds()).parameter("lines per exchange", p.linesPerExchange());
        r.metric("haproxy", Haproxy.version());
        Resources.Snapshot baseline = Resources.warmBaseline();
        progress.stage("rolling restart behind haproxy (v" + p.proxyVersion() + ")", 5);
        Instance[] instances = {Instance.start(0), Instance.start(0)};
        List<String> stoppedLines = new ArrayList<>();
        try (Haproxy haproxy = Haproxy.start(instances[0].port, instances[1].port, p.proxyVersion(), STEP);
             SocketRuntime rt = SocketRuntime.open()) {
            Clients clients = new Clients(rt, haproxy.port(), p.linesPerExchange());
            long t0 = clients.start;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < p.clients(); i++) {
                    pool.execute(clients::run);
                }
                Map<String, long[]> phases = new LinkedHashMap<>();
                long mark = steady(p, clients);
                phases.put("before", new long[] {t0, mark});
                progress.step();
                for (int i = 0; i < 2; i++) {
                    String name = "s" + (i + 1);
                    long drained = System.nanoTime();
                    haproxy.command("set server be/" + name + " state drain");
                    check(r, Tasks.await(() -> noSessions(haproxy, name), STEP), name + " drained in haproxy");
                    stoppedLines.add(name + ": " + instances[i].stop());
                    instances[i] = Instance.start(instances[i].port);
                    haproxy.command("set server be/" + name + " state ready");
                    check(r, Tasks.await(() -> haproxy.isUp(name), STEP), name + " UP again after its restart");
                    long up = System.nanoTime();
                    phases.put("during restart of " + name, new long[] {drained, up});
                    progress.step();
                    long next = steady(p, clients);
                    phases.put(i == 0 ? "between restarts" : "after", new long[] {up, next});
                    progress.step();
                }
                clients.stop.set(true);
                report(r, clients, phases, t0);
            }
            for (int i = 0; i < 2; i++) {
                stoppedLines.add("s" + (i + 1) + " (final): " + instances[i].stop());
            }
            progress.step();
            r.metric("haproxy log (state changes)", haproxy.log().lines()
                    .filter(l -> l.contains("is DOWN") || l.contains("is UP") || l.contains("DRAIN")).count());
        } finally {
            for (Instance in : instances) {
                in.close();
            }
        }
        for (String line : stoppedLines) {
            r.check(line.contains(" forced=0 ") && line.contains(" stragglers=0"), "stop(grace) forced nobody: "
                    + line);
        }
        Resources.checkBackToBaseline(r, baseline);
        return r;
    }

    private static boolean noSessions(Haproxy haproxy, String name) {
        try {
            return haproxy.sessions(name) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void check(Report r, boolean holds, String what) throws IOException {
        if (!r.check(holds, what)) {
            throw new IOException(what + " did not happen within " + STEP);
        }
    }

    /** Lets the clients run for one steady phase; returns when it ended. */
    private static long steady(Params p, Clients clients) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(p.phaseSeconds());
        Tasks.await(() -> System.nanoTime() - end >= 0 || clients.stop.get(), Duration.ofSeconds(p.phaseSeconds() + 1));
        return System.nanoTime();
    }

    private static void report(Report r, Clients clients, Map<String, long[]> phases, long t0) {
        for (Map.Entry<String, long[]> e : phases.entrySet()) {
            long[] span = e.getValue();
            long n = clients.completedBetween(span[0] - t0, span[1] - t0);
            r.metric("exchanges/s " + e.getKey(), Math.round(Tasks.perSecond(n, span[1] - span[0])));
            r.metric("seconds " + e.getKey(), Math.round((span[1] - span[0]) / 1e8) / 10.0);
        }
        r.metric("exchanges", clients.ok.get());
        r.metric("failed exchanges", clients.failed.get());
        r.metric("answers naming another client", clients.wrongAddress.get());
        r.checkEquals(0, clients.failed.get(), "zero failed exchanges"
                + (clients.firstFailure == null ? "" : " (first: " + clients.firstFailure + ")"));
        r.checkEquals(0, clients.wrongAddress.get(), "every answer names the client socket it came from (PROXY header)");
        r.check(clients.ok.get() > 0, "exchanges went through haproxy");
    }

    /** One {@code serve} child: PROXY protocol REQUIRED, addr mode, 5 s grace. */
    private static final class Instance implements AutoCloseable {
        final ChildProcess process;
        final int port;

        private Instance(ChildProcess process, int port) {
            this.process = process;
            this.port = port;
        }

        static Instance start(int port) throws Exception {
            ChildProcess c = new ChildProcess(4096, Class.forName("dev.socketloom.stress.cli.Main"), "serve",
                    "--port", String.valueOf(port), "--mode", "addr", "--proxy-protocol", "REQUIRED", "--grace", "5");
            String listening = c.readLine(STEP);
            if (!listening.startsWith("listening on 127.0.0.1:")) {
                c.close();
                throw new IOException("serve said " + listening);
            }
            return new Instance(c, Integer.parseInt(listening.replaceAll("^listening on 127\\.0\\.0\\.1:(\\d+).*$",
                    "$1")));
        }

        /** SIGTERM: {@code serve} stops gracefully and prints its {@code stopped:} line, which is returned. */
        String stop() throws IOException, InterruptedException {
            process.terminate();
            String stopped = process.readLine(STEP);
            process.waitFor();
            return stopped;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            process.close();
        }
    }

    /** The clients' loop and counters; completions are counted per 100 ms for the per-phase rates. */
    private static final class Clients {
        final SocketRuntime rt;
        final int port;
        final int lines;
        final ConnectOptions options = ConnectOptions.builder().connectTimeout(Duration.ofSeconds(10))
                .readTimeout(Duration.ofSeconds(30)).build();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong wrongAddress = new AtomicLong();
        final AtomicLongArray perTenth = new AtomicLongArray(36_000);
        final long start = System.nanoTime();
        volatile String firstFailure;

        Clients(SocketRuntime rt, int port, int lines) {
            this.rt = rt;
            this.port = port;
            this.lines = lines;
        }

        void run() {
            while (!stop.get()) {
                try (Connection c = rt.connect("127.0.0.1", port, options)) {
                    String me = c.localAddress().getAddress().getHostAddress() + ":" + c.localAddress().getPort();
                    for (int k = 0; k < lines; k++) {
                        c.writeLine("req " + k);
                        String answer = c.readLine();
                        if (answer == null) {
                            throw new InetException(InetError.NOT_CONNECTED, "closed before answering req " + k);
                        }
                        if (!answer.equals(me + " req " + k)) {
                            wrongAddress.incrementAndGet();
                            fail("client " + me + " got '" + answer + "'");
                        }
                    }
                    ok.incrementAndGet();
                    int tenth = (int) ((System.nanoTime() - start) / 100_000_000L);
                    perTenth.incrementAndGet(Math.min(tenth, perTenth.length() - 1));
                } catch (InetException e) {
                    failed.incrementAndGet();
                    fail(e.toString());
                }
            }
        }

        private void fail(String what) {
            if (firstFailure == null) {
                firstFailure = what;
            }
        }

        /** Exchanges completed between two offsets from {@link #start} (to the 100 ms). */
        long completedBetween(long fromNanos, long toNanos) {
            long n = 0;
            for (int i = (int) Math.max(0, fromNanos / 100_000_000L); i < Math.min(perTenth.length(),
                    toNanos / 100_000_000L); i++) {
                n += perTenth.get(i);
            }
            return n;
        }
    }
}
