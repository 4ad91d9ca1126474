package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.closedPort;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.testing.EventRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Events, async connect and L4: no callback after the call that forbade it returned. */
class EventsTest {
    private static final ConnectOptions DEFAULTS = ConnectOptions.DEFAULTS;

    @Test
    void asyncConnectDeliversConnectWriteReadDisconnectInOrder() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        EventRecorder rec = new EventRecorder((c, e, err) -> {
            switch (e) {
                case CONNECT -> c.writeLine("hello");
                case READ -> {
                    String line = c.readLine();
                    lines.add(line);
                    c.shutdownOutput(); // the echo server then closes, which we see as DISCONNECT
                }
                default -> { }
            }
        });
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO)) {
            Connection c = rt.connectAsync("127.0.0.1", server.port(), DEFAULTS, rec);
            rec.await(Event.DISCONNECT);
            c.disconnect();
            assertEquals(List.of("hello"), lines);
            assertEquals(List.of(Event.CONNECT, Event.WRITE, Event.READ, Event.DISCONNECT), rec.events());
            rec.assertWellOrdered();
            assertFalse(rt.connections().contains(c));
        }
    }

    @Test
    void asyncConnectToAClosedPortDeliversOnlyAnError() throws Exception {
        EventRecorder rec = new EventRecorder();
        int port = closedPort();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Connection c = rt.connectAsync("127.0.0.1", port, DEFAULTS, rec);
            rec.await(Event.ERROR);
            c.disconnect();
            assertEquals(List.of(Event.ERROR), rec.events());
            assertEquals(InetError.CONNECTION_REFUSED, rec.errors().getFirst().error());
            assertFalse(c.isConnected());
        }
    }

    @Test
    void asyncConnectToAnUnknownHostDeliversHostNotFound() throws Exception {
        EventRecorder rec = new EventRecorder();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Connection c = rt.connectAsync("no-such-host.invalid", 80, DEFAULTS, rec);
            rec.await(Event.ERROR);
            c.disconnect();
            assertEquals(InetError.HOST_NOT_FOUND, rec.errors().getFirst().error());
        }
    }

    @Test
    void idleTimeoutDeliversATimeoutEventAndKeepsTheConnection() throws Exception {
        EventRecorder rec = new EventRecorder();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO)) {
            Connection c = rt.connectAsync("127.0.0.1", server.port(),
                    ConnectOptions.builder().idleTimeout(Duration.ofMillis(200)).build(), rec);
            rec.await(Event.TIMEOUT);
            assertTrue(c.isConnected(), "TIMEOUT informs; the handler decides");
            assertEquals(InetError.TIMEOUT, rec.errors().getFirst().error());
            c.disconnect();
            rec.assertWellOrdered();
        }
    }

    @Test
    void disableEventsStopsCallbacksAndKeepsTheConnectionOpen() throws Exception {
        List<String> seenByCallback = new CopyOnWriteArrayList<>();
        EventRecorder rec = new EventRecorder((c, e, err) -> {
            if (e == Event.READ) {
                seenByCallback.add(c.readLine());
            }
        });
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO);
             Connection c = rt.connect("127.0.0.1", server.port())) {
            c.enableEvents(rec, EnumSet.of(Event.READ));
            assertTrue(c.eventsEnabled());
            c.writeLine("one");
            rec.await(Event.READ);
            c.disableEvents();
            int eventsAtReturn = rec.events().size();
            assertFalse(c.eventsEnabled());

            c.writeLine("two");
            assertEquals("two", c.readLine(), "the data reached us, not a callback");
            assertEquals(eventsAtReturn, rec.events().size(), "no callback after disableEvents returned");
            assertEquals(List.of("one"), seenByCallback);
            assertTrue(c.isConnected());
            c.disableEvents(); // idempotent

            EventRecorder again = new EventRecorder((conn, e, err) -> conn.readLine());
            c.enableEvents(again, EnumSet.of(Event.READ)); // and events can be enabled again
            c.writeLine("three");
            again.await(Event.READ);
            c.disableEvents();
        }
    }

    @Test
    void disableEventsWhileAReadCallbackRunsInterruptsAndJoinsIt() throws Exception {
        CountDownLatch inCallback = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean callbackReturned = new AtomicBoolean();
        EventRecorder rec = new EventRecorder((c, e, err) -> {
            if (e == Event.READ) {
                c.readLine();
                inCallback.countDown();
                try {
                    new CountDownLatch(1).await(); // only an interrupt ends this
                } catch (InterruptedException ie) {
                    interrupted.set(true);
                }
                callbackReturned.set(true);
            }
        });
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO);
             Connection c = rt.connect("127.0.0.1", server.port())) {
            c.enableEvents(rec, EnumSet.allOf(Event.class));
            c.writeLine("block");
            await(inCallback, "READ callback");
            c.disableEvents();
            assertTrue(interrupted.get(), "the running callback was interrupted");
            assertTrue(callbackReturned.get(), "and joined before disableEvents returned");
            int n = rec.events().size();
            c.writeLine("after");
            assertEquals("after", c.readLine(), "the connection survived (the callback was not in a socket read)");
            assertEquals(n, rec.events().size());
            rec.assertWellOrdered();
        }
    }

    @Test
    void disableEventsFromInsideACallbackDoesNotDeadlock() throws Exception {
        EventRecorder rec = new EventRecorder((c, e, err) -> {
            if (e == Event.READ) {
                c.readLine();
                c.disableEvents();
            }
        });
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO);
             Connection c = rt.connect("127.0.0.1", server.port())) {
            c.enableEvents(rec, EnumSet.of(Event.READ));
            c.writeLine("first");
            rec.await(Event.READ);
            c.writeLine("second");
            assertEquals("second", c.readLine(), "events stopped after the callback that disabled them");
            assertEquals(List.of(Event.READ), rec.events());
        }
    }

    @Test
    void disconnectWhileAReadCallbackRunsJoinsItAndNothingFollows() throws Exception {
        CountDownLatch inCallback = new CountDownLatch(1);
        AtomicBoolean callbackReturned = new AtomicBoolean();
        EventRecorder rec = new EventRecorder((c, e, err) -> {
            if (e == Event.READ) {
                inCallback.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException ie) {
                    callbackReturned.set(true);
                }
            }
        });
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO)) {
            Connection c = rt.connectAsync("127.0.0.1", server.port(), DEFAULTS, (conn, e, err) -> {
                if (e == Event.CONNECT) {
                    conn.writeLine("x");
                }
                rec.onEvent(conn, e, err);
            });
            await(inCallback, "READ callback");
            c.disconnect();
            assertTrue(callbackReturned.get(), "the callback was interrupted and joined");
            List<Event> atReturn = rec.events();
            assertFalse(atReturn.contains(Event.DISCONNECT), "a local disconnect is not reported as DISCONNECT");
            assertEquals(atReturn, rec.events());
            assertInetError(InetError.NOT_CONNECTED, c::readLine);
            rec.assertWellOrdered();
        }
    }

    @Test
    void runtimeCloseInterruptsRunningCallbacksAndStopsEveryEventThread() throws Exception {
        SocketRuntime rt = SocketRuntime.open();
        Server server = rt.startServer(loopback().build(), LINE_ECHO);
        int n = 20;
        CountDownLatch allInCallback = new CountDownLatch(n);
        java.util.concurrent.atomic.AtomicInteger interrupted = new java.util.concurrent.atomic.AtomicInteger();
        List<EventRecorder> recs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EventRecorder rec = new EventRecorder((c, e, err) -> {
                if (e == Event.CONNECT) {
                    c.writeLine("ping");
                } else if (e == Event.READ) {
                    c.readLine();
                    allInCallback.countDown();
                    try {
                        new CountDownLatch(1).await(); // inside a callback when the runtime closes
                    } catch (InterruptedException ie) {
                        interrupted.incrementAndGet();
                    }
                }
            });
            recs.add(rec);
            rt.connectAsync("127.0.0.1", server.port(), DEFAULTS, rec);
        }
        await(allInCallback, n + " READ callbacks running");
        rt.close();
        assertEquals(n, interrupted.get(), "every running callback was interrupted and joined");
        assertEquals(0, rt.liveThreadCount(), "every event thread joined: no callback can follow");
        for (EventRecorder rec : recs) {
            assertEquals(List.of(Event.CONNECT, Event.WRITE, Event.READ), rec.events());
        }
    }

    @Test
    void manyReadsAreDeliveredOneAtATimeInOrder() throws Exception {
        int lines = 300;
        List<String> got = new CopyOnWriteArrayList<>();
        EventRecorder rec = new EventRecorder((c, e, err) -> {
            if (e == Event.READ) {
                got.add(c.readLine()); // one line per callback; the rest stays buffered and fires READ again
            }
        });
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> {
                 for (int i = 0; i < lines; i++) {
                     c.writeLine("line " + i);
                 }
                 c.shutdownOutput();
                 c.read(new byte[1]);
             })) {
            Connection c = rt.connectAsync("127.0.0.1", server.port(), DEFAULTS, rec);
            rec.await(Event.DISCONNECT);
            c.disconnect();
            assertEquals(lines, got.size());
            for (int i = 0; i < lines; i++) {
                assertEquals("line " + i, got.get(i));
            }
            rec.assertWellOrdered();
            assertEquals(Event.DISCONNECT, rec.events().getLast());
        }
    }

    @Test
    void disableEventsDeliversCancelLastBeforeItReturnsButDisconnectDoesNot() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO)) {
            EventRecorder disabled = new EventRecorder();
            try (Connection c = rt.connect("127.0.0.1", server.port())) {
                c.enableEvents(disabled, EnumSet.allOf(Event.class));
                disabled.await(Event.WRITE);
                c.disableEvents();
                assertEquals(List.of(Event.CONNECT, Event.WRITE, Event.CANCEL), disabled.events(),
                        "CANCEL came, last, before disableEvents returned");
                c.writeLine("still open");
                assertEquals("still open", c.readLine());
            }
            assertEquals(List.of(Event.CONNECT, Event.WRITE, Event.CANCEL), disabled.events());

            EventRecorder disconnected = new EventRecorder();
            Connection d = rt.connect("127.0.0.1", server.port());
            d.enableEvents(disconnected, EnumSet.allOf(Event.class));
            disconnected.await(Event.WRITE);
            d.disconnect();
            assertEquals(List.of(Event.CONNECT, Event.WRITE), disconnected.events(), "a disconnect ends events silently");
        }
    }

    @Test
    void eventsCannotBeEnabledOnAConnectionAServerHandlerManages() throws Exception {
        java.util.concurrent.CompletableFuture<InetError> outcome = new java.util.concurrent.CompletableFuture<>();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> {
                 try {
                     c.enableEvents(new EventRecorder(), EnumSet.allOf(Event.class));
                     outcome.complete(InetError.NONE);
                 } catch (InetException e) {
                     outcome.complete(e.error());
                 }
             });
             Connection c = rt.connect("127.0.0.1", server.port())) {
            assertEquals(InetError.INVALID_ARGUMENT, outcome.get(30, java.util.concurrent.TimeUnit.SECONDS));
            c.readLine();
        }
    }
}
