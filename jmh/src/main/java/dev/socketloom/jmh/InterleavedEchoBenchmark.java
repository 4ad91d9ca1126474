package dev.socketloom.jmh;

import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The echo benchmark of {@link EchoBenchmark}, but with all five implementations running at once (one server JVM
 * each) and measured <em>interleaved</em>: one operation does one round on every implementation, in a rotating
 * order, and times each round on its own. Background load on a shared machine then hits every implementation
 * alike, so the ratios hold even when the absolute numbers drift. The per-implementation totals are JMH auxiliary
 * counters ({@code <impl>Nanos}, {@code <impl>RoundTrips}); round trips/s = round trips / seconds spent in that
 * implementation's rounds.
 *
 * <p>The client holds 5 x {@code connections} sockets, so with the 20 000 fd limit this benchmark stops at 1 000
 * connections; 10 000 is measured by {@link EchoBenchmark} alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class InterleavedEchoBenchmark {

    /** Concurrent connections per implementation. */
    @Param({"1", "100", "1000"})
    public int connections;

    /** Message size in bytes. */
    @Param({"64", "4096"})
    public int size;

    private static final Impl[] IMPLS = Impl.values();
    private final List<ServerProcess> servers = new ArrayList<>();
    private final EchoClient[] clients = new EchoClient[IMPLS.length];
    private final long[] nanos = new long[IMPLS.length];
    private byte[] message;
    private int next;

    /** Per-implementation totals of one iteration, reported by JMH as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Totals {
        public long socketloomNanos;
        public long rawvtNanos;
        public long platformNanos;
        public long nettyNioNanos;
        public long nettyEpollNanos;
        public long socketloomRoundTrips;
        public long rawvtRoundTrips;
        public long platformRoundTrips;
        public long nettyNioRoundTrips;
        public long nettyEpollRoundTrips;

        @Setup(Level.Iteration)
        public void reset() {
            socketloomNanos = rawvtNanos = platformNanos = nettyNioNanos = nettyEpollNanos = 0;
            socketloomRoundTrips = rawvtRoundTrips = platformRoundTrips = nettyNioRoundTrips = 0;
            nettyEpollRoundTrips = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        message = new byte[size];
        new SplittableRandom(42).nextBytes(message);
        try {
            for (int i = 0; i < IMPLS.length; i++) {
                ServerProcess server = new ServerProcess();
                servers.add(server);
                clients[i] = new EchoClient(server.start(IMPLS[i], EchoBenchmark.HANDLER_BUFFER), connections);
                clients[i].verify(message);
            }
        } catch (IOException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    /** One round on each implementation, starting with a different one each time. */
    @Benchmark
    public long cycle(Totals totals) throws IOException {
        long sum = 0;
        int start = next;
        next = (next + 1) % IMPLS.length;
        for (int k = 0; k < IMPLS.length; k++) {
            int i = (start + k) % IMPLS.length;
            long t0 = System.nanoTime();
            sum += clients[i].round(message);
            nanos[i] = System.nanoTime() - t0;
        }
        long n = connections;
        totals.socketloomNanos += nanos[0];
        totals.rawvtNanos += nanos[1];
        totals.platformNanos += nanos[2];
        totals.nettyNioNanos += nanos[3];
        totals.nettyEpollNanos += nanos[4];
        totals.socketloomRoundTrips += n;
        totals.rawvtRoundTrips += n;
        totals.platformRoundTrips += n;
        totals.nettyNioRoundTrips += n;
        totals.nettyEpollRoundTrips += n;
        return sum;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        IOException first = null;
        for (EchoClient c : clients) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
        }
        for (ServerProcess s : servers) {
            try {
                s.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        servers.clear();
        if (first != null) {
            throw first;
        }
    }
}
