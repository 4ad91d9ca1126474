package dev.socketloom.jmh;

import dev.socketloom.jmh.server.Impl;
import dev.socketloom.jmh.server.ServerMain;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running {@link ServerMain}: the server side of every benchmark lives there, the load stays in the JMH
 * fork. Same java executable and class path as this JVM. System properties:
 * <ul>
 *   <li>{@code socketloom.jmh.serverJvmArgs}: JVM flags for the server (default {@value #DEFAULT_JVM_ARGS});</li>
 *   <li>{@code socketloom.jmh.serverCpus}: if set (e.g. {@code 1}), the server runs under {@code taskset -c}.</li>
 * </ul>
 * Every command has a deadline ({@link #REPLY_TIMEOUT_S} s): a stuck or dead server fails the benchmark instead of
 * hanging it.
 */
public final class ServerProcess implements AutoCloseable {

    static final String DEFAULT_JVM_ARGS = "-Xms1g -Xmx1g -XX:+UseG1GC --enable-native-access=ALL-UNNAMED";
    static final long REPLY_TIMEOUT_S = 120;

    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Thread replyReader;

    public ServerProcess() throws IOException {
        this(List.of(), "");
    }

    /**
     * A server JVM with {@code extraJvmArgs} after the usual flags and {@code classPathPrefix} (if not empty) in front
     * of this JVM's class path, so that its classes win: {@link JfrCostBenchmark} runs a second SocketLoom build that
     * way.
     */
    public ServerProcess(List<String> extraJvmArgs, String classPathPrefix) throws IOException {
        List<String> cmd = new ArrayList<>();
        String cpus = System.getProperty("socketloom.jmh.serverCpus", "");
        if (!cpus.isBlank()) {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : System.getProperty("socketloom.jmh.serverJvmArgs", DEFAULT_JVM_ARGS).trim().split("\\s+")) {
            if (!a.isEmpty()) {
                cmd.add(a);
            }
        }
        cmd.addAll(extraJvmArgs);
        String classPath = System.getProperty("java.class.path");
        if (!classPathPrefix.isEmpty()) {
            classPath = classPathPrefix + File.pathSeparator + classPath;
        }
        cmd.addAll(List.of("-cp", classPath, ServerMain.class.getName()));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        replyReader = Thread.ofVirtual().name("server-replies").start(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ok") || line.startsWith("error")) {
                        replies.add(line);
                    } else {
                        System.err.println("[server] " + line); // JVM output such as -Xlog or JFR start messages
                    }
                }
            } catch (IOException e) {
                // process gone: the pending command reports it
            } finally {
                replies.add("error server process ended");
            }
        });
        reply(); // "ok ready"
    }

    /** Starts an echo server of {@code impl} in the child (closing a previous one); returns its port. */
    public int start(Impl impl, int bufferSize) throws IOException {
        return start(impl, bufferSize, "echo");
    }

    /** Starts a server of {@code impl} speaking {@code protocol} ({@code echo} or {@code lines}); returns its port. */
    public int start(Impl impl, int bufferSize, String protocol) throws IOException {
        return Integer.parseInt(call("start " + impl.id() + " " + bufferSize + " " + protocol)[0]);
    }

    /** Starts a TLS echo server of {@code impl} presenting the certificate in {@code keyStore}; returns its port. */
    public int startTls(dev.socketloom.jmh.server.TlsImpl impl, int bufferSize, java.nio.file.Path keyStore)
            throws IOException {
        return Integer.parseInt(call("starttls " + impl.id() + " " + bufferSize + " " + keyStore)[0]);
    }

    /** Connections the child's server holds right now. */
    public int count() throws IOException {
        return Integer.parseInt(call("count")[0]);
    }

    /** Disconnects the child's server; returns the nanoseconds the child measured around it. */
    public long disconnect() throws IOException {
        return disconnectTimed()[0];
    }

    /** Disconnects the child's server; returns {wall, process CPU} nanoseconds the child measured around it. */
    public long[] disconnectTimed() throws IOException {
        String[] r = call("disconnect");
        return new long[] {Long.parseLong(r[0]), Long.parseLong(r[1])};
    }

    /** {heap used after full GC, RSS, live objects without GC fillers} of the child, in bytes. */
    public long[] memory() throws IOException {
        String[] r = call("mem");
        return new long[] {Long.parseLong(r[0]), Long.parseLong(r[1]), Long.parseLong(r[2])};
    }

    /**
     * CPU time the server JVM has used so far (all its threads: carriers, pollers, GC, JIT), from
     * {@code /proc/<pid>/stat} (utime + stime, in clock ticks of 10 ms), in nanoseconds.
     */
    public long cpuNanos() throws IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from 3 (state) on
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime, stime: fields 14, 15
    }

    private String[] call(String command) throws IOException {
        commands.println(command);
        return reply();
    }

    private String[] reply() throws IOException {
        String line;
        try {
            line = replies.poll(REPLY_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the server process", e);
        }
        if (line == null) {
            throw new IOException("server process did not answer within " + REPLY_TIMEOUT_S + " s");
        }
        if (!line.startsWith("ok")) {
            throw new IOException("server process: " + line);
        }
        String rest = line.substring(2).trim();
        return rest.isEmpty() ? new String[0] : rest.split("\\s+");
    }

    @Override
    public void close() throws IOException {
        try {
            commands.println("quit");
            commands.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            replyReader.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
