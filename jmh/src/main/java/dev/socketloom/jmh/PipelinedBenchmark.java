package dev.socketloom.jmh;

import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
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
 * Pipelined small-line request/response, interleaved like {@link InterleavedEchoBenchmark}: the same line-protocol
 * server written on SocketLoom ({@code readLine}, {@code readFully}) and on a raw virtual thread over a
 * {@code BufferedInputStream} (see {@code LineServers}), {@code connections} busy connections each sending
 * {@code pipelined} requests per round trip ({@code Workload.pipelined}). A round trip in the counters is one batch;
 * requests/s = round trips/s x {@code pipelined}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class PipelinedBenchmark {

    /** Concurrent connections per implementation. */
    @Param({"50"})
    public int connections;

    /** Requests per round trip. */
    @Param({"16"})
    public int pipelined;

    /** Measured length of one implementation's slice of load (after a ramp, see {@code InterleavedLoad}). */
    @Param({"300"})
    public int sliceMillis;

    private static final List<Impl> IMPLS = List.of(Impl.SOCKETLOOM, Impl.RAW_VT);

    private InterleavedLoad load;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        load = new InterleavedLoad(IMPLS, "lines", 0, connections, 1, "pipelined:" + pipelined);
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
