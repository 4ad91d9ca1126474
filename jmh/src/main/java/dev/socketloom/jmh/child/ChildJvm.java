package dev.socketloom.jmh.child;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's side of a child JVM that runs a {@link CommandLoop}: starts it with the same java executable, sends
 * one command line at a time and waits for its one reply line, each with a deadline, so that a stuck or dead child
 * fails the benchmark instead of hanging it. Other output of the child (JVM messages) goes to this JVM's stderr,
 * prefixed with the child's name.
 */
public abstract class ChildJvm implements AutoCloseable {
    private final String name;
    private final long replyTimeoutSeconds;
    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Thread replyReader;

    /**
     * Starts {@code prefix} (for example {@code taskset -c 1}, or nothing), this JVM's java executable,
     * {@code jvmArgs}, {@code -cp classPath} and {@code mainClass}, then waits for its {@code ok ready}.
     */
    protected ChildJvm(String name, List<String> prefix, List<String> jvmArgs, String classPath, Class<?> mainClass,
                       long replyTimeoutSeconds) throws IOException {
        this.name = name;
        this.replyTimeoutSeconds = replyTimeoutSeconds;
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", classPath, mainClass.getName()));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        replyReader = Thread.ofPlatform().daemon().name(name + "-replies").start(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("ok") || line.startsWith("error")) {
                        replies.add(line);
                    } else {
                        System.err.println("[" + name + "] " + line); // JVM output such as -Xlog or JFR messages
                    }
                }
            } catch (IOException e) {
                // process gone: the pending command reports it
            } finally {
                replies.add("error " + name + " process ended");
            }
        });
        reply(); // "ok ready"
    }

    /** The flags in system property {@code property}, or else {@code defaults}, split at white space. */
    protected static List<String> jvmArgs(String property, String defaults) {
        List<String> args = new ArrayList<>();
        for (String a : System.getProperty(property, defaults).trim().split("\\s+")) {
            if (!a.isEmpty()) {
                args.add(a);
            }
        }
        return args;
    }

    /** Sends {@code command} and returns the words of its {@code ok} reply; an {@code error} reply throws. */
    protected final String[] call(String command) throws IOException {
        commands.println(command);
        return reply();
    }

    private String[] reply() throws IOException {
        String line;
        try {
            line = replies.poll(replyTimeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the " + name + " process", e);
        }
        if (line == null) {
            throw new IOException(name + " process did not answer within " + replyTimeoutSeconds + " s");
        }
        if (!line.startsWith("ok")) {
            throw new IOException(name + " process: " + line);
        }
        String rest = line.substring(2).trim();
        return rest.isEmpty() ? new String[0] : rest.split("\\s+");
    }

    /**
     * CPU time the child JVM has used so far (all its threads: carriers, pollers, GC, JIT), from
     * {@code /proc/<pid>/stat} (utime + stime, in clock ticks of 10 ms), in nanoseconds.
     */
    public long cpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from 3 (state) on
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L; // utime, stime: fields 14, 15
    }

    /**
     * Closes every child of {@code children} and empties the list; the first failure is thrown once all were
     * closed.
     */
    public static void closeAll(List<? extends ChildJvm> children) throws IOException {
        IOException first = null;
        for (ChildJvm c : children) {
            try {
                c.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        children.clear();
        if (first != null) {
            throw first;
        }
    }

    /** Sends {@code quit} and waits for the child to exit (then kills it), and for its reply reader. */
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
