package dev.socketloom.jmh;

import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
import java.util.SplittableRandom;
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
 * Echo ping-pong: {@code connections} open connections, and each benchmark operation is one <em>round</em>: the
 * client writes a {@code size}-byte message on every connection, then reads every echo back (see
 * {@link EchoClient}). The server runs in its own JVM ({@link ServerProcess}).
 *
 * <p>Mode is {@code SampleTime}: the samples give the round latency percentiles, and since one client thread runs
 * rounds back to back (a closed loop), throughput is exact from the mean: round trips/s =
 * {@code connections / mean round time}. The report computes it that way; for {@code connections = 1} the round
 * time is the plain round-trip latency.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class EchoBenchmark {

    /** Server implementation, see {@link Impl}. */
    @Param({"socketloom", "rawvt", "platform", "netty-nio", "netty-epoll"})
    public String impl;

    /** Concurrent connections. */
    @Param({"1", "100", "1000", "10000"})
    public int connections;

    /** Message size in bytes. */
    @Param({"64", "4096"})
    public int size;

    /** Read buffer of the thread-per-connection echo handlers (Netty sizes its own). */
    static final int HANDLER_BUFFER = 8192;

    private ServerProcess server;
    private EchoClient client;
    private byte[] message;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        server = new ServerProcess();
        try {
            int port = server.start(Impl.of(impl), HANDLER_BUFFER);
            client = new EchoClient(port, connections);
            message = new byte[size];
            new SplittableRandom(42).nextBytes(message);
            client.verify(message);
        } catch (IOException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @Benchmark
    public long round() throws IOException {
        return client.round(message);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            server.close();
        }
    }
}
