package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectionHandler;
import dev.socketloom.ServerOptions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Small helpers the scenarios share. */
public final class Tasks {
    private Tasks() {
    }

    /** One indexed task body that may fail. */
    @FunctionalInterface
    public interface IndexedTask {
        void run(int i) throws Exception;
    }

    /**
     * Runs {@code task} for {@code 0 <= i < n}, each on its own virtual thread, at most {@code concurrency} at a time
     * (0 = all at once), and returns when all have finished. Failures are counted in {@code errors}.
     */
    public static void parallel(int n, int concurrency, ErrorCounts errors, IndexedTask task) {
        Semaphore permits = new Semaphore(concurrency <= 0 ? Integer.MAX_VALUE : concurrency);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int index = i;
                permits.acquireUninterruptibly();
                ex.execute(() -> {
                    try {
                        task.run(index);
                    } catch (Exception | AssertionError e) {
                        errors.record(e);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
    }

    /** A line-echo handler that releases {@code exited} once per handler that has returned, however it ended. */
    public static ConnectionHandler lineEchoCountingExits(Semaphore exited) {
        return c -> {
            try {
                String line;
                while ((line = c.readLine()) != null) {
                    c.writeLine(line);
                }
            } finally {
                exited.release();
            }
        };
    }

    /** A loopback server on an ephemeral port with a backlog large enough for {@code clients} at once. */
    public static ServerOptions.Builder loopbackServer(int clients) {
        return ServerOptions.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .backlog(Math.max(1024, Math.min(clients, 65535)));
    }

    /**
     * Waits until {@code condition} holds, for at most {@code timeout}; returns whether it held. For states the
     * runtime offers no event for (such as "a handler's connection has left the server's registry after the handler
     * returned"), so it re-checks with a growing pause (5 ms up to 200 ms).
     */
    public static boolean await(BooleanSupplier condition, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(200));
        }
        return true;
    }

    /** Milliseconds since {@code startNanos}, with a fraction. */
    public static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** {@code count} per second over {@code nanos}. */
    public static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * 1e9 / nanos;
    }

    /** {@code full * scale} rounded, at least {@code min}. */
    public static int scaled(int full, double scale, int min) {
        return (int) Math.max(min, Math.round(full * scale));
    }
}
