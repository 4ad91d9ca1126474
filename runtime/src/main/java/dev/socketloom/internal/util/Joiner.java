package dev.socketloom.internal.util;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Joins threads against one deadline, never the calling thread (L5), and reports the ones still alive (L6).
 * Joining is not abandoned on interrupt: the guarantees of a disconnect must hold when it returns, so an interrupt
 * received while joining is remembered and restored afterwards.
 */
public final class Joiner {
    private Joiner() {
    }

    /**
     * Joins every thread in {@code threads} except the current one until {@code deadline} has elapsed in total.
     *
     * @return names of threads still alive at the deadline; empty when all terminated
     */
    public static List<String> joinAll(Collection<Thread> threads, Duration deadline) {
        Thread self = Thread.currentThread();
        long end = System.nanoTime() + deadline.toNanos();
        boolean interrupted = false;
        List<String> stragglers = new ArrayList<>(0);
        for (Thread t : threads) {
            if (t == null || t == self) {
                continue;
            }
            while (t.isAlive()) {
                long remaining = end - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                try {
                    t.join(Duration.ofNanos(remaining));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (t.isAlive()) {
                stragglers.add(t.getName());
            }
        }
        if (interrupted) {
            self.interrupt();
        }
        return stragglers;
    }
}
