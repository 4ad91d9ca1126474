package dev.socketloom.internal.connection;

import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.dial.Dial;
import dev.socketloom.internal.errors.Errors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The body of a connection's event thread: delivers CONNECT, WRITE, READ, TIMEOUT, DISCONNECT and ERROR in order,
 * one at a time, and never after it has been canceled (L4).
 *
 * <p>It waits for data in slices of {@link #SLICE_MILLIS} instead of one unbounded read, because interrupting a
 * virtual thread blocked in a socket read makes the JDK close the socket: {@code disableEvents()} must be able to take
 * the thread back while keeping the connection open. For the same reason a callback is interrupted by a cancel only
 * while it is not in a read or write of this connection ({@link #enterIo}): a read it is blocked in waits in slices
 * too ({@link CancelableInput}) and fails with OPERATION_CANCELED once the pump is canceled, the socket untouched; a
 * write runs on (it cannot be woken without closing the socket), and the interrupt is delivered when the I/O
 * returns. Once a {@code disableEvents()} gave up waiting for the callback ({@link #abandon}), nothing more starts -
 * not even CANCEL (L4 counts a failed return too).
 */
public final class EventPump implements Runnable {
    static final int SLICE_MILLIS = 100;
    private static final System.Logger LOG = System.getLogger("dev.socketloom");

    private final SocketConnection conn;
    private final EventHandler handler;
    private final EnumSet<Event> mask;
    private final String connectHost;
    private final int connectPort;
    private final ReentrantLock callbackLock = new ReentrantLock();
    private volatile boolean canceled;
    private boolean inCallback; // guarded by callbackLock; written only by the pump's thread
    private boolean inIo; // guarded by callbackLock: the running callback is in a read or write of this connection
    private boolean interruptOwed; // guarded by callbackLock: a cancel's interrupt, held back while in I/O
    private boolean abandoned; // guarded by callbackLock: disableEvents stopped waiting; nothing may start any more
    /** Bytes buffered while the pump holds the read side waiting for more (see {@link ConnectionIo#available}). */
    private volatile int bufferedWhileWaiting;
    private volatile Thread thread;
    private boolean inline;

    /** A pump for a connection that is already connected. */
    public EventPump(SocketConnection conn, EventHandler handler, EnumSet<Event> mask) {
        this(conn, handler, mask, null, 0);
    }

    /**
     * A pump that first resolves and connects to {@code host}:{@code port} (async connect), or, when {@code host} is
     * null, starts on a connected connection.
     */
    public EventPump(SocketConnection conn, EventHandler handler, EnumSet<Event> mask, String host, int port) {
        this.conn = conn;
        this.handler = handler;
        this.mask = mask;
        this.connectHost = host;
        this.connectPort = port;
    }

    /** Marks this pump as running on a thread that also does other work (a server handler), not its own. */
    EventPump inline() {
        inline = true;
        return this;
    }

    boolean isInline() {
        return inline;
    }

    /**
     * Stops delivery; interrupts a callback that is running right now (not the wait for data), unless it is in a read
     * or write of this connection, where an interrupt would close the socket: then the interrupt waits until that
     * I/O returns (a blocked read returns at its next slice, with OPERATION_CANCELED).
     */
    void cancel() {
        callbackLock.lock();
        try {
            canceled = true;
            Thread t = thread;
            if (inCallback && t != null && t != Thread.currentThread()) {
                if (inIo) {
                    interruptOwed = true;
                } else {
                    t.interrupt();
                }
            }
        } finally {
            callbackLock.unlock();
        }
    }

    /**
     * Records that a {@code disableEvents()} stopped waiting for this pump's thread (it reports the straggler): no
     * callback, CANCEL included, may start after that answer.
     */
    void abandon() {
        callbackLock.lock();
        try {
            abandoned = true;
        } finally {
            callbackLock.unlock();
        }
    }

    /** Whether the calling thread is this pump's, inside a callback: its reads and writes go through the gate. */
    boolean callbackRunsHere() {
        return inCallback && thread == Thread.currentThread(); // inCallback: written by this very thread
    }

    /**
     * Called by the callback's thread before a read or write of this connection ({@link #callbackRunsHere}). A
     * cancel's interrupt that is still pending is taken back (it would close the socket) and re-delivered by
     * {@link #exitIo}; while in I/O, a cancel does not interrupt.
     */
    void enterIo() {
        callbackLock.lock();
        try {
            inIo = true;
            if (canceled && Thread.interrupted()) {
                interruptOwed = true;
            }
        } finally {
            callbackLock.unlock();
        }
    }

    /** The end of {@link #enterIo}'s I/O: delivers the interrupt a cancel held back meanwhile. */
    void exitIo() {
        callbackLock.lock();
        try {
            inIo = false;
            if (interruptOwed) {
                interruptOwed = false;
                Thread.currentThread().interrupt();
            }
        } finally {
            callbackLock.unlock();
        }
    }

    /** Publishes how many bytes are buffered while the pump waits with the read side held (0 when it does not). */
    void waitingWith(int buffered) {
        bufferedWhileWaiting = buffered;
    }

    int bufferedWhileWaiting() {
        return bufferedWhileWaiting;
    }

    boolean isCanceled() {
        return canceled;
    }

    private boolean stopped() {
        return canceled || conn.isClosedState();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            if (connectHost != null) {
                try {
                    connect();
                } catch (IOException e) {
                    fire(Event.ERROR, Errors.wrap(e, "connect to " + connectHost + ":" + connectPort));
                    conn.closeOnce(null);
                    return;
                }
            }
            if (!fire(Event.CONNECT, null) || !fire(Event.WRITE, null)) {
                return;
            }
            pump();
        } finally {
            try {
                deliverCancel();
            } finally {
                conn.pumpEnded(this);
            }
        }
    }

    private void pump() {
        ReadBuffer.Progress reported = null;
        long timeoutReportedFor = Long.MIN_VALUE;
        Duration idle = conn.options().idleTimeout();
        Activity activity = conn.activity();
        while (!stopped()) {
            ReadBuffer.DataState ds;
            try {
                ds = conn.io().awaitData(SLICE_MILLIS, reported, this);
            } catch (IOException e) {
                if (!stopped()) {
                    InetException error = Errors.wrap(e, "events of " + conn.remoteAddress());
                    fire(Event.ERROR, error);
                    conn.closeOnce(null, CloseCause.ofFailure(error));
                }
                return;
            }
            if (stopped()) {
                return;
            }
            switch (ds) {
                case DATA -> {
                    ReadBuffer.Progress before = conn.io().progress();
                    if (!fire(Event.READ, null)) {
                        return;
                    }
                    ReadBuffer.Progress after = conn.io().progress();
                    // consumed something: fire again for what is still buffered; consumed nothing: wait for new bytes
                    reported = after.consumed() != before.consumed() ? null : after;
                }
                case EOF -> {
                    fire(Event.DISCONNECT, null);
                    conn.closeOnce(null);
                    return;
                }
                case NONE -> {
                    long idleFor = idle.isZero() ? 0 : activity.idleNanos(System.nanoTime());
                    long last = activity.lastActivityNanos();
                    if (!idle.isZero() && last != timeoutReportedFor && idleFor >= idle.toNanos()) {
                        timeoutReportedFor = last;
                        if (!fire(Event.TIMEOUT, new InetException(InetError.TIMEOUT,
                                "no activity on " + conn.remoteAddress() + " for " + idle))) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /**
     * Connects an async connection on this (its event) thread, to every address the host resolves to if need be
     * ({@link Dial}); a disconnect meanwhile closes the dial's sockets.
     */
    private void connect() throws IOException {
        Dial dial = new Dial(connectHost, connectPort, Dial.resolve(connectHost, connectPort,
                conn.options().localAddress()), conn.options(), conn.runtimeThreads());
        if (!conn.attachPending(dial)) {
            throw new InetException(InetError.OPERATION_CANCELED, "connect to " + connectHost + ":" + connectPort
                    + " canceled by disconnect");
        }
        Dial.Connected connected;
        try {
            connected = dial.connect();
        } catch (InetException e) {
            if (conn.isClosedState()) {
                throw new InetException(InetError.OPERATION_CANCELED, "connect to " + connectHost + ":" + connectPort
                        + " canceled", e);
            }
            throw e;
        }
        InetSocketAddress target = connected.target();
        conn.resolved(target);
        if (!conn.attach(connected.socket())) {
            throw new InetException(InetError.OPERATION_CANCELED, "connect to " + target + " canceled by disconnect");
        }
        boolean secure = conn.options().tls() != null;
        try {
            if (!secure && !conn.markOpen()) {
                throw new InetException(InetError.OPERATION_CANCELED, "connect to " + target
                        + " canceled by disconnect");
            }
        } catch (IOException e) {
            if (conn.isClosedState()) {
                throw new InetException(InetError.OPERATION_CANCELED, "connect to " + target + " canceled", e);
            }
            throw Errors.wrap(e, "connect to " + target);
        }
        if (secure) {
            conn.secure(conn.options().tls(), null); // the TLS handshake, on this thread; opens the connection
        }
    }

    /**
     * The last event after {@code disableEvents()} (not after a disconnect, which ends events silently): delivered on
     * this thread before the pump ends, so before {@code disableEvents()} returns (L4).
     */
    private void deliverCancel() {
        if (!canceled || conn.isClosedState() || !mask.contains(Event.CANCEL)) {
            return;
        }
        callbackLock.lock();
        try {
            if (abandoned) {
                return; // disableEvents already answered (THREAD_NOT_TERMINATED): too late to start anything
            }
            interruptOwed = false;
            Thread.interrupted(); // an interrupt meant for the canceled callback must not hit this one
        } finally {
            callbackLock.unlock();
        }
        try {
            handler.onEvent(conn, Event.CANCEL, null);
        } catch (Throwable t) {
            LifecycleEvents.handlerFailed(conn, Event.CANCEL, t);
            LOG.log(System.Logger.Level.WARNING, "event handler of " + conn.remoteAddress() + " failed on CANCEL", t);
        }
    }

    /** Delivers one event if it is in the mask; returns false once delivery has stopped. */
    private boolean fire(Event event, InetException error) {
        if (!mask.contains(event)) {
            return !stopped();
        }
        callbackLock.lock();
        try {
            if (stopped()) {
                return false;
            }
            inCallback = true;
        } finally {
            callbackLock.unlock();
        }
        try {
            handler.onEvent(conn, event, error);
        } catch (Throwable t) {
            if (!stopped()) {
                LifecycleEvents.handlerFailed(conn, event, t);
                LOG.log(System.Logger.Level.WARNING, "event handler of " + conn.remoteAddress() + " failed on "
                        + event, t);
            }
        } finally {
            callbackLock.lock();
            try {
                inCallback = false;
                inIo = false; // a callback that threw out of the gate's I/O
                if (canceled) {
                    interruptOwed = false;
                    Thread.interrupted(); // a cancel's interrupt was meant for the callback only
                }
            } finally {
                callbackLock.unlock();
            }
        }
        return !stopped();
    }
}
