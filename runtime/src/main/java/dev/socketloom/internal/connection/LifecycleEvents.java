package dev.socketloom.internal.connection;

import dev.socketloom.Event;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.jfr.JfrEmitter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The lifecycle's one door to the JFR events of {@link dev.socketloom.internal.jfr}: each method is one emission
 * point, called with the lifecycle objects at hand, and returns at once unless that event is being recorded.
 *
 * <p><b>Cost.</b> Each method first tests {@link #JFR} (a constant after class initialization) and the event's
 * enabled state (which is false, without loading any event class, until the Flight Recorder has been initialized),
 * and only then reads addresses, formats strings or allocates; nothing here runs per read or write.
 *
 * <p><b>Without {@code jdk.jfr}.</b> The module requires {@code jdk.jfr} only statically. {@link #JFR} is decided once:
 * whether the module {@code jdk.jfr} exists in the boot layer and this module reads it. When it is false,
 * {@link JfrEmitter} and the event classes are never loaded (they could not be), and every method here is a no-op.
 *
 * <p>Called on whatever thread reaches the lifecycle point (acceptor, handler, event, watchdog or a caller's thread);
 * stateless and thread-safe.
 */
public final class LifecycleEvents {
    /** Whether the Flight Recorder module is there to record to. */
    private static final boolean JFR = jfrReadable();

    private LifecycleEvents() {
    }

    private static boolean jfrReadable() {
        Module self = LifecycleEvents.class.getModule();
        return ModuleLayer.boot().findModule("jdk.jfr").map(jfr -> !self.isNamed() || self.canRead(jfr)).orElse(false);
    }

    /** {@code ConnectionOpened}: {@code c} has just become open. */
    static void opened(ConnectionLifecycle c) {
        if (JFR && JfrEmitter.openedEnabled()) {
            JfrEmitter.opened(c.id(), address(c.remoteAddress()), localPort(c), serverPort(c));
        }
    }

    /**
     * {@code ConnectionClosed}: the first close of {@code c}, before its socket is closed. A null {@code cause} is
     * derived: TIMEOUT when {@code reason} is, else PEER if the peer's end of stream was read, else LOCAL.
     * {@code manager} is the thread serving it (interrupted unless it is the caller: then the close is forced);
     * {@code expiry} says which deadline expired, for TIMEOUT. Connections that never opened report nothing.
     */
    static void closed(ConnectionLifecycle c, CloseCause cause, InetError reason, Thread manager, String expiry) {
        if (JFR && JfrEmitter.closedEnabled()) {
            Activity a = c.activity();
            long opened = a.openedNanos();
            if (opened == 0) {
                return;
            }
            CloseCause why = cause != null ? cause : reason == InetError.TIMEOUT ? CloseCause.TIMEOUT
                    : c.io().eof() ? CloseCause.PEER : CloseCause.LOCAL;
            boolean forced = manager != null && manager != Thread.currentThread();
            String detail = why == CloseCause.TIMEOUT && reason == InetError.TIMEOUT ? expiry : "";
            JfrEmitter.closed(c.id(), address(c.remoteAddress()), localPort(c), serverPort(c), why.name(), forced,
                    detail, System.nanoTime() - opened, a.bytesIn(), a.bytesOut());
        }
    }

    /**
     * {@code HandlerFailed}: the handler of {@code c} threw {@code t} while {@code c} was open: its
     * {@code ConnectionHandler} ({@code event} null) or its {@code EventHandler} on {@code event}.
     */
    public static void handlerFailed(SocketConnection c, Event event, Throwable t) {
        if (JFR && JfrEmitter.handlerFailedEnabled()) {
            StackTraceElement[] stack = t.getStackTrace();
            JfrEmitter.handlerFailed(c.id(), address(c.remoteAddress()), serverPort(c),
                    event == null ? "ConnectionHandler" : "EventHandler " + event, t.getClass().getName(),
                    Objects.toString(t.getMessage(), ""), t instanceof InetException ie ? ie.error().name() : "",
                    stack.length > 0 ? stack[0].toString() : "");
        }
    }

    /** {@code AcceptFailed}: an accept on {@code port} failed with {@code e}; the acceptor now backs off. */
    public static void acceptFailed(int port, Throwable e, long backoffNanos, long failures) {
        if (JFR && JfrEmitter.acceptFailedEnabled()) {
            JfrEmitter.acceptFailed(port, e.toString(), backoffNanos, failures);
        }
    }

    /** Begins a {@code ServerStopped} event; returns the token for {@link #serverStopped}, or null if not recorded. */
    public static Object serverStopping() {
        return JFR ? JfrEmitter.serverStopping() : null;
    }

    /** Ends and commits the {@code ServerStopped} event of {@code token} (null: nothing to do). */
    public static void serverStopped(Object token, int port, StopKind how, Duration grace, int graceful, int forced,
                              List<String> stragglers) {
        if (token != null) {
            JfrEmitter.serverStopped(token, port, how.name(), grace.toNanos(), graceful, forced, stragglers.size(),
                    String.join(", ", stragglers));
        }
    }

    private static String address(InetSocketAddress a) {
        if (a == null) {
            return "";
        }
        return (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString()) + ":" + a.getPort();
    }

    private static int serverPort(ConnectionLifecycle c) {
        AcceptingServer server = c.server();
        return server == null ? 0 : server.port();
    }

    private static int localPort(ConnectionLifecycle c) {
        InetSocketAddress local = c.localAddress();
        return local == null ? 0 : local.getPort();
    }
}
