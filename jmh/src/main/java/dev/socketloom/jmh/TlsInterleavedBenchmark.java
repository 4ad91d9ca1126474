package dev.socketloom.jmh;

import dev.socketloom.jmh.server.TlsImpl;
import dev.socketloom.jmh.server.TlsMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * TLS 1.3 echo throughput of the four TLS servers ({@link TlsImpl}) under the same concurrent load, measured
 * interleaved exactly as {@link InterleavedEchoBenchmark} does for plain TCP ({@link InterleavedLoad}): each server
 * has its own server JVM and its own load JVM, whose {@code clientThreads} selector threads keep every one of
 * {@code connections} TLS connections busy in a closed loop (a {@code size}-byte message, the next as soon as the echo
 * is complete), through one JDK {@code SSLEngine} per connection. One operation runs a slice on each server in a
 * rotating order: an untimed ramp, {@code sliceMillis} measured, an untimed drain.
 *
 * <p>The counters ({@link TlsCounters}) hold, per server, the round trips, measured time, and the CPU time of the
 * server JVM and of the load threads over the same slices: so the results say whether the server (and not the load)
 * is what limits the rate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class TlsInterleavedBenchmark {

    /** Concurrent connections per server, all busy at once. */
    @Param({"100", "1000"})
    public int connections;

    /** Message size in bytes. */
    @Param({"64", "4096"})
    public int size;

    /** Load threads (each with its own selector) per server. */
    @Param({"1"})
    public int clientThreads;

    /** Measured length of one server's slice of load (after a ramp, see {@code InterleavedLoad}). */
    @Param({"300"})
    public int sliceMillis;

    private static final List<TlsImpl> IMPLS = List.of(TlsImpl.values());
    private InterleavedLoad load;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path keyStore = TlsMaterial.create();
        load = new InterleavedLoad(IMPLS, keyStore, EchoBenchmark.HANDLER_BUFFER, connections, clientThreads,
                "echo:" + size);
    }

    /** One slice on each server, starting with a different one each time. */
    @Benchmark
    public void cycle(TlsCounters out) throws IOException {
        InterleavedLoad.Totals[] totals = load.cycle(InterleavedLoad.rampNanos(connections),
                TimeUnit.MILLISECONDS.toNanos(sliceMillis));
        for (int i = 0; i < IMPLS.size(); i++) {
            out.add(IMPLS.get(i), totals[i]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (load != null) {
            load.close();
        }
    }
}
