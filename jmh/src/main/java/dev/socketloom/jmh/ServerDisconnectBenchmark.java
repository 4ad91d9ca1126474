package dev.socketloom.jmh;

import dev.socketloom.jmh.child.ChildJvm;
import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Server shutdown latency, interleaved: one operation disconnects every implementation once, in a rotating order,
 * each with {@code clients} idle connections (each has done one echo, so every handler runs and is blocked in a
 * read): for SocketLoom {@code Server.disconnect()}, which returns only when every client thread has been joined;
 * for the baselines the equivalent (close listener and all sockets, join all threads; Netty: close the listener and
 * the channel group). The time is taken inside the server JVM around the call, and so is the CPU time the whole
 * server JVM spent meanwhile ({@code <impl>CpuNanos}: the work, which the machine's other load does not inflate as
 * much as the wall time). Connecting the clients and checking
 * afterwards that every one of them saw the close (EOF or reset) is not timed.
 *
 * <p>Each implementation keeps its server JVM for the whole trial. One operation takes seconds (it connects
 * {@code clients} clients per implementation), so an iteration of one second is one operation; the counters hold
 * each implementation's disconnect time in that iteration and the number of disconnects; the report takes the
 * median over the iterations (of {@code <impl>Nanos / <impl>Shots}: with few clients an iteration holds several operations).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 10, time = 1)
public class ServerDisconnectBenchmark {

    /** Connected idle clients when the disconnect starts. */
    @Param({"100", "1000", "10000"})
    public int clients;

    /** Implementations (see {@link Impl}), separated by {@code +}; all five by default. */
    @Param({"socketloom+rawvt+platform+netty-nio+netty-epoll"})
    public String impls;

    private List<Impl> list;
    private final List<ServerProcess> servers = new ArrayList<>();
    private int next;

    /** One iteration's disconnect time per implementation. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long socketloomNanos;
        public long rawvtNanos;
        public long platformNanos;
        public long nettyNioNanos;
        public long nettyEpollNanos;
        public long socketloomShots;
        public long socketloomCpuNanos;
        public long rawvtShots;
        public long rawvtCpuNanos;
        public long platformShots;
        public long platformCpuNanos;
        public long nettyNioShots;
        public long nettyNioCpuNanos;
        public long nettyEpollShots;
        public long nettyEpollCpuNanos;

        @Setup(Level.Iteration)
        public void clear() {
            socketloomNanos = rawvtNanos = platformNanos = nettyNioNanos = nettyEpollNanos = 0;
            socketloomShots = rawvtShots = platformShots = nettyNioShots = nettyEpollShots = 0;
            socketloomCpuNanos = rawvtCpuNanos = platformCpuNanos = nettyNioCpuNanos = nettyEpollCpuNanos = 0;
        }

        void add(Impl impl, long[] wallAndCpu) {
            long nanos = wallAndCpu[0];
            long cpu = wallAndCpu[1];
            switch (impl) {
                case SOCKETLOOM -> {
                    socketloomNanos += nanos;
                    socketloomShots++;
                    socketloomCpuNanos += cpu;
                }
                case RAW_VT -> {
                    rawvtNanos += nanos;
                    rawvtShots++;
                    rawvtCpuNanos += cpu;
                }
                case PLATFORM -> {
                    platformNanos += nanos;
                    platformShots++;
                    platformCpuNanos += cpu;
                }
                case NETTY_NIO -> {
                    nettyNioNanos += nanos;
                    nettyNioShots++;
                    nettyNioCpuNanos += cpu;
                }
                case NETTY_EPOLL -> {
                    nettyEpollNanos += nanos;
                    nettyEpollShots++;
                    nettyEpollCpuNanos += cpu;
                }
            }
        }
    }

    @Setup(Level.Trial)
    public void startProcesses() throws IOException {
        list = Arrays.stream(impls.split("[,+]")).map(String::trim).map(Impl::of).toList();
        for (int i = 0; i < list.size(); i++) {
            servers.add(new ServerProcess());
        }
    }

    /** One disconnect of every implementation, starting with a different one each time. */
    @Benchmark
    public void disconnect(Times times) throws IOException {
        int start = next;
        next = (next + 1) % list.size();
        for (int k = 0; k < list.size(); k++) {
            int i = (start + k) % list.size();
            ServerProcess server = servers.get(i);
            int port = server.start(list.get(i), 64);
            try (EchoClient client = new EchoClient(port, clients)) {
                client.verify(new byte[] {1}); // every handler has run: all threads exist and block in read
                times.add(list.get(i), server.disconnectTimed());
                client.awaitClosedByServer(); // every client saw the close
            }
        }
    }

    @TearDown(Level.Trial)
    public void stopProcesses() throws IOException {
        ChildJvm.closeAll(servers);
    }
}
