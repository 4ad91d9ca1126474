package dev.socketloom.internal.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The threads of one runtime that outlived the join of the call that ended their owner (L6): a disconnect, a stop,
 * {@code disableEvents} or the runtime's own close reported them, and their owner has left every registry since, so
 * nothing else would wait for them again. The runtime's close joins them once more against their deadline and
 * reports the ones still alive, every time: as long as a thread the runtime started lives, no close returns normally.
 *
 * <p>Only a failed join adds here, so an idle or well-behaved connection costs nothing (no field, no entry); a thread
 * is dropped once it has ended.
 */
final class Stragglers {
    /** Each straggler with the join deadline of the call that reported it. */
    private final Map<Thread, Duration> live = new ConcurrentHashMap<>();

    /** Remembers every thread of {@code joined} (but the caller) that is still alive after a join that timed out. */
    void record(Collection<Thread> joined, Duration deadline) {
        Thread self = Thread.currentThread();
        for (Thread t : joined) {
            if (t != null && t != self && t.isAlive()) {
                live.merge(t, deadline, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        }
        prune();
    }

    /** Forgets the ones that ended; returns the rest, to be joined again. */
    List<Thread> alive() {
        prune();
        return new ArrayList<>(live.keySet());
    }

    /** The longest deadline any live straggler was given, or zero. */
    Duration deadline() {
        Duration d = Duration.ZERO;
        for (Duration x : live.values()) {
            if (x.compareTo(d) > 0) {
                d = x;
            }
        }
        return d;
    }

    private void prune() {
        live.keySet().removeIf(t -> !t.isAlive());
    }
}
