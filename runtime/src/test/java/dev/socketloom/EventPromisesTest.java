package dev.socketloom;

import dev.socketloom.inet.Inet;
import static dev.socketloom.testing.TestSupport.BYTE_ECHO;
import static dev.socketloom.testing.TestSupport.DEADLINE;
import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.testing.EventRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What {@code disableEvents()} does to a callback blocked in I/O (the connection stays open and says so), that nothing
 * starts after it answered - also when it answered THREAD_NOT_TERMINATED - and that {@code available()} from another
 * thread sees the bytes a callback left buffered; on the Java API and on the {@code Inet} facade.
 */
class EventPromisesTest {
    private static final byte[] NINETEEN = "nineteen bytes left".getBytes(StandardCharsets.US_ASCII);

    /** What one blocked callback saw: the error its blocking call ended with, and its thread. */
    private static final class Blocked {
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicReference<InetException> error = new AtomicReference<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final CountDownLatch returned = new CountDownLatch(1);
    }

    private interface BlockingCall {
        void run(Connection c) throws Exception;
    }

    /** A callback that, on WRITE (delivered once, right after enabling), blocks in {@code call}. */
    private static EventRecorder blockingIn(Blocked b, BlockingCall call) {
        return new EventRecorder((c, e, err) -> {
            if (e == Event.WRITE) {
                b.thread.set(Thread.currentThread());
                b.entered.countDown();
                try {
                    call.run(c);
                } catch (InetException ie) {
                    b.error.set(ie);
                } finally {
                    b.returned.countDown();
                }
            }
        });
    }

