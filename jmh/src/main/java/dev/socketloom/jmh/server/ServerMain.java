package dev.socketloom.jmh.server;

import com.sun.management.OperatingSystemMXBean;
import dev.socketloom.jmh.child.CommandLoop;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * The server JVM: hosts one echo server at a time so that the load (in the JMH fork) and the server never share a
 * JVM, a heap, a GC or an fd table. Driven line by line over stdin; every command gets exactly one reply line on
 * stdout ({@code ok ...} or {@code error ...}). End of stdin closes the server and exits, so an abandoned child never
 * outlives its parent's pipe.
 *
 * <pre>
 * start &lt;impl&gt; &lt;bufferSize&gt; [echo|lines]  -> ok &lt;port&gt;  starts a server (closing a previous one); lines:
 *                                              the line protocol of {@link LineServers} (socketloom, rawvt)
 * starttls &lt;tlsImpl&gt; &lt;bufferSize&gt; &lt;keystore&gt; -> ok &lt;port&gt;  the same with TLS ({@link TlsImpl})
 * count                       -> ok &lt;n&gt;           connections the server holds
 * disconnect                  -> ok &lt;nanos&gt; &lt;cpu&gt; terminates the server, timed here (wall and process CPU ns)
 * mem                         -> ok &lt;heap&gt; &lt;rss&gt; &lt;live&gt; &lt;stacks&gt;  heap used after full GC, resident set,
 *                                                  live objects (class histogram without GC fillers) and of
 *                                                  those the parked threads' stack chunks, in bytes
 * quit                        -> ok                then exits
 * </pre>
 */
public final class ServerMain {

    private ServerMain() {
    }

    private EchoServer server;

    public static void main(String[] args) throws Exception {
        ServerMain m = new ServerMain();
        try {
            CommandLoop.run(m::reply);
        } finally {
            m.closeServer();
        }
    }

    private String reply(String[] cmd) throws Exception {
        return switch (cmd[0]) {
            case "start" -> {
                closeServer();
                Impl impl = Impl.of(cmd[1]);
                server = cmd.length > 3 && cmd[3].equals("lines") ? LineServers.start(impl)
                        : EchoServer.start(impl, Integer.parseInt(cmd[2]));
                yield String.valueOf(server.port());
            }
            case "starttls" -> {
                closeServer();
                server = EchoServer.startTls(TlsImpl.of(cmd[1]), Integer.parseInt(cmd[2]), Path.of(cmd[3]));
                yield String.valueOf(server.port());
            }
            case "count" -> String.valueOf(server == null ? 0 : server.activeConnections());
            case "disconnect" -> {
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                server.disconnect();
                long t1 = System.nanoTime();
                yield (t1 - t0) + " " + (processCpuNanos() - cpu0);
            }
            case "mem" -> {
                long heap = heapAfterGc();
                long[] live = liveObjectBytes();
                yield heap + " " + rss() + " " + live[0] + " " + live[1];
            }
            default -> throw new IllegalArgumentException("unknown command: " + String.join(" ", cmd));
        };
    }

    private void closeServer() throws Exception {
        EchoServer s = server;
        server = null;
        if (s != null) {
            s.close();
        }
    }

    /** CPU time of this whole JVM so far (CLOCK_PROCESS_CPUTIME_ID: every thread, nanosecond resolution). */
    static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Bytes of live objects and, of those, of {@code jdk.internal.vm.StackChunk} (the frames of parked virtual
     * threads): from a class histogram (which runs a full GC first), without the filler objects the GC leaves in
     * regions it did not compact (up to 5% of a region may stay dead, MarkSweepDeadRatio): with 16 KiB arrays per
     * connection those alone moved "heap used" by hundreds of bytes per connection between runs.
     */
    static long[] liveObjectBytes() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        long total = 0;
        long fillers = 0;
        long stacks = 0;
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("Total")) {
                total = Long.parseLong(f[2]);
            } else if (f.length >= 4 && f[3].contains("jdk.internal.vm.Filler")) {
                fillers += Long.parseLong(f[2]);
            } else if (f.length >= 4 && f[3].equals("jdk.internal.vm.StackChunk")) {
                stacks += Long.parseLong(f[2]);
            }
        }
        return new long[] {total - fillers, stacks};
    }

    static long rss() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
