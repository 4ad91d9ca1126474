package dev.socketloom.internal.server;

import dev.socketloom.InetError;
import dev.socketloom.internal.connection.CloseCause;
import dev.socketloom.internal.connection.SocketConnection;
import dev.socketloom.internal.util.Joiner;
import dev.socketloom.internal.util.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes many connections at once (a server disconnect, stop or the runtime's close) on more than one core: the
 * caller and, for large counts, a few short-lived platform threads take chunks of the list until it is done. Each
 * close is mostly kernel work (FIN, epoll removal, waking the connection's thread), so one thread closing 10 000
 * clients takes a good part of a second that two cores halve.
 *
 * <p>Over TLS a close may send close_notify, bounded by the deadline the caller shares out; the helpers send theirs
 * in parallel too.
 *
 * <p>The helpers are platform threads, so they run even while handlers keep every virtual-thread carrier busy
 * (lifecycle guarantee L2: nothing on the stop path waits for the virtual-thread scheduler), and they are joined
 * before {@link #closeAll} returns, so every client is closed when it does.
 */
final class ParallelClose {
    /** Clients per helper thread: below this one thread closes them all (a thread start costs ~100 µs). */
    static final int PER_HELPER = 1024;
    private static final int CHUNK = 64;

    private ParallelClose() {
    }

    /**
     * Closes every connection in {@code all} ({@link ConnectionLifecycle#closeOnce(InetError,
     * CloseCause, long)} with {@code cause} and the shared close_notify deadline {@code closeNotifyBy}) and returns
     * the thread each one had to be joined (or null), in the list's order. Helper threads are started through
     * {@code threads} as {@code name} and have ended when this returns.
     */
    static Thread[] closeAll(List<SocketConnection> all, CloseCause cause, long closeNotifyBy, Threads threads,
                             String name) {
        Thread[] managers = new Thread[all.size()];
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            int from;
            while ((from = next.getAndAdd(CHUNK)) < managers.length) {
                int to = Math.min(from + CHUNK, managers.length);
                for (int i = from; i < to; i++) {
                    managers[i] = all.get(i).closeOnce(null, cause, closeNotifyBy);
                }
            }
        };
        int helpers = Math.min(Runtime.getRuntime().availableProcessors() - 1, all.size() / PER_HELPER);
        List<Thread> started = new ArrayList<>(Math.max(helpers, 0));
        for (int h = 0; h < helpers; h++) {
            try {
                started.add(threads.startPlatform(name, work));
            } catch (OutOfMemoryError | RuntimeException cannotStart) {
                break; // the caller does the rest on its own
            }
        }
        work.run();
        // the helpers run no user code and block only in a close (SO_LINGER, close_notify): wait for them as long as
        // that takes
        Joiner.joinAll(started, Duration.ofDays(1));
        return managers;
    }
}
