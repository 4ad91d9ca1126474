package dev.socketloom.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.socketloom.Connection;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;

/**
 * The leak check behind {@link SocketLoomTest}, usable on its own: {@link #closeAndInspect} closes a runtime and
 * reports what outlived the code that used it: the client
 * connections it left open, and the threads the runtime started that its close could not end.
 *
 * <p>It uses only the runtime's public observation API ({@link SocketRuntime#connections()},
 * {@link SocketRuntime#liveThreadCount()}), so it needs no JVM flags. Open connections are read before the close
 * (the close would end them); live threads after it, waiting at most the settle time.
 */
public final class LeakCheck {

    private LeakCheck() {
    }

    /**
     * Closes {@code runtime} and reports what outlived its user.
     *
     * @param runtime the runtime the test used; closed when this returns, whatever it reports
     * @param settle the longest time to wait, after the close, for the runtime's threads to end
     * @return the report; {@link LeakReport#isClean()} when nothing outlived
     * @throws InterruptedException when interrupted while settling
     */
    public static LeakReport closeAndInspect(SocketRuntime runtime, Duration settle) throws InterruptedException {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(settle, "settle");
        // Accepted connections belong to their handlers, which may not have seen the peer's close yet; the runtime's
        // close ends them and reports a handler that does not return. Only the test's own client sockets are leaks.
        Set<Long> accepted = new HashSet<>();
        for (Server server : runtime.servers()) {
            server.clients().forEach(c -> accepted.add(c.id()));
        }
        List<String> open = new ArrayList<>();
        for (Connection c : runtime.connections()) {
            if (c.isConnected() && !accepted.contains(c.id())) {
                open.add("connection " + c.id() + " " + c.localAddress() + " -> peer " + c.remoteAddress());
            }
        }
        String closeReport = "";
        try {
            runtime.close();
        } catch (InetException e) {
            // the runtime's own straggler report: it names the threads that ignored their interrupt
            closeReport = e.getMessage();
        }
        return new LeakReport(open, awaitThreads(runtime, settle), closeReport);
    }

    // The runtime offers a count, not a completion signal: wait on a timed condition (no busy spin) up to the
    // deadline, re-reading the count at short steps.
    private static int awaitThreads(SocketRuntime runtime, Duration settle) throws InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        ReentrantLock lock = new ReentrantLock();
        Condition never = lock.newCondition();
        int live = runtime.liveThreadCount();
        lock.lock();
        try {
            while (live > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                never.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
                live = runtime.liveThreadCount();
            }
        } finally {
            lock.unlock();
        }
        return live;
    }
}
