package dev.socketloom.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real peers for the tests: {@code openssl} and {@code socat} run as child processes. A test that needs a tool that
 * is not installed is skipped with a message saying which (JUnit assumption), never passed silently; {@code .ci/run}
 * installs both.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    /** Skips the calling test unless {@code command} runs ({@code command args...} exits 0). */
    public static void require(String... probe) {
        boolean ok;
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            p.destroyForcibly();
        } catch (IOException | InterruptedException e) {
            ok = false;
        }
        assumeTrue(ok, () -> "skipped: '" + String.join(" ", probe) + "' does not run here; install "
                + probe[0] + " (Debian package '" + probe[0] + "') to run this real-peer test");
    }

    /** A free loopback port right now (a tool will listen on it). */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Runs {@code command} with stdin from {@code input} and stdout/stderr into files, waits for it (bounded), and
     * returns its stdout; fails with its stderr if it did not exit with 0.
     */
    public static byte[] run(List<String> command, Path input, Duration timeout) throws Exception {
        Path out = Files.createTempFile("socketloom-tool", ".out");
        Path err = Files.createTempFile("socketloom-tool", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectInput(input.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(command.get(0) + " did not finish within " + timeout + ": "
                        + Files.readString(err));
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                        + Files.readString(err));
            }
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A tool running in the background until {@link #close()}; started once a line of its output says it is ready. */
    public static final class Background implements AutoCloseable {
        private final Process process;
        private final Thread drain;

        /** Starts {@code command}; returns once a line of its merged output contains {@code ready}. */
        public Background(List<String> command, String ready) throws IOException {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains(ready)) {
                    break;
                }
            }
            if (line == null) {
                process.destroyForcibly();
                throw new IOException(command.get(0) + " ended before it was ready:\n" + seen);
            }
            drain = Thread.ofVirtual().name("test-tool-output").start(() -> {
                try {
                    while (lines.readLine() != null) {
                        // keep the pipe flowing
                    }
                } catch (IOException closed) {
                    // the process ended
                }
            });
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process.getOutputStream().close();
            drain.join(Duration.ofSeconds(30));
            process.getInputStream().close();
        }
    }
}
