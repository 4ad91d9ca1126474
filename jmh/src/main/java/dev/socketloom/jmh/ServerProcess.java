package dev.socketloom.jmh;

import dev.socketloom.jmh.child.ChildJvm;
import dev.socketloom.jmh.server.Impl;
import dev.socketloom.jmh.server.ServerMain;
import dev.socketloom.jmh.server.TlsImpl;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
public final class ServerProcess extends ChildJvm {

    static final String DEFAULT_JVM_ARGS = "-Xms1g -Xmx1g -XX:+UseG1GC --enable-native-access=ALL-UNNAMED";
    static final long REPLY_TIMEOUT_S = 120;

    public ServerProcess() throws IOException {
        this(List.of(), "");
    }

    /**
     * A server JVM with {@code extraJvmArgs} after the usual flags and {@code classPathPrefix} (if not empty) in front
     * of this JVM's class path, so that its classes win: {@link JfrCostBenchmark} runs a second SocketLoom build that
     * way.
     */
    public ServerProcess(List<String> extraJvmArgs, String classPathPrefix) throws IOException {
        super("server", cpuPrefix(), serverJvmArgs(extraJvmArgs), classPath(classPathPrefix), ServerMain.class,
                REPLY_TIMEOUT_S);
    }

    private static List<String> cpuPrefix() {
        String cpus = System.getProperty("socketloom.jmh.serverCpus", "");
        return cpus.isBlank() ? List.of() : List.of("taskset", "-c", cpus);
    }

    private static List<String> serverJvmArgs(List<String> extra) {
        List<String> args = new ArrayList<>(jvmArgs("socketloom.jmh.serverJvmArgs", DEFAULT_JVM_ARGS));
        args.addAll(extra);
        return args;
    }

    private static String classPath(String prefix) {
        String classPath = System.getProperty("java.class.path");
        return prefix.isEmpty() ? classPath : prefix + File.pathSeparator + classPath;
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
    public int startTls(TlsImpl impl, int bufferSize, Path keyStore)
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

    /**
     * {heap used after full GC, RSS, live objects without GC fillers, of those the parked threads' stack chunks} of
     * the child, in bytes.
     */
    public long[] memory() throws IOException {
        String[] r = call("mem");
        return new long[] {Long.parseLong(r[0]), Long.parseLong(r[1]), Long.parseLong(r[2]), Long.parseLong(r[3])};
    }
}
