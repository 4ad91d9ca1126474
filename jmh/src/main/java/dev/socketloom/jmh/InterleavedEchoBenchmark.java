package dev.socketloom.jmh;

import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
import java.util.Arrays;
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
 * Echo throughput of every implementation under the same concurrent load, measured interleaved
 * ({@link InterleavedLoad}): each implementation has its own server JVM and its own load JVM holding
 * {@code connections} connections, every one of them kept busy in a closed loop (a {@code size}-byte message, the
 * next one as soon as the echo is complete). One operation runs a slice on each implementation in a rotating order:
 * an untimed ramp, then {@code sliceMillis} measured, then an untimed drain.
 *
 * <p>Per implementation the JMH auxiliary counters hold the totals of an iteration: {@code <impl>Nanos} (time under
 * load), {@code <impl>RoundTrips} (completed in that time), {@code <impl>Answered} (every answered request, drain
 * included), the CPU time of the server JVM and of the load threads over the same whole slices
 * ({@code <impl>ServerCpuNanos}, {@code <impl>ClientCpuNanos}) and the slices' wall time ({@code <impl>WallNanos}).
 * Round trips/s = round trips / measured seconds; CPU per round trip = CPU / answered; cores = CPU / wall time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class InterleavedEchoBenchmark {

    /** Concurrent connections per implementation, all busy at once. */
    @Param({"1", "100", "1000", "10000"})
    public int connections;

    /** Message size in bytes. */
    @Param({"64", "4096"})
    public int size;

    /** Load threads (each with its own selector) per implementation. */
    @Param({"1"})
    public int clientThreads;

    /** Measured length of one implementation's slice of load (after a ramp, see {@code InterleavedLoad}). */
    @Param({"300"})
    public int sliceMillis;

    /**
     * Implementations (see {@link Impl}), separated by {@code +} (or commas inside the annotation; JMH's {@code -p}
     * splits at commas); all five by default.
     */
    @Param({"socketloom+rawvt+platform+netty-nio+netty-epoll"})
    public String impls;

    /** Read buffer of the thread-per-connection echo handlers (Netty sizes its own). */
    static final int HANDLER_BUFFER = 16 * 1024;

    private InterleavedLoad load;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<Impl> list = Arrays.stream(impls.split("[,+]")).map(String::trim).map(Impl::of).toList();
        load = new InterleavedLoad(list, "echo", HANDLER_BUFFER, connections, clientThreads, "echo:" + size);
    }

    /** One slice on each implementation, starting with a different one each time. */
    @Benchmark
    public void cycle(ImplCounters out) throws IOException {
        out.add(load.impls(), load.cycle(InterleavedLoad.rampNanos(connections),
                TimeUnit.MILLISECONDS.toNanos(sliceMillis)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (load != null) {
            load.close();
        }
    }
}
