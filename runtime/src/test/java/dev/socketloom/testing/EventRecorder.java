package dev.socketloom.testing;

import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records the events of one connection, checks they never overlap, and lets a test react to each event.
 * Latches per event type open on the first occurrence.
 */
public final class EventRecorder implements EventHandler {
    /** What to do on an event (besides recording it). */
    @FunctionalInterface
    public interface Reaction {
        void react(Connection c, Event e, InetException error) throws Exception;
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<InetException> errors = new CopyOnWriteArrayList<>();
    private final Map<Event, CountDownLatch> seen = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final Reaction reaction;

    public EventRecorder(Reaction reaction) {
        this.reaction = reaction;
        for (Event e : Event.values()) {
            seen.put(e, new CountDownLatch(1));
        }
    }

    public EventRecorder() {
        this((c, e, err) -> { });
    }

    @Override
    public void onEvent(Connection c, Event e, InetException error) throws Exception {
        if (active.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        try {
            events.add(e);
            if (error != null) {
                errors.add(error);
            }
            reaction.react(c, e, error);
        } finally {
            active.decrementAndGet();
            seen.get(e).countDown();
        }
    }

    /** Waits for the first occurrence of {@code e} (after its callback returned). */
    public void await(Event e) throws InterruptedException {
        TestSupport.await(seen.get(e), "event " + e + " (so far " + events + ")");
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<InetException> errors() {
        return List.copyOf(errors);
    }

    /** How often a callback started while another was still running (must be 0). */
    public int overlaps() {
        return overlaps.get();
    }

    /**
     * Asserts the per-connection order: CONNECT first (if present), then READ / WRITE / TIMEOUT, then at most one
     * terminal DISCONNECT or ERROR, nothing after it, and never two callbacks at once.
     */
    public void assertWellOrdered() {
        List<Event> list = events();
        if (overlaps() != 0) {
            throw new AssertionError("callbacks overlapped " + overlaps() + " times: " + list);
        }
        for (int i = 0; i < list.size(); i++) {
            Event e = list.get(i);
            if (e == Event.CONNECT && i != 0) {
                throw new AssertionError("CONNECT not first: " + list);
            }
            if ((e == Event.DISCONNECT || e == Event.ERROR || e == Event.CANCEL) && i != list.size() - 1) {
                throw new AssertionError(e + " not last: " + list);
            }
        }
    }
}
