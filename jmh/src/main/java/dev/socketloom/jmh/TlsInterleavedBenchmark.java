package dev.socketloom.jmh;

import dev.socketloom.jmh.server.TlsImpl;
import dev.socketloom.jmh.server.TlsMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
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
 * {@link TlsEchoBenchmark} with all four TLS servers running at once (one server JVM each) and measured
 * interleaved, as {@link InterleavedEchoBenchmark} does for plain TCP: one operation does one round on every server
 * in a rotating order and times each on its own, so background load on a shared machine hits them alike and the
 * ratios hold while absolute numbers drift. Totals are the auxiliary counters {@code <impl>Nanos} and
 * {@code <impl>RoundTrips}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class TlsInterleavedBenchmark {

    /** Concurrent connections per server. */
    @Param({"100", "1000"})
    public int connections;

    /** Message size in bytes. */
    @Param({"64", "4096"})
    public int size;

    private static final TlsImpl[] IMPLS = TlsImpl.values();
    private final List<ServerProcess> servers = new ArrayList<>();
    private final EchoClient[] clients = new EchoClient[IMPLS.length];
    private final long[] nanos = new long[IMPLS.length];
    private byte[] message;
    private int next;

    /** Per-server totals of one iteration, reported by JMH as secondary results. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Totals {
        public long socketloomNanos;
        public long rawvtNanos;
        public long nettyJdkNanos;
        public long nettyOpensslNanos;
        public long socketloomRoundTrips;
        public long rawvtRoundTrips;
        public long nettyJdkRoundTrips;
        public long nettyOpensslRoundTrips;

        @Setup(Level.Iteration)
        public void reset() {
            socketloomNanos = rawvtNanos = nettyJdkNanos = nettyOpensslNanos = 0;
            socketloomRoundTrips = rawvtRoundTrips = nettyJdkRoundTrips = nettyOpensslRoundTrips = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException, GeneralSecurityException {
        message = new byte[size];
        new SplittableRandom(42).nextBytes(message);
        try {
            Path keyStore = TlsMaterial.create();
            SSLContext tls = TlsMaterial.clientContext(keyStore);
            for (int i = 0; i < IMPLS.length; i++) {
                ServerProcess server = new ServerProcess();
                servers.add(server);
                clients[i] = new EchoClient(server.startTls(IMPLS[i], EchoBenchmark.HANDLER_BUFFER, keyStore),
                        connections, tls);
                clients[i].verify(message);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    /** One round on each server, starting with a different one each time. */
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
        totals.nettyJdkNanos += nanos[2];
        totals.nettyOpensslNanos += nanos[3];
        totals.socketloomRoundTrips += n;
        totals.rawvtRoundTrips += n;
        totals.nettyJdkRoundTrips += n;
        totals.nettyOpensslRoundTrips += n;
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
