package dev.socketloom.lifecycle;

import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/** Records the events of one registration (async connect or enableEvents) and checks L4 on every callback. */
final class EventLog implements EventHandler {
    final String owner;
    final Queue<String> violations;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
    final CountDownLatch connected = new CountDownLatch(1);
    final CountDownLatch ended = new CountDownLatch(1);
    final Queue<InetException> errors = new ConcurrentLinkedQueue<>();
    volatile Thread thread;
    volatile boolean forbidden;

    EventLog(String owner, Queue<String> violations) {
        this.owner = owner;
        this.violations = violations;
    }

    @Override
    public void onEvent(Connection c, Event event, InetException error) throws Exception {
        thread = Thread.currentThread();
        if (forbidden) {
            violations.add("L4: " + owner + " received " + event + " after the call that ended its events returned");
        }
        events.add(event);
        if (error != null) {
            errors.add(error);
        }
        switch (event) {
            case CONNECT -> connected.countDown();
            case READ -> {
                String line = c.readLine();
                if (line != null) {
                    inbox.add(line);
                }
            }
            case DISCONNECT, ERROR -> {
                connected.countDown();
                ended.countDown();
            }
            default -> {
            }
        }
    }

    /** CONNECT, WRITE, then READ/TIMEOUT, then at most one terminal event, nothing after it. */
    String orderProblem() {
        List<Event> seen = List.copyOf(events);
        for (int i = 0; i < seen.size(); i++) {
            Event e = seen.get(i);
            boolean ok = switch (i) {
                case 0 -> e == Event.CONNECT || e == Event.ERROR;
                case 1 -> e == Event.WRITE || terminal(e);
                default -> e == Event.READ || e == Event.TIMEOUT || terminal(e);
            };
            if (!ok || (i > 0 && terminal(seen.get(i - 1)))) {
                return owner + " saw events in a forbidden order: " + seen;
            }
        }
        return null;
    }

    static boolean terminal(Event e) {
        return e == Event.DISCONNECT || e == Event.ERROR || e == Event.CANCEL;
    }
}
