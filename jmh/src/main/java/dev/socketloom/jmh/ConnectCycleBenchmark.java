package dev.socketloom.jmh;

import dev.socketloom.jmh.child.ChildJvm;
import dev.socketloom.jmh.server.Impl;
import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
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
 * Connection churn, interleaved: one cycle = connect, one 1-byte echo (so the server has really accepted the
 * connection and runs its handler), then close, either gracefully (FIN; the client port goes to TIME_WAIT, which
 * Linux reuses on loopback with {@code net.ipv4.tcp_tw_reuse=2}) or abortively (SO_LINGER 0 → RST, what
 * {@code Connection.abort()} does). Every implementation has its own server JVM for the whole trial; one operation
 * runs {@code cycles} cycles against each in a rotating order, timing each batch on its own, and reads the server
 * JVM's CPU time around it. One client thread: the rate is latency-bound (connect, accept, first read, close).
 *
 * <p>Counters as in {@link InterleavedEchoBenchmark} ({@link ImplCounters}): a "round trip" is a cycle.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class ConnectCycleBenchmark {

    /** {@code graceful} (FIN) or {@code abort} (RST). */
    @Param({"graceful", "abort"})
    public String close;

    /** Cycles per implementation and operation. */
    @Param({"200"})
    public int cycles;

    /** Implementations (see {@link Impl}), separated by {@code +}; all five by default. */
    @Param({"socketloom+rawvt+platform+netty-nio+netty-epoll"})
    public String impls;

    private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();
    private List<Impl> list;
    private final List<ServerProcess> servers = new ArrayList<>();
    private InetSocketAddress[] addresses;
    private boolean abort;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (!close.equals("graceful") && !close.equals("abort")) {
            throw new IllegalArgumentException("close must be 'graceful' or 'abort', not '" + close + "'");
        }
        abort = close.equals("abort");
        list = Arrays.stream(impls.split("[,+]")).map(String::trim).map(Impl::of).toList();
        addresses = new InetSocketAddress[list.size()];
        try {
            for (int i = 0; i < list.size(); i++) {
                ServerProcess server = new ServerProcess();
                servers.add(server);
                addresses[i] = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.start(list.get(i), 64));
            }
        } catch (IOException | RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    /** {@code cycles} cycles on each implementation, starting with a different one each time. */
    @Benchmark
    public void cycle(ImplCounters out) throws IOException {
        int start = next;
        next = (next + 1) % list.size();
        InterleavedLoad.Totals[] totals = new InterleavedLoad.Totals[list.size()];
        for (int k = 0; k < list.size(); k++) {
            int i = (start + k) % list.size();
            InterleavedLoad.Totals t = new InterleavedLoad.Totals();
            long serverCpu0 = servers.get(i).cpuNanos();
            long cpu0 = THREAD_CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int c = 0; c < cycles; c++) {
                once(addresses[i]);
            }
            t.nanos = t.wallNanos = System.nanoTime() - t0;
            t.clientCpuNanos = THREAD_CPU.getCurrentThreadCpuTime() - cpu0;
            t.serverCpuNanos = servers.get(i).cpuNanos() - serverCpu0;
            t.roundTrips = t.answered = cycles;
            totals[i] = t;
        }
        out.add(list, totals);
    }

    private void once(InetSocketAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(address, 30_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(7);
            if (s.getInputStream().read() != 7) {
                throw new EOFException("no echo from the server");
            }
            if (abort) {
                s.setSoLinger(true, 0);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ChildJvm.closeAll(servers);
    }
}
