package dev.socketloom.testing;

import dev.socketloom.ConnectionHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ServerOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small helpers shared by the tests: loopback options, echo handlers, bounded waits. */
public final class TestSupport {
    /** Generous bound for anything that should take milliseconds; only reached when something is broken. */
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    private TestSupport() {
    }

    /** A loopback server on an ephemeral port. */
    public static ServerOptions.Builder loopback() {
        return ServerOptions.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0);
    }

    /** Echoes lines until the peer closes. */
    public static final ConnectionHandler LINE_ECHO = c -> {
        String line;
        while ((line = c.readLine()) != null) {
            c.writeLine(line);
        }
    };

    /** Echoes bytes until the peer closes. */
    public static final ConnectionHandler BYTE_ECHO = c -> {
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = c.read(buf, 0, buf.length)) >= 0) {
            c.write(buf, 0, n);
        }
    };

    /** Asserts that {@code call} throws an {@link InetException} with {@code expected}; returns it. */
    public static InetException assertInetError(InetError expected, Executable call) {
        InetException e = assertThrows(InetException.class, call);
        assertEquals(expected, e.error(), () -> "unexpected error: " + e);
        return e;
    }

    /** Awaits the latch for {@link #DEADLINE} and fails if it did not open. */
    public static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "timed out waiting for " + what);
    }

    /**
     * Runs {@code call} on a virtual thread and returns its result, failing (instead of hanging the build) if it
     * does not return within {@link #DEADLINE}: how the tests prove "no deadlock".
     */
    public static <T> T returnsWithinDeadline(String what, Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        Thread t = Thread.ofVirtual().name("test-" + what).start(task);
        try {
            return task.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            throw new AssertionError(what + " did not return within " + DEADLINE + " (deadlock?)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError(e.getCause());
        }
    }

    /**
     * Waits until {@code condition} holds, re-checking with a growing pause, and fails after {@link #DEADLINE}. Only
     * for state that offers no event to wait on (for example "the server has begun to stop").
     */
    public static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** A port on loopback that nothing listens on right now. */
    public static int closedPort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    /** Number of open socket descriptors of this process. */
    public static long openSockets() throws IOException {
        long n = 0;
        try (var entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : entries) {
                try {
                    if (Files.readSymbolicLink(p).toString().startsWith("socket:")) {
                        n++;
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }
}
