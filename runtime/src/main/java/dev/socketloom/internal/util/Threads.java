package dev.socketloom.internal.util;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts every thread of one runtime and counts the live ones ({@code SocketRuntime.liveThreadCount()}). A thread is
 * counted from just before it starts until its body has returned; a start that fails is uncounted at once, so the
 * count never drifts.
 */
public final class Threads implements ThreadStarter {
    private final AtomicInteger live = new AtomicInteger();

    /**
     * A body that reports its own end: its last action, in a {@code finally}, is {@link Threads#ended()}. It runs
     * as the thread's task as it is, without the counting wrapper, which saves an object and two stack frames on
     * every idle thread (accepted connections are started this way; the footprint bar counts both).
     */
    public interface SelfCounting extends Runnable {
    }

    /** Starts a virtual thread: connection handlers, event threads, broadcast writers. */
    @Override
    public Thread start(String name, Runnable body) {
        return start(Thread.ofVirtual().name(name).unstarted(counted(body)));
    }

    /**
     * Starts a daemon platform thread, for the runtime's own loops that must run while every carrier is busy: the
     * acceptor (closing its listener must wake it without help from the virtual-thread scheduler, so a server stops
     * promptly under load) and the watchdog (timeouts must fire under load).
     */
    public Thread startPlatform(String name, Runnable body) {
        return start(Thread.ofPlatform().daemon(true).name(name).unstarted(counted(body)));
    }

    private Thread start(Thread t) {
        live.incrementAndGet();
        try {
            t.start();
        } catch (RuntimeException | Error e) {
            live.decrementAndGet();
            throw e;
        }
        return t;
    }

    /** A {@link SelfCounting} body has returned. */
    public void ended() {
        live.decrementAndGet();
    }

    private Runnable counted(Runnable body) {
        if (body instanceof SelfCounting) {
            return body;
        }
        return () -> {
            try {
                body.run();
            } finally {
                live.decrementAndGet();
            }
        };
    }

    /** Threads started here whose body has not returned yet. */
    public int live() {
        return live.get();
    }
}
