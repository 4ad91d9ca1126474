package dev.socketloom.jmh;

import dev.socketloom.jmh.server.Impl;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * What the JFR events cost, measured the way the other benchmarks measure: interleaved, side by side, as ratios.
 * Three SocketLoom echo servers run at once, each in its own JVM:
 * <ul>
 *   <li>{@code before}: the runtime <em>without any event code</em>, a jar built from the commit before the events
 *       (system property {@code socketloom.jmh.baselineRuntime}, put in front of the class path, so its classes
 *       win); see {@code docs/observability.md} for how to build it;</li>
 *   <li>{@code after}: this build, events compiled in, JFR off;</li>
 *   <li>{@code jfr}: this build with {@code -XX:StartFlightRecording} (the {@code default} settings, which enable the
 *       SocketLoom events): JFR's own cost plus the events'.</li>
 * </ul>
 * {@code after} / {@code before} is the cost of disabled events. Workloads: {@code echo-N}, one 64-byte round trip
 * on each of N connections per round ({@link EchoClient}); {@code connect}, {@value #CYCLES} connect + 1-byte echo +
 * close cycles per round, the path that emits {@code ConnectionOpened} and {@code ConnectionClosed}. One operation
 * does one round on each server, in a rotating order, timing each; the totals are auxiliary counters, and the
 * trial's measured rates and ratios are printed at its end.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class JfrCostBenchmark {
    /** The build without event code, a jar; see the class comment. */
    public static final String BASELINE_PROPERTY = "socketloom.jmh.baselineRuntime";
    static final int CYCLES = 10;
    private static final String[] VARIANTS = {"before", "after", "jfr"};

    /** {@code echo-1}, {@code echo-100} or {@code connect}. */
    @Param({"echo-1", "echo-100", "connect"})
    public String workload;

    private final ServerProcess[] servers = new ServerProcess[VARIANTS.length];
    private final EchoClient[] echoClients = new EchoClient[VARIANTS.length];
    private final InetSocketAddress[] addresses = new InetSocketAddress[VARIANTS.length];
    private final long[] measuredNanos = new long[VARIANTS.length];
    private final long[] measuredOps = new long[VARIANTS.length];
    private final long[] iterationNanos = new long[VARIANTS.length];
    private final List<Double> iterationRatios = new ArrayList<>(); // after/before of each measurement iteration
    private final long[] nanos = new long[VARIANTS.length];
    private byte[] message;
    private int opsPerRound;
    private int next;
    private boolean measuring;

    /** Per-variant totals of one iteration: nanoseconds spent in its rounds and operations done. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Totals {
        public long beforeNanos;
        public long afterNanos;
        public long jfrNanos;
        public long beforeOps;
        public long afterOps;
        public long jfrOps;

        @Setup(Level.Iteration)
        public void reset() {
            beforeNanos = afterNanos = jfrNanos = beforeOps = afterOps = jfrOps = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String baseline = System.getProperty(BASELINE_PROPERTY, "");
        if (baseline.isBlank() || !Files.isRegularFile(Path.of(baseline))) {
            throw new IllegalStateException("-D" + BASELINE_PROPERTY + "=<jar of the runtime without event code> is "
                    + "required (now '" + baseline + "'); docs/observability.md shows how to build it");
        }
        message = new byte[64];
        new SplittableRandom(42).nextBytes(message);
        int connections = workload.startsWith("echo-") ? Integer.parseInt(workload.substring(5)) : 0;
        if (connections == 0 && !workload.equals("connect")) {
            throw new IllegalArgumentException("workload must be echo-N or connect, not '" + workload + "'");
        }
        opsPerRound = connections > 0 ? connections : CYCLES;
        try {
            for (int i = 0; i < VARIANTS.length; i++) {
                servers[i] = switch (VARIANTS[i]) {
                    case "before" -> new ServerProcess(List.of(), baseline);
                    case "after" -> new ServerProcess(List.of(), "");
                    default -> new ServerProcess(List.of("-XX:StartFlightRecording:settings=default"), "");
                };
                int port = servers[i].start(Impl.SOCKETLOOM, 64);
                addresses[i] = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                if (connections > 0) {
                    echoClients[i] = new EchoClient(port, connections);
                    echoClients[i].verify(message);
                }
            }
        } catch (IOException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
        Arrays.fill(iterationNanos, 0);
    }

    @TearDown(Level.Iteration)
    public void iterationDone() {
        if (measuring && iterationNanos[0] > 0 && iterationNanos[1] > 0) {
            iterationRatios.add((double) iterationNanos[0] / iterationNanos[1]); // same ops each: rate ratio
        }
    }

    /** One round on each server, starting with a different one each time. */
    @Benchmark
    public long cycle(Totals totals) throws IOException {
        long sum = 0;
        int start = next;
        next = (next + 1) % VARIANTS.length;
        for (int k = 0; k < VARIANTS.length; k++) {
            int i = (start + k) % VARIANTS.length;
            long t0 = System.nanoTime();
            sum += echoClients[i] != null ? echoClients[i].round(message) : connectCycles(addresses[i]);
            nanos[i] = System.nanoTime() - t0;
        }
        totals.beforeNanos += nanos[0];
        totals.afterNanos += nanos[1];
        totals.jfrNanos += nanos[2];
        totals.beforeOps += opsPerRound;
        totals.afterOps += opsPerRound;
        totals.jfrOps += opsPerRound;
        if (measuring) {
            for (int i = 0; i < VARIANTS.length; i++) {
                measuredNanos[i] += nanos[i];
                measuredOps[i] += opsPerRound;
                iterationNanos[i] += nanos[i];
            }
        }
        return sum;
    }

    /** {@value #CYCLES} times: connect, one 1-byte echo (the handler runs), close. */
    private static long connectCycles(InetSocketAddress address) throws IOException {
        long sum = 0;
        for (int c = 0; c < CYCLES; c++) {
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.connect(address, 30_000);
                s.setSoTimeout(30_000);
                s.getOutputStream().write(7);
                int b = s.getInputStream().read();
                if (b != 7) {
                    throw new EOFException("no echo from the server");
                }
                sum += b;
            }
        }
        return sum;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (measuredOps[0] > 0) {
            double[] rate = new double[VARIANTS.length];
            for (int i = 0; i < VARIANTS.length; i++) {
                rate[i] = measuredOps[i] / (measuredNanos[i] / 1e9);
            }
            System.out.printf(Locale.ROOT, "%nJFR cost, %s: before %.0f/s, after %.0f/s, jfr %.0f/s;"
                            + " after/before %.3f (per iteration %.3f..%.3f), jfr/after %.3f%n", workload, rate[0],
                    rate[1], rate[2], rate[1] / rate[0], Collections.min(iterationRatios),
                    Collections.max(iterationRatios), rate[2] / rate[1]);
        }
        IOException first = null;
        for (int i = 0; i < VARIANTS.length; i++) {
            try {
                if (echoClients[i] != null) {
                    echoClients[i].close();
                }
                if (servers[i] != null) {
                    servers[i].close();
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
            echoClients[i] = null;
            servers[i] = null;
        }
        if (first != null) {
            throw first;
        }
    }
}
