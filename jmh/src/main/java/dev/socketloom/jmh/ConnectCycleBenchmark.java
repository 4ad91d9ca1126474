package dev.socketloom.jmh;

import dev.socketloom.jmh.server.Impl;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * Connection churn: one operation = connect, one 1-byte echo (so the server has really accepted the connection and
 * runs its handler), then close, either gracefully (FIN; the client port goes to TIME_WAIT, which Linux reuses on
 * loopback with {@code net.ipv4.tcp_tw_reuse=2}) or abortively (SO_LINGER 0 → RST, what
 * {@code Connection.abort()} does). The server runs in its own JVM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class ConnectCycleBenchmark {

    /** Server implementation, see {@link dev.socketloom.jmh.server.Impl}. */
    @Param({"socketloom", "rawvt", "platform", "netty-nio", "netty-epoll"})
    public String impl;

    /** {@code graceful} (FIN) or {@code abort} (RST). */
    @Param({"graceful", "abort"})
    public String close;

    private ServerProcess server;
    private InetSocketAddress address;
    private boolean abort;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (!close.equals("graceful") && !close.equals("abort")) {
            throw new IllegalArgumentException("close must be 'graceful' or 'abort', not '" + close + "'");
        }
        abort = close.equals("abort");
        server = new ServerProcess();
        try {
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    server.start(Impl.of(impl), 64));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    @Benchmark
    public int cycle() throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(address, 30_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(7);
            int b = s.getInputStream().read();
            if (b != 7) {
                throw new EOFException("no echo from the server");
            }
            if (abort) {
                s.setSoLinger(true, 0);
            }
            return b;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        server.close();
    }
}
