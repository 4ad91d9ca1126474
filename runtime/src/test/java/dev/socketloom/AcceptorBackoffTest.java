package dev.socketloom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * L12: an acceptor whose accept() fails with EMFILE keeps running, backs off and accepts again once descriptors are
 * free. Provoked for real in a child JVM started under {@code ulimit -n 256}.
 */
class AcceptorBackoffTest {

    @Test
    void acceptorSurvivesTooManyOpenFilesAndRecovers() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path log = Files.createTempFile("fd-child", ".log");
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n 256 && exec \"$@\"", "child", java,
                "-cp", System.getProperty("java.class.path"), FdExhaustionChild.class.getName()));
        Process child = new ProcessBuilder(command).redirectError(log.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter in = new PrintWriter(child.getOutputStream(), true, StandardCharsets.UTF_8);
             SocketRuntime rt = SocketRuntime.open()) {
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("PORT "), () -> "child said " + first + "\n" + read(log));
            int port = Integer.parseInt(first.substring(5));

            in.println("EXHAUST");
            String exhausted = out.readLine();
            assertTrue(exhausted.startsWith("EXHAUSTED ") && exhausted.contains("Too many open files"), exhausted);

            // The kernel completes the handshakes from the backlog, but the child's accept() now fails with EMFILE.
            // One exception: the acceptor is a platform thread, and an accept() that was already blocked in the kernel
            // reserved its descriptor before the exhaustion, so the first client may still be accepted; every later
            // accept needs a new descriptor and fails. Two clients therefore leave at least one waiting.
            ConnectOptions patient = ConnectOptions.builder().readTimeout(Duration.ofSeconds(60)).build();
            Connection one = rt.connect("127.0.0.1", port, patient);
            Connection two = rt.connect("127.0.0.1", port, patient);
            one.writeLine("are you there?");
            two.writeLine("and you?");
            long[] stats = awaitStats(out, in, s -> s[1] >= 3);
            assertTrue(stats[0] <= 1, "at most the accept that held a reserved descriptor succeeded while out of "
                    + "descriptors, but " + stats[0] + " were accepted");
            assertEquals(1, stats[2], "the server is still running after " + stats[1] + " failed accepts");

            in.println("RELEASE");
            assertEquals("RELEASED", out.readLine());
            assertEquals("are you there?", one.readLine(), "the first client was served");
            assertEquals("and you?", two.readLine(), "the acceptor resumed and served the waiting client");
            long[] after = awaitStats(out, in, s -> s[0] == 2);
            assertEquals(1, after[2]);
            one.close();
            two.close();

            in.println("EXIT");
            assertEquals("BYE", out.readLine());
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child exited");
            assertEquals(0, child.exitValue(), () -> read(log));
        } finally {
            child.destroyForcibly();
            child.waitFor(60, TimeUnit.SECONDS);
            child.getInputStream().close();
            child.getErrorStream().close();
            child.getOutputStream().close();
            Files.deleteIfExists(log);
        }
    }

    /**
     * Asks the child for its counters until {@code done} holds. The child has no way to push "accept failed" to us,
     * so this polls with a growing pause, bounded by a generous deadline.
     */
    private static long[] awaitStats(BufferedReader out, PrintWriter in, java.util.function.Predicate<long[]> done)
            throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long pause = TimeUnit.MILLISECONDS.toNanos(20);
        long[] s;
        do {
            in.println("STATS");
            String[] parts = out.readLine().split(" ");
            s = new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2]), Boolean.parseBoolean(parts[3]) ? 1 : 0};
            if (done.test(s)) {
                return s;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(500));
        } while (System.nanoTime() < end);
        throw new AssertionError("condition not reached; last stats accepted=" + s[0] + " failures=" + s[1]);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
