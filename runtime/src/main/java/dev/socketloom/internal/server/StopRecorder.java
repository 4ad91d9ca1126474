package dev.socketloom.internal.server;

import dev.socketloom.internal.connection.LifecycleEvents;
import dev.socketloom.internal.connection.StopKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports the stop of one server as a {@code dev.socketloom.ServerStopped} event ({@link LifecycleEvents}): only the
 * first stop to reach the server reports (a second {@code disconnect()} of a stopped server is no new stop), and the
 * event spans that stop from its start to its end.
 *
 * <p>{@code disconnect()} and {@code stop(grace)} hold the token of {@link #stopping()} themselves; the runtime's
 * close stops each server in two calls (close everything, then join everything), so its token is kept here between
 * {@link #runtimeClosing} and {@link #runtimeClosed}. Thread-safe: the claim is atomic, and only the claiming stop
 * writes the rest.
 */
final class StopRecorder {
    private final int port;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile Object runtimeToken;
    private volatile int runtimeForced;

    StopRecorder(int port) {
        this.port = port;
    }

    /** At the start of a stop: the token to pass to {@link #stopped}, or null if another stop came first. */
    Object stopping() {
        return claimed.compareAndSet(false, true) ? LifecycleEvents.serverStopping() : null;
    }

    /** At the end of the stop that got {@code token} from {@link #stopping()}. */
    void stopped(Object token, StopKind how, Duration grace, int graceful, int forced, List<String> stragglers) {
        LifecycleEvents.serverStopped(token, port, how, grace, graceful, forced, stragglers);
    }

    /** Phase one of the runtime's close, with {@code connected} clients about to be disconnected. */
    void runtimeClosing(int connected) {
        Object token = stopping();
        if (token != null) {
            runtimeForced = connected;
            runtimeToken = token;
        }
    }

    /** Phase two of the runtime's close, after its join: threads of the server still alive are stragglers. */
    void runtimeClosed(ClientThreads threads, Thread acceptor) {
        Object token = runtimeToken;
        if (token == null) {
            return;
        }
        runtimeToken = null;
        List<String> stragglers = new ArrayList<>();
        List<Thread> candidates = new ArrayList<>(threads.alive());
        candidates.add(acceptor);
        for (Thread t : candidates) {
            if (t != null && t.isAlive() && t != Thread.currentThread()) {
                stragglers.add(t.getName());
            }
        }
        stopped(token, StopKind.RUNTIME_CLOSE, Duration.ZERO, 0, runtimeForced, stragglers);
    }
}
