package dev.socketloom.internal.jfr;

import jdk.jfr.FlightRecorder;

/**
 * Creates and commits the SocketLoom events; the only class besides the events (and their annotation) that names a
 * {@code jdk.jfr} type. Parameters are plain values, so callers need no JFR type either.
 *
 * <p><b>Never load this class unless {@code jdk.jfr} is readable</b>: callers check that once (see
 * {@code dev.socketloom.internal.LifecycleEvents}) and only then call in here, because without the module the event
 * classes cannot be loaded.
 *
 * <p><b>Cost.</b> Every {@code xxxEnabled()} first asks whether the Flight Recorder was ever initialized in this
 * JVM (a volatile read; until then no event class is even loaded, see {@code Probes}), then reads the enabled state of
 * one event class (instance-independent, {@code false} until a recording enables the event). Callers call it first
 * and compute the values to record only when it returns {@code true}, so a disabled event costs neither allocation
 * nor formatting. Every method may be called from any thread; events are committed on the calling thread.
 */
public final class JfrEmitter {
    /**
     * One instance per event class, to read its enabled state ({@code isEnabled()} is per class, not per instance).
     * Loading an event class registers it with the Flight Recorder, which on first use costs a fraction of a second
     * of JFR's own start-up; so nothing here is touched before the recorder has been initialized (a recording
     * started by {@code -XX:StartFlightRecording}, {@code jcmd JFR.start} or the API), and until then no recording
     * can have enabled an event. Created together, so every event class loads at once: an accept that fails for want
     * of file descriptors (L12) should not be the first to load one (loading a class from a directory takes one).
     */
    private static final class Probes {
        static final ConnectionOpenedEvent OPENED = new ConnectionOpenedEvent();
        static final ConnectionClosedEvent CLOSED = new ConnectionClosedEvent();
        static final HandlerFailedEvent HANDLER_FAILED = new HandlerFailedEvent();
        static final AcceptFailedEvent ACCEPT_FAILED = new AcceptFailedEvent();
        static final ServerStoppedEvent STOPPED = new ServerStoppedEvent();
    }

    private JfrEmitter() {
    }

    /** Whether {@code dev.socketloom.ConnectionOpened} is being recorded. */
    public static boolean openedEnabled() {
        return FlightRecorder.isInitialized() && Probes.OPENED.isEnabled();
    }

    /** Commits a {@code dev.socketloom.ConnectionOpened}. */
    public static void opened(long connectionId, String remoteAddress, int localPort, int serverPort) {
        ConnectionOpenedEvent e = new ConnectionOpenedEvent();
        e.connectionId = connectionId;
        e.remoteAddress = remoteAddress;
        e.localPort = localPort;
        e.serverPort = serverPort;
        e.commit();
    }

    /** Whether {@code dev.socketloom.ConnectionClosed} is being recorded. */
    public static boolean closedEnabled() {
        return FlightRecorder.isInitialized() && Probes.CLOSED.isEnabled();
    }

    /** Commits a {@code dev.socketloom.ConnectionClosed}. */
    public static void closed(long connectionId, String remoteAddress, int localPort, int serverPort, String cause,
                              boolean forced, String detail, long lifetimeNanos, long bytesIn, long bytesOut) {
        ConnectionClosedEvent e = new ConnectionClosedEvent();
        e.connectionId = connectionId;
        e.remoteAddress = remoteAddress;
        e.localPort = localPort;
        e.serverPort = serverPort;
        e.cause = cause;
        e.forced = forced;
        e.detail = detail;
        e.lifetime = lifetimeNanos;
        e.bytesIn = bytesIn;
        e.bytesOut = bytesOut;
        e.commit();
    }

    /** Whether {@code dev.socketloom.AcceptFailed} is being recorded. */
    public static boolean acceptFailedEnabled() {
        return FlightRecorder.isInitialized() && Probes.ACCEPT_FAILED.isEnabled();
    }

    /** Commits a {@code dev.socketloom.AcceptFailed}. */
    public static void acceptFailed(int serverPort, String error, long backoffNanos, long failures) {
        AcceptFailedEvent e = new AcceptFailedEvent();
        e.serverPort = serverPort;
        e.error = error;
        e.backoff = backoffNanos;
        e.failures = failures;
        e.commit();
    }

    /** Whether {@code dev.socketloom.HandlerFailed} is being recorded. */
    public static boolean handlerFailedEnabled() {
        return FlightRecorder.isInitialized() && Probes.HANDLER_FAILED.isEnabled();
    }

    /** Commits a {@code dev.socketloom.HandlerFailed}. */
    public static void handlerFailed(long connectionId, String remoteAddress, int serverPort, String handler,
                                     String exceptionClass, String message, String inetError, String origin) {
        HandlerFailedEvent e = new HandlerFailedEvent();
        e.connectionId = connectionId;
        e.remoteAddress = remoteAddress;
        e.serverPort = serverPort;
        e.handler = handler;
        e.exceptionClass = exceptionClass;
        e.message = message;
        e.inetError = inetError;
        e.origin = origin;
        e.commit();
    }

    /**
     * Begins a {@code ServerStopped} event when it is enabled: its duration runs from here to
     * {@link #serverStopped}. Returns the begun event as an opaque token, or null when the event is disabled.
     */
    public static Object serverStopping() {
        if (!FlightRecorder.isInitialized() || !Probes.STOPPED.isEnabled()) {
            return null;
        }
        ServerStoppedEvent e = new ServerStoppedEvent();
        e.begin();
        return e;
    }

    /** Ends and commits the event begun by {@link #serverStopping()} (a non-null token). */
    public static void serverStopped(Object token, int serverPort, String how, long graceNanos, int graceful,
                                     int forced, int stragglerCount, String stragglers) {
        ServerStoppedEvent e = (ServerStoppedEvent) token;
        e.end();
        if (e.shouldCommit()) {
            e.serverPort = serverPort;
            e.how = how;
            e.grace = graceNanos;
            e.graceful = graceful;
            e.forced = forced;
            e.stragglerCount = stragglerCount;
            e.stragglers = stragglers;
            e.commit();
        }
    }
}
