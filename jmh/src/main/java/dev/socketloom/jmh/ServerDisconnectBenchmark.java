package dev.socketloom.jmh;

import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
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
 * Server shutdown latency: {@code clients} idle connections (each has done one echo, so every handler runs and is
 * blocked in a read), then one timed server disconnect: for SocketLoom {@code Server.disconnect()}, which returns
 * only when every client thread has been joined; for the baselines the equivalent (close listener and all sockets,
 * join all threads; Netty: close the listener and the channel group). The time includes one command round trip over
 * the pipe to the server JVM (tens of microseconds).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class ServerDisconnectBenchmark {

    /** Server implementation, see {@link Impl}. */
    @Param({"socketloom", "rawvt", "platform", "netty-nio", "netty-epoll"})
    public String impl;

    /** Connected idle clients when the disconnect starts. */
    @Param({"100", "1000", "10000"})
    public int clients;

    private ServerProcess server;
    private EchoClient client;

    @Setup(Level.Trial)
    public void startProcess() throws IOException {
        server = new ServerProcess();
    }

    @Setup(Level.Iteration)
    public void connectClients() throws IOException {
        int port = server.start(Impl.of(impl), 64);
        client = new EchoClient(port, clients);
        client.verify(new byte[] {1}); // every handler has run: all threads exist and block in read
    }

    @Benchmark
    public long disconnect() throws IOException {
        return server.disconnect();
    }

    @TearDown(Level.Iteration)
    public void closeClients() throws IOException {
        try {
            client.awaitClosedByServer();
        } finally {
            client.close();
        }
    }

    @TearDown(Level.Trial)
    public void stopProcess() throws IOException {
        server.close();
    }
}
