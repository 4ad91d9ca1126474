package dev.socketloom.jmh;

import dev.socketloom.jmh.load.LoadGenerator;
import dev.socketloom.jmh.load.LoadMain;
import java.io.BufferedReader;
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
 * A child JVM running {@link LoadMain}: the load for one server, in a process of its own (see there why). Same java
 * executable and class path as this JVM, flags {@value #JVM_ARGS} (overridable with
 * {@code -Dsocketloom.jmh.loadJvmArgs=...}). Every command has a deadline, so a stuck child fails the benchmark.
 */
public final class LoadProcess implements AutoCloseable {

    static final String JVM_ARGS = "-Xms256m -Xmx256m -XX:+UseSerialGC";
    private static final long REPLY_TIMEOUT_S = 180;

    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Thread replyReader;

    public LoadProcess() throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : System.getProperty("socketloom.jmh.loadJvmArgs", JVM_ARGS).trim().split("\\s+")) {
            if (!a.isEmpty()) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadMain.class.getName()));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        replyReader = Thread.ofPlatform().daemon().name("load-replies").start(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ok") || line.startsWith("error")) {
                        replies.add(line);
                    } else {
                        System.err.println("[load] " + line);
                    }
                }
            } catch (IOException e) {
                // process gone: the pending command reports it
            } finally {
                replies.add("error load process ended");
            }
        });
        reply();
    }

    /** Opens {@code connections} connections to the server on {@code port} and verifies one round trip on each. */
    public void open(int port, int connections, int threads, String workload) throws IOException {
        call("open " + port + " " + connections + " " + threads + " " + workload);
    }

    /** {@link #open} over TLS: the load trusts exactly the benchmark certificate in {@code keyStore}. */
    public void openTls(int port, int connections, int threads, String workload, java.nio.file.Path keyStore)
            throws IOException {
        call("open " + port + " " + connections + " " + threads + " " + workload + " " + keyStore);
    }

    /** Runs one slice (see {@link LoadGenerator#run}). */
    public LoadGenerator.Slice run(long rampNanos, long nanos) throws IOException {
        String[] r = call("run " + rampNanos + " " + nanos);
        return new LoadGenerator.Slice(Long.parseLong(r[0]), Long.parseLong(r[1]), Long.parseLong(r[2]),
                Long.parseLong(r[3]), Long.parseLong(r[4]));
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
            throw new IOException("interrupted waiting for the load process", e);
        }
        if (line == null) {
            throw new IOException("load process did not answer within " + REPLY_TIMEOUT_S + " s");
        }
        if (!line.startsWith("ok")) {
            throw new IOException("load process: " + line);
        }
        String rest = line.substring(2).trim();
        return rest.isEmpty() ? new String[0] : rest.split("\\s+");
    }

    @Override
    public void close() throws IOException {
        try {
            commands.println("quit");
            commands.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            replyReader.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
