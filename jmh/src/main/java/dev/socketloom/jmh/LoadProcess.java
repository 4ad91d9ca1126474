package dev.socketloom.jmh;

import dev.socketloom.jmh.child.ChildJvm;
import dev.socketloom.jmh.load.LoadGenerator;
import dev.socketloom.jmh.load.LoadMain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A child JVM running {@link LoadMain}: the load for one server, in a process of its own (see there why). Same java
 * executable and class path as this JVM, flags {@value #JVM_ARGS} (overridable with
 * {@code -Dsocketloom.jmh.loadJvmArgs=...}). Every command has a deadline, so a stuck child fails the benchmark.
 */
public final class LoadProcess extends ChildJvm {

    static final String JVM_ARGS = "-Xms256m -Xmx256m -XX:+UseSerialGC";
    private static final long REPLY_TIMEOUT_S = 180;

    public LoadProcess() throws IOException {
        super("load", List.of(), jvmArgs("socketloom.jmh.loadJvmArgs", JVM_ARGS), System.getProperty("java.class.path"),
                LoadMain.class, REPLY_TIMEOUT_S);
    }
    /** Opens {@code connections} connections to the server on {@code port} and verifies one round trip on each. */
    public void open(int port, int connections, int threads, String workload) throws IOException {
        call("open " + port + " " + connections + " " + threads + " " + workload);
    }

    /** {@link #open} over TLS: the load trusts exactly the benchmark certificate in {@code keyStore}. */
    public void openTls(int port, int connections, int threads, String workload, Path keyStore)
            throws IOException {
        call("open " + port + " " + connections + " " + threads + " " + workload + " " + keyStore);
    }

    /** Runs one slice (see {@link LoadGenerator#run}). */
    public LoadGenerator.Slice run(long rampNanos, long nanos) throws IOException {
        String[] r = call("run " + rampNanos + " " + nanos);
        return new LoadGenerator.Slice(Long.parseLong(r[0]), Long.parseLong(r[1]), Long.parseLong(r[2]),
                Long.parseLong(r[3]), Long.parseLong(r[4]));
    }
}