    private static void assertCanceledReadLeavesTheConnectionOpen(BlockingCall read, String sentBefore,
                                                                  String sentAfter, String expectedLine)
            throws Exception {
        Blocked b = new Blocked();
        EventRecorder rec = blockingIn(b, read);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), BYTE_ECHO);
             Connection c = rt.connect("127.0.0.1", server.port())) {
            c.enableEvents(rec, EnumSet.allOf(Event.class));
            await(b.entered, "the callback to start");
            if (sentBefore != null) {
                c.write(sentBefore.getBytes(StandardCharsets.UTF_8));
            }
            c.disableEvents();
            assertTrue(b.returned.getCount() == 0, "the callback returned before disableEvents did");
            assertNotNull(b.error.get(), "the blocked read was woken with an error");
            assertEquals(InetError.OPERATION_CANCELED, b.error.get().error(), b.error.get().toString());
            assertEquals(Event.CANCEL, rec.events().getLast());
            assertTrue(c.isConnected(), "isConnected");
            c.writeLine(sentAfter);
            assertEquals(expectedLine, c.readLine(), "the connection is really open, no byte lost");
            rec.assertWellOrdered();
        }
    }

    @Test
    void disableEventsWakesACallbackBlockedInReadFullyAndKeepsTheConnectionOpen() throws Exception {
        assertCanceledReadLeavesTheConnectionOpen(c -> c.readFully(new byte[10], 0, 10), null, "after", "after");
    }

    @Test
    void disableEventsWakesACallbackBlockedInReadLineAndKeepsTheConnectionOpen() throws Exception {
        // the partial line the callback was waiting to complete stays buffered for the next reader
        assertCanceledReadLeavesTheConnectionOpen(Connection::readLine, "par", "tial", "partial");
    }

    @Test
    void disableEventsWakesACallbackBlockedInReadAndKeepsTheConnectionOpen() throws Exception {
        assertCanceledReadLeavesTheConnectionOpen(c -> c.read(new byte[100], 0, 100), null, "after", "after");
    }

    /**
     * A write cannot be woken without closing the socket: disableEvents waits for it up to the join deadline, then
     * reports THREAD_NOT_TERMINATED; the connection stays open (and says so), and no CANCEL follows later.
     */
    @Test
    void disableEventsDuringABlockedWriteWaitsReportsTheStragglerAndKeepsTheConnectionOpen() throws Exception {
        int size = 32 << 20;
        CountDownLatch peerMayRead = new CountDownLatch(1);
        ConnectionHandler slowReader = c -> {
            peerMayRead.await();
            c.readFully(new byte[size], 0, size);
            String line;
            while ((line = c.readLine()) != null) {
                c.writeLine(line);
            }
        };
        Blocked b = new Blocked();
        EventRecorder rec = blockingIn(b, c -> c.write(new byte[size]));
        ConnectOptions shortJoin = ConnectOptions.builder().joinDeadline(Duration.ofMillis(300)).build();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), slowReader);
             Connection c = rt.connect("127.0.0.1", server.port(), shortJoin)) {
            c.enableEvents(rec, EnumSet.allOf(Event.class));
            await(b.entered, "the callback to start");
            InetException e = assertInetError(InetError.THREAD_NOT_TERMINATED, c::disableEvents);
            assertFalse(e.stragglers().isEmpty(), "the event thread is named as a straggler");
            int eventsAtAnswer = rec.events().size();
            assertTrue(c.isConnected(), "isConnected after the refused wait");
            peerMayRead.countDown();
            b.thread.get().join(DEADLINE);
            assertFalse(b.thread.get().isAlive(), "the callback ended once the peer read");
            assertNull(b.error.get(), "the write was not broken by disableEvents");
            assertEquals(eventsAtAnswer, rec.events().size(), "no callback (not even CANCEL) after the answer");
            c.writeLine("after");
            assertEquals("after", c.readLine());
        }
    }

    @Test
    void noCallbackStartsAfterDisableEventsReportedAStubbornCallback() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Blocked b = new Blocked();
        EventRecorder rec = blockingIn(b, c -> {
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException ignored) {
                    // stubborn: only the latch ends this
                }
            }
        });
        ConnectOptions shortJoin = ConnectOptions.builder().joinDeadline(Duration.ofMillis(200)).build();
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO);
             Connection c = rt.connect("127.0.0.1", server.port(), shortJoin)) {
            c.enableEvents(rec, EnumSet.allOf(Event.class));
            await(b.entered, "the callback to start");
            assertInetError(InetError.THREAD_NOT_TERMINATED, c::disableEvents);
            List<Event> atAnswer = List.copyOf(rec.events());
            release.countDown();
            b.thread.get().join(DEADLINE);
            assertFalse(b.thread.get().isAlive());
            assertEquals(atAnswer, rec.events(), "nothing started after disableEvents answered");
            assertTrue(c.isConnected());
            c.writeLine("after");
            assertEquals("after", c.readLine());
        }
    }

    /** A callback that reads nothing: the bytes stay buffered, and the pump waits for new ones. */
    private static EventRecorder leavesEverything(CountDownLatch read) {
        return new EventRecorder((c, e, err) -> {
            if (e == Event.READ) {
                read.countDown();
            }
        });
    }

    /**
     * Samples {@code available} over several of the event thread's waits for data (its slices), which is when it
     * holds the read side; every sample must see the buffered bytes. The spacing is sampling, not synchronization.
     */
    private static void assertEveryAvailableSampleIs(int expected, java.util.function.IntSupplier available) {
        for (int i = 0; i < 40; i++) {
            assertEquals(expected, available.getAsInt(), "available() on sample " + i);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Test
    void availableFromAnotherThreadCountsTheBytesACallbackLeftBuffered() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), BYTE_ECHO);
             Connection c = rt.connect("127.0.0.1", server.port())) {
            c.enableEvents(leavesEverything(read), EnumSet.of(Event.READ));
            c.write(NINETEEN);
            await(read, "READ");
            byte[] peeked = new byte[64];
            int n = c.peek(peeked, 0, peeked.length);
            assertEquals(NINETEEN.length, n, "peek sees them");
            assertEveryAvailableSampleIs(NINETEEN.length, c::available);
            c.disableEvents();
        }
    }

    /**
     * A reader from another thread gets buffered bytes within one of the event thread's waits for data, not after
     * several: the event thread lets a waiting reader go first. Ten one-byte reads, each bounded by one wait slice,
     * take well under a second; the bound here is generous.
     */
    @Test
    void aReadFromAnotherThreadDoesNotQueueBehindTheEventThreadsWaits() throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), BYTE_ECHO);
             Connection c = rt.connect("127.0.0.1", server.port())) {
            c.enableEvents(leavesEverything(read), EnumSet.of(Event.READ));
            c.write(NINETEEN);
            await(read, "READ");
            byte[] got = new byte[10];
            AtomicReference<Exception> failure = new AtomicReference<>();
            long start = System.nanoTime();
            Thread reader = Thread.ofVirtual().start(() -> { // another virtual thread, as a user's reader would be
                try {
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(1, c.read(got, i, 1));
                    }
                } catch (Exception e) {
                    failure.set(e);
                }
            });
            reader.join(DEADLINE);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertNull(failure.get());
            assertArrayEquals(java.util.Arrays.copyOf(NINETEEN, 10), got);
            assertTrue(tookMs < 4_000, "10 one-byte reads of buffered data took " + tookMs + " ms");
            c.disableEvents();
        }
    }

    // ------------------------------------------------------------------ the same through the Inet facade

    @Test
    void inetDisableEventsWakesACallbackBlockedInReadLineAndTheHandleStaysUsable() throws Exception {
        assertTrue(Inet.initialize());
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO)) {
            int h = Inet.connect("127.0.0.1", server.port(), 30, 0);
            assertTrue(h != Inet.INVALID_SOCKET, () -> Inet.getErrorString(Inet.getLastError()));
            CountDownLatch entered = new CountDownLatch(1);
            AtomicInteger readLineError = new AtomicInteger(-1);
            List<Integer> events = new CopyOnWriteArrayList<>();
            int enabled = Inet.enableEvents(h, Inet.INET_EVENT_MASK_ALL, (handle, event, error) -> {
                events.add(event);
                if (event == Inet.INET_EVENT_WRITE) {
                    entered.countDown();
                    String line = Inet.readLine(handle);
                    readLineError.set(line == null ? Inet.getLastError() : 0);
                }
            });
            assertEquals(0, enabled);
            await(entered, "the callback to start");
            assertEquals(0, Inet.disableEvents(h), () -> Inet.getErrorString(Inet.getLastError()));
            assertEquals(InetError.OPERATION_CANCELED.code(), readLineError.get());
            assertEquals(Inet.INET_EVENT_CANCEL, events.getLast());
            assertTrue(Inet.isConnected(h));
            assertTrue(Inet.writeLine(h, "after") > 0, () -> Inet.getErrorString(Inet.getLastError()));
            assertEquals("after", Inet.readLine(h));
            assertEquals(0, Inet.disconnect(h));
        } finally {
            assertTrue(Inet.uninitialize());
        }
    }

    @Test
    void inetDisableEventsThatReportsAStubbornCallbackStartsNothingLater() throws Exception {
        assertTrue(Inet.initialize());
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), LINE_ECHO)) {
            int h = Inet.connect("127.0.0.1", server.port(), 30, 0);
            assertTrue(h != Inet.INVALID_SOCKET);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Thread> thread = new AtomicReference<>();
            List<Integer> events = new CopyOnWriteArrayList<>();
            assertEquals(0, Inet.enableEvents(h, Inet.INET_EVENT_MASK_ALL, (handle, event, error) -> {
                events.add(event);
                if (event == Inet.INET_EVENT_WRITE) {
                    thread.set(Thread.currentThread());
                    entered.countDown();
                    boolean done = false;
                    while (!done) {
                        try {
                            release.await();
                            done = true;
                        } catch (InterruptedException ignored) {
                            // stubborn
                        }
                    }
                }
            }));
            await(entered, "the callback to start");
            assertEquals(Inet.INET_ERROR, Inet.disableEvents(h));
            assertEquals(InetError.THREAD_NOT_TERMINATED.code(), Inet.getLastError());
            List<Integer> atAnswer = List.copyOf(events);
            release.countDown();
            thread.get().join(DEADLINE);
            assertFalse(thread.get().isAlive());
            assertEquals(atAnswer, events, "no INET_EVENT_CANCEL after Inet.disableEvents answered");
            assertTrue(Inet.isConnected(h));
            assertEquals(0, Inet.disconnect(h));
        } finally {
            assertTrue(Inet.uninitialize());
        }
    }

    @Test
    void inetAvailableFromAnotherThreadCountsTheBytesACallbackLeftBuffered() throws Exception {
        assertTrue(Inet.initialize());
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), BYTE_ECHO)) {
            int h = Inet.connect("127.0.0.1", server.port(), 30, 0);
            assertTrue(h != Inet.INVALID_SOCKET);
            CountDownLatch read = new CountDownLatch(1);
            assertEquals(0, Inet.enableEvents(h, 1 << Inet.INET_EVENT_READ, (handle, event, error) -> {
                if (event == Inet.INET_EVENT_READ) {
                    read.countDown();
                }
            }));
            assertEquals(NINETEEN.length, Inet.write(h, NINETEEN, NINETEEN.length));
            await(read, "READ");
            assertTrue(Inet.isReadable(h, 0));
            assertEveryAvailableSampleIs(NINETEEN.length, () -> Inet.available(h));
            assertEquals(0, Inet.disableEvents(h));
            assertEquals(0, Inet.disconnect(h));
        } finally {
            assertTrue(Inet.uninitialize());
        }
    }
}
