package dev.socketloom.stress.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM on this JVM's {@code java} and class path, started under {@code ulimit -n <fdLimit>} (optionally
 * through a wrapper command such as {@code ip netns exec <ns>}), talking line by line on stdin/stdout; stderr goes to
 * a temp file shown in errors. Closing it kills the child if it is still running and releases every descriptor.
 */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final Path log;
    private BlockingQueue<String> lines; // made by the first timed read; then every read takes from it

    /** A child with this JVM's {@code jdk.pollerMode}, or mode 1 when this JVM runs with the JDK's default. */
    ChildProcess(int fdLimit, Class<?> main, String... args) throws IOException {
        this(List.of(), fdLimit, List.of("-Djdk.pollerMode=" + System.getProperty("jdk.pollerMode", "1")), main, args);
    }

    /** A child with exactly {@code jvmOptions} (none: every JDK default applies). */
    ChildProcess(int fdLimit, List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        this(List.of(), fdLimit, jvmOptions, main, args);
    }

    /** A child started through {@code wrapper} (for example {@code ip netns exec ns}); empty for none. */
    ChildProcess(List<String> wrapper, int fdLimit, Class<?> main, String... args) throws IOException {
        this(wrapper, fdLimit, List.of("-Djdk.pollerMode=" + System.getProperty("jdk.pollerMode", "1")), main, args);
    }

    private ChildProcess(List<String> wrapper, int fdLimit, List<String> jvmOptions, Class<?> main, String... args)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        log = Files.createTempFile("socketloom-child", ".log");
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of("bash", "-c", "ulimit -n " + fdLimit + " && exec \"$@\"", "child", java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** The next line the child printed; fails with the child's stderr if it ended. */
    String readLine() throws IOException {
        String line = lines == null ? out.readLine() : take(lines, Duration.ofDays(1));
        if (line == null) {
            throw new IOException("child ended without answering; its stderr:\n" + stderr());
        }
        return line;
    }

    /**
     * The next line the child printed, waiting at most {@code timeout}; fails (with the child's stderr) if it ended
     * or said nothing in time. From the first call on, a virtual thread reads the child's output into a queue.
     */
    String readLine(Duration timeout) throws IOException {
        if (lines == null) {
            BlockingQueue<String> q = new LinkedBlockingQueue<>();
            Thread.ofVirtual().name("socketloom-child-output").start(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        q.add(line);
                    }
                } catch (IOException closed) {
                    // the child ended or we closed its stream
                } finally {
                    q.add(EOF);
                }
            });
            lines = q;
        }
        String line = take(lines, timeout);
        if (line == null) {
            throw new IOException("child said nothing within " + timeout + " or ended; its stderr:\n" + stderr());
        }
        return line;
    }

    private static final String EOF = new String("EOF"); // identity marks the end of the child's output

    private static String take(BlockingQueue<String> q, Duration timeout) throws IOException {
        try {
            String line = q.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == EOF) {
                q.add(EOF); // every later read sees the end too
                return null;
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the child", e);
        }
    }

    /** The next line that does not start with {@code PROGRESS }; those are handed to {@code progress}. */
    String readLineSkippingProgress(Progress progress) throws IOException {
        long last = 0;
        while (true) {
            String line = readLine();
            if (!line.startsWith("PROGRESS ")) {
                return line;
            }
            long now = Long.parseLong(line.substring(9).trim());
            progress.stepBy(now - last);
            last = now;
        }
    }

    void send(String command) {
        in.println(command);
    }

    /** Asks the child to terminate (SIGTERM: its shutdown hooks run). */
    void terminate() {
        process.toHandle().destroy(); // Process.destroy() would also close our end of its stdout
    }

    /** Waits for the exit code (up to 2 minutes; -1 if it did not exit). */
    int waitFor() throws InterruptedException {
        return process.waitFor(120, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    String stderr() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
        } finally {
            in.close();
            out.close();
            process.getErrorStream().close();
            Files.deleteIfExists(log);
        }
    }
}
