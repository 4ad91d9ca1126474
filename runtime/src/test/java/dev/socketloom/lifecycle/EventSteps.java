package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.inet.Inet;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.lifecycle.Model.ClientModel;
import dev.socketloom.lifecycle.Model.ClientState;
import dev.socketloom.testing.TestSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The world-side steps of {@link EventActions}: events enabled and disabled while a callback is blocked in each kind
 * of I/O, stubborn callbacks past the join deadline, {@code available}/{@code peek} from outside, and the same through
 * the {@code Inet} facade. Every step leaves nothing of its own behind (its connections are disconnected and its
 * threads joined before it returns), so the world's model needs no new state; what a step checks when it returns is
 * checked again by {@link #check} after every later step (late callbacks are violations of the world).
 */
final class EventSteps {
    /** How long a stubborn scenario's connection waits for its event thread: short, so the chains stay fast. */
    private static final Duration SHORT_JOIN = Duration.ofMillis(100);
    /** Larger than any loopback socket buffer pair: a write of it blocks while the peer does not read. */
    private static final int BLOCKING_WRITE = 16 << 20;

    enum ReadKind { READ_FULLY, READ_LINE, READ, PEEK }

    enum Stubborn { IGNORES_INTERRUPTS, BLOCKED_IN_WRITE }

    /** How a stubborn scenario ends: the callback is let go, or the connection is disconnected first. */
    enum Ending { RELEASE, DISCONNECT }

    private final List<Thread> callbackThreads = new CopyOnWriteArrayList<>();

    /** A registration whose callback blocks on WRITE (delivered once, right after enabling) in {@code body}. */
    private static final class BlockingLog implements EventHandler {
        final String owner;
        final Queue<String> violations;
        final List<Event> events = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicReference<InetException> error = new AtomicReference<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final Body body;
        volatile boolean forbidden;

        interface Body {
            void run(Connection c) throws Exception;
        }

        BlockingLog(String owner, Queue<String> violations, Body body) {
            this.owner = owner;
            this.violations = violations;
            this.body = body;
        }

        @Override
        public void onEvent(Connection c, Event event, InetException e) throws Exception {
            if (forbidden) {
                violations.add("L4: " + owner + " received " + event + " after the call that ended its events "
                        + "answered (normally or not)");
            }
            events.add(event);
            if (event == Event.WRITE) {
                thread.set(Thread.currentThread());
                entered.countDown();
                try {
                    body.run(c);
                } catch (InetException ie) {
                    error.set(ie);
                }
            }
        }
    }

    /** Runs {@code call} on this thread or on a new virtual thread ("from another thread"); returns its outcome. */
    private static <T> T call(boolean otherThread, Callable<T> call) throws Exception {
        if (!otherThread) {
            return call.call();
        }
        FutureTask<T> task = new FutureTask<>(call);
        Thread t = Thread.ofVirtual().name("lifecycle-events-caller").start(task);
        t.join(World.DEADLINE);
        assertFalse(t.isAlive(), "the call on another thread did not return within " + World.DEADLINE);
        try {
            return task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError(e.getCause());
        }
    }

    /** The outcome of a call that may fail with an InetException: its error, or NONE. */
    private static InetError outcome(boolean otherThread, Callable<Void> c) throws Exception {
        return call(otherThread, () -> {
            try {
                c.call();
                return InetError.NONE;
            } catch (InetException e) {
                return e.error();
            }
        });
    }

    /**
     * disableEvents on a world client whose callback is blocked in a read: it returns normally, the read fails with
     * OPERATION_CANCELED, CANCEL is the last event, and the connection is open for real (an echo goes through).
     */
    String disableWhileBlockedInRead(World w, ClientModel cm, ReadKind kind, boolean otherThread) throws Exception {
        BlockingLog log = new BlockingLog(cm.name(), w.violations, c -> {
            switch (kind) {
                case READ_FULLY -> c.readFully(new byte[8], 0, 8);
                case READ_LINE -> c.readLine();
                case READ -> c.read(new byte[64], 0, 64);
                case PEEK -> c.peek(new byte[64], 0, 64);
            }
        });
        cm.conn.enableEvents(log, EnumSet.allOf(Event.class));
        TestSupport.await(log.entered, cm.name() + " callback to block in " + kind);
        callbackThreads.add(log.thread.get());
        InetError answer = outcome(otherThread, () -> {
            cm.conn.disableEvents();
            return null;
        });
        log.forbidden = true;
        assertEquals(InetError.NONE, answer, cm.name() + ": disableEvents with the callback blocked in " + kind);
        assertFalse(log.thread.get().isAlive(), "L4: the event thread of " + cm.name() + " outlived disableEvents");
        assertNotNull(log.error.get(), cm.name() + ": the blocked " + kind + " was not woken with an error");
        assertEquals(InetError.OPERATION_CANCELED, log.error.get().error(), cm.name() + ": " + log.error.get());
        assertEquals(Event.CANCEL, log.events.getLast(), cm.name() + " events " + log.events);
        assertTrue(cm.conn.isConnected(), cm.name() + ": isConnected() after disableEvents");
        cm.conn.writeLine("evt after");
        assertEquals("evt after", cm.conn.readLine(), cm.name() + ": the socket must really be open");
        return "disable events " + (otherThread ? "from another thread " : "") + "while the callback of "
                + cm.name() + " blocks in " + kind;
    }

    /**
     * available() and peek() from outside while events are on and a callback left a line unconsumed: both report
     * the buffered bytes, and the line is still there for a read once events are off.
     */
    String availableFromOutside(World w, ClientModel cm, boolean otherThread) throws Exception {
        CountDownLatch read = new CountDownLatch(1);
        List<Event> events = new CopyOnWriteArrayList<>();
        cm.conn.enableEvents((c, e, err) -> {
            events.add(e);
            if (e == Event.READ) {
                read.countDown(); // consumes nothing
            }
        }, EnumSet.of(Event.READ));
        String line = "evt left";
        cm.conn.writeLine(line);
        TestSupport.await(read, cm.name() + " READ");
        int expected = line.length() + 2; // CRLF
        for (int i = 0; i < 5; i++) { // spread over the event thread's waits for more data
            int available = call(otherThread, () -> cm.conn.available());
            assertEquals(expected, available, cm.name() + ": available() from outside, sample " + i);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // sampling spacing
        }
        byte[] peeked = new byte[64];
        assertEquals(expected, (int) call(otherThread, () -> cm.conn.peek(peeked, 0, peeked.length)),
                cm.name() + ": peek from outside");
        cm.conn.disableEvents();
        assertEquals(line, cm.conn.readLine(), cm.name() + ": the line the callback left");
        return "available/peek " + (otherThread ? "from another thread " : "") + "while " + cm.name()
                + "'s callback leaves a line buffered";
    }

    /** A plain loopback peer of one connection: echoes lines once {@link #release} is called (or at once). */
    private static final class Peer implements AutoCloseable {
        final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        final CountDownLatch released = new CountDownLatch(1);
        Socket socket;
        Thread thread;

        Peer() throws IOException {
        }

        int port() {
            return listener.getLocalPort();
        }

        /** Accepts the connection; after {@link #release}, drains {@code skip} bytes and echoes lines. */
        void serve(long skip) throws IOException {
            socket = listener.accept();
            Socket s = socket;
            thread = Thread.ofVirtual().name("lifecycle-events-peer").start(() -> {
                try {
                    released.await();
                    InputStream in = s.getInputStream();
                    long left = skip;
                    while (left > 0) {
                        long n = in.skip(left);
                        if (n <= 0 && in.read() < 0) {
                            return;
                        }
                        left -= Math.max(n, 1);
                    }
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                    OutputStream out = s.getOutputStream();
                    String l;
                    while ((l = r.readLine()) != null) {
                        out.write((l + "\r\n").getBytes(StandardCharsets.UTF_8));
                    }
                } catch (IOException | InterruptedException closed) {
                    // the step is over
                }
            });
        }

        void release() {
            released.countDown();
        }

        @Override
        public void close() throws Exception {
            release();
            if (socket != null) {
                socket.close();
            }
            listener.close();
            if (thread != null) {
                thread.join(World.DEADLINE);
            }
        }
    }

    /**
     * A callback that outlives the join deadline (ignoring interrupts, or blocked in a write the peer does not read):
     * disableEvents answers THREAD_NOT_TERMINATED, the connection stays open and says so, and nothing starts after
     * the answer - not when the callback is let go, nor after a disconnect that follows.
     */
    String stubbornPastTheDeadline(World w, Stubborn kind, Ending ending, boolean otherThread) throws Exception {
        CountDownLatch letGo = new CountDownLatch(1);
        BlockingLog log = new BlockingLog("stubborn " + kind, w.violations, c -> {
            if (kind == Stubborn.BLOCKED_IN_WRITE) {
                c.write(new byte[BLOCKING_WRITE]);
                return;
            }
            while (true) {
                try {
                    letGo.await();
                    return;
                } catch (InterruptedException ignored) {
                    // stubborn
                }
            }
        });
        ConnectOptions options = ConnectOptions.builder().joinDeadline(SHORT_JOIN).readTimeout(World.DEADLINE).build();
        try (Peer peer = new Peer()) {
            Connection c = w.rt.connect("127.0.0.1", peer.port(), options);
            try {
                peer.serve(kind == Stubborn.BLOCKED_IN_WRITE ? BLOCKING_WRITE : 0);
                if (kind == Stubborn.IGNORES_INTERRUPTS) {
                    peer.release();
                }
                c.enableEvents(log, EnumSet.allOf(Event.class));
                TestSupport.await(log.entered, "the stubborn callback to start");
                callbackThreads.add(log.thread.get());
                InetError answer = outcome(otherThread, () -> {
                    c.disableEvents();
                    return null;
                });
                log.forbidden = true;
                assertEquals(InetError.THREAD_NOT_TERMINATED, answer, "disableEvents past a stubborn callback");
                assertTrue(c.isConnected(), "isConnected() after disableEvents reported the stubborn callback");
                if (ending == Ending.DISCONNECT) {
                    InetError d = outcome(otherThread, () -> {
                        c.disconnect();
                        return null;
                    });
                    // a blocked write ends with the socket (and its thread in time); an interrupt-ignorer does not
                    assertTrue(d == InetError.NONE && kind == Stubborn.BLOCKED_IN_WRITE
                            || d == InetError.THREAD_NOT_TERMINATED, "disconnect after a stubborn callback: " + d);
                    assertFalse(c.isConnected(), "isConnected() after disconnect");
                }
                letGo.countDown();
                peer.release();
                log.thread.get().join(World.DEADLINE);
                assertFalse(log.thread.get().isAlive(), "the stubborn callback did not end once let go");
                if (ending == Ending.RELEASE) {
                    assertTrue(c.isConnected(), "isConnected() once the stubborn callback ended");
                    c.writeLine("evt after");
                    assertEquals("evt after", c.readLine(), "the socket must really be open");
                }
            } finally {
                letGo.countDown();
                peer.release();
                c.disconnect();
            }
        }
        return "disable events " + (otherThread ? "from another thread " : "") + "past a callback that "
                + (kind == Stubborn.BLOCKED_IN_WRITE ? "blocks in a write" : "ignores interrupts") + ", then "
                + (ending == Ending.RELEASE ? "let it go" : "disconnect");
    }

    /**
     * The facade's face of {@link #disableWhileBlockedInRead}: Inet.disableEvents returns 0 as the Java API returns
     * normally, the callback's Inet.readLine returns null with OPERATION_CANCELED, and the handle stays usable.
     */
    String inetDisableWhileBlockedInReadLine(World w, boolean otherThread) throws Exception {
        assertTrue(Inet.initialize(), "Inet.initialize");
        try (Peer peer = new Peer()) {
            int h = Inet.connect("127.0.0.1", peer.port(), (int) World.DEADLINE.toSeconds(), 0);
            assertTrue(h != Inet.INVALID_SOCKET, () -> "Inet.connect: " + Inet.getLastError());
            peer.serve(0);
            peer.release();
            CountDownLatch entered = new CountDownLatch(1);
            AtomicReference<String> read = new AtomicReference<>("(not returned)");
            AtomicReference<Integer> readError = new AtomicReference<>();
            List<Integer> events = new CopyOnWriteArrayList<>();
            assertEquals(0, Inet.enableEvents(h, Inet.INET_EVENT_MASK_ALL, (handle, event, error) -> {
                events.add(event);
                if (event == Inet.INET_EVENT_WRITE) {
                    callbackThreads.add(Thread.currentThread());
                    entered.countDown();
                    read.set(Inet.readLine(handle));
                    readError.set(Inet.getLastError());
                }
            }), "Inet.enableEvents");
            TestSupport.await(entered, "the facade callback to block in Inet.readLine");
            int[] answer = call(otherThread, () -> new int[] {Inet.disableEvents(h), Inet.getLastError()});
            assertEquals(0, answer[0], "Inet.disableEvents must answer as disableEvents did (normally): error "
                    + answer[1]);
            assertEquals(null, read.get(), "Inet.readLine woken by Inet.disableEvents");
            assertEquals(InetError.OPERATION_CANCELED.code(), readError.get(), "its last error");
            assertEquals(Inet.INET_EVENT_CANCEL, events.getLast(), "facade events " + events);
            assertTrue(Inet.isConnected(h), "Inet.isConnected after Inet.disableEvents");
            assertTrue(Inet.writeLine(h, "evt after") > 0, () -> "Inet.writeLine: " + Inet.getLastError());
            assertEquals("evt after", Inet.readLine(h), "the socket must really be open");
            assertEquals(0, Inet.disconnect(h), "Inet.disconnect");
        } finally {
            assertTrue(Inet.uninitialize(), () -> "Inet.uninitialize: " + Inet.getLastError());
        }
        return "Inet.disableEvents " + (otherThread ? "from another thread " : "")
                + "while the facade callback blocks in Inet.readLine";
    }

    /**
     * After every step: the callbacks these steps started have all ended, and every client the model holds open on
     * both sides says it is connected (a silently closed socket claiming to be open shows in the steps' echoes).
     */
    void check(World w) {
        for (Thread t : callbackThreads) {
            assertFalse(t.isAlive(), "an event thread of an events step outlived it: " + t);
        }
        for (ClientModel cm : w.clients) {
            if (cm.state == ClientState.ESTABLISHED && cm.rec != null && cm.rec.thread.isAlive() && !cm.outputShut) {
                assertTrue(cm.conn.isConnected(), cm.name() + ": isConnected() is false although both sides are open");
            }
        }
    }
}
