package dev.socketloom.internal;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one implementation of {@link Connection}: a blocking {@link Socket}, a read buffer shared by {@code read},
 * {@code readLine} and {@code peek}, and the lifecycle state machine of L1/L5/L6.
 *
 * <p>State changes happen under {@link #stateLock}; it is held only for non-blocking work (plus the socket close),
 * never across reads, writes or joins. Reads hold {@link #readLock}, writes {@link #writeLock}.
 */
public final class SocketConnection implements Connection {
    /** Small, so an idle connection costs little; grows while reads keep filling it (see {@link #fill()}). */
    private static final int INITIAL_BUFFER = 512;
    /** Largest size adaptive growth reaches; readLine may grow further, up to the maximum line length. */
    private static final int STREAMING_BUFFER = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private enum State { CONNECTING, OPEN, CLOSED }

    private final long id;
    private final RuntimeCore runtime;
    private final ListeningServer server;
    private final ConnectOptions options;
    private volatile InetSocketAddress remote;
    private final String threadName;

    private final ReentrantLock stateLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();

    // guarded by stateLock (written), volatile for lock-free reads
    private volatile State state;
    private volatile Socket socket;
    private volatile Thread manager;
    private Thread closedManager;
    private volatile EventPump events;

    private InputStream rawIn;
    private OutputStream rawOut;

    // guarded by readLock
    private byte[] buf;
    private int pos;
    private int lim;
    private long consumed;

    private volatile boolean eof;
    private volatile boolean outputShutdown;
    /** Why the runtime closed this connection on its own (TIMEOUT for write/idle expiry), or null. */
    private volatile InetError expiredBecause;
    /** Which deadline expired, for error messages; written before {@link #expiredBecause}. */
    private volatile String expiry = "timeout";
    /*
     * Activity is counted, not timed: reads and writes bump a counter (under their locks), and the clock is read only
     * when someone asks how idle the connection is (the watchdog, the event pump, idleTime()). That keeps
     * System.nanoTime() - a system call on some VMs - off the read and write paths.
     */
    private volatile long readOps;
    private volatile long writeOps;
    private long seenOps; // racy by design: a lost update only re-reads the clock
    private volatile long lastActivityNanos = System.nanoTime();
    private final boolean timedWrites;
    private boolean growBuffer; // guarded by readLock
    /** nanoTime when the current write started, 0 when no write is in progress. */
    private volatile long writeStartedNanos;

    private final InputStream inView = new ConnectionInputStream();
    private final OutputStream outView = new ConnectionOutputStream();

    SocketConnection(long id, RuntimeCore runtime, ListeningServer server, ConnectOptions options,
                     InetSocketAddress remote, String threadName) {
        this.id = id;
        this.runtime = runtime;
        this.server = server;
        this.options = options;
        this.remote = remote;
        this.threadName = threadName;
        this.state = State.CONNECTING;
        this.timedWrites = !options.writeTimeout().isZero();
    }

    // ------------------------------------------------------------------ lifecycle plumbing (package-private)

    /** Applies the socket options every connection uses. */
    static void configure(Socket s, ConnectOptions o) throws SocketException {
        s.setTcpNoDelay(o.tcpNoDelay());
        s.setKeepAlive(o.keepAlive());
        if (o.lingerSeconds() >= 0) {
            s.setSoLinger(true, o.lingerSeconds());
        }
        if (o.receiveBufferSize() > 0) {
            s.setReceiveBufferSize(o.receiveBufferSize());
        }
        if (o.sendBufferSize() > 0) {
            s.setSendBufferSize(o.sendBufferSize());
        }
        s.setSoTimeout(timeoutMillis(o.readTimeout()));
    }

    static int timeoutMillis(Duration d) {
        if (d.isZero()) {
            return 0;
        }
        long ms = Math.max(1, d.toMillis());
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    /**
     * Attaches a socket (connected or still to connect). Returns false, closing the socket, if this connection was
     * disconnected meanwhile.
     */
    boolean attach(Socket s) {
        stateLock.lock();
        try {
            if (state == State.CLOSED) {
                closeQuietly(s);
                return false;
            }
            socket = s;
            return true;
        } finally {
            stateLock.unlock();
        }
    }

    /** Marks a connected socket open; false if this connection was disconnected meanwhile. */
    boolean markOpen() throws IOException {
        stateLock.lock();
        try {
            if (state == State.CLOSED) {
                return false;
            }
            Socket s = socket;
            rawIn = s.getInputStream();
            rawOut = s.getOutputStream();
            state = State.OPEN;
            lastActivityNanos = System.nanoTime();
            return true;
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * Makes {@code t} the thread that manages this connection and starts it, unless the connection is already
     * closed. Starting under the state lock means a disconnect either sees the started thread (and joins it) or
     * prevents it from ever starting: no handler code can begin after disconnect returned (L4).
     */
    boolean startManager(Thread t) {
        stateLock.lock();
        try {
            if (state == State.CLOSED || manager != null) {
                return false;
            }
            manager = t;
            runtime.started(t);
            t.start();
            return true;
        } finally {
            stateLock.unlock();
        }
    }

    /** Detaches {@code t} as manager (events disabled); only if it still is the manager. */
    private void clearManager(Thread t) {
        stateLock.lock();
        try {
            if (manager == t) {
                manager = null;
            }
        } finally {
            stateLock.unlock();
        }
    }

    /**
     * The non-blocking half of disconnect: closes the socket, interrupts the managing thread (unless it is the
     * caller) and leaves every registry. Idempotent; returns the thread that must be joined, or null.
     */
    Thread closeOnce(InetError reason) {
        Thread toJoin;
        stateLock.lock();
        try {
            if (state != State.CLOSED) {
                if (reason != null) {
                    expiredBecause = reason;
                }
                state = State.CLOSED;
                closedManager = manager;
                EventPump pump = events;
                if (pump != null) {
                    pump.cancel();
                }
                closeQuietly(socket);
                Thread m = closedManager;
                if (m != null && m != Thread.currentThread()) {
                    m.interrupt();
                }
                // still under the lock: a concurrent disconnect that sees CLOSED also sees the registries updated
                runtime.unregister(this);
                if (server != null) {
                    server.unregister(this);
                }
            }
            toJoin = closedManager;
        } finally {
            stateLock.unlock();
        }
        return toJoin;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is best effort; the fd is released either way
            }
        }
    }

    /** The thread named after this connection, for handlers and events. */
    String threadName() {
        return threadName;
    }

    ConnectOptions options() {
        return options;
    }

    ListeningServer server() {
        return server;
    }

    boolean isOpenState() {
        return state == State.OPEN;
    }

    boolean isClosedState() {
        return state == State.CLOSED;
    }

    /** Watchdog hook: closes the connection if its write or idle deadline passed. */
    void checkDeadlines(long now) {
        if (state != State.OPEN) {
            return;
        }
        long ws = writeStartedNanos;
        Duration wt = options.writeTimeout();
        if (ws != 0 && timedWrites && now - ws >= wt.toNanos()) {
            expiry = "write timeout " + wt;
            closeOnce(InetError.TIMEOUT);
            return;
        }
        Duration it = options.idleTimeout();
        if (!it.isZero() && events == null && idleNanos(now) >= it.toNanos()) {
            expiry = "idle timeout " + it;
            closeOnce(InetError.TIMEOUT);
        }
    }

    boolean needsWatchdog() {
        return !options.writeTimeout().isZero() || !options.idleTimeout().isZero();
    }

    /** Nanoseconds since the last read or write was noticed, as of {@code now}. */
    long idleNanos(long now) {
        long ops = readOps + writeOps;
        if (ops != seenOps) {
            seenOps = ops;
            lastActivityNanos = now;
        }
        return Math.max(0, now - lastActivityNanos);
    }

    /** When activity was last noticed (after {@link #idleNanos}); identifies one idle period. */
    long lastActivityNanos() {
        return lastActivityNanos;
    }

    // ------------------------------------------------------------------ Connection

    @Override
    public long id() {
        return id;
    }

    private void ensureOpen() throws InetException {
        State s = state;
        if (s != State.OPEN) {
            InetError why = expiredBecause;
            if (s == State.CLOSED && why != null) {
                throw Errors.of(why, "connection to " + remote + " was closed by its " + describeExpiry());
            }
            throw Errors.of(InetError.NOT_CONNECTED, s == State.CONNECTING
                    ? "connection to " + remote + " is still connecting" : "connection to " + remote + " is closed");
        }
    }

    private String describeExpiry() {
        return expiry;
    }

    /** Translates an I/O failure, preferring what we know about our own state. */
    private InetException failure(IOException e, String op) {
        if (e instanceof InetException ie) {
            return ie;
        }
        if (state == State.CLOSED) {
            InetError why = expiredBecause;
            if (why != null) {
                return new InetException(why, op + " on " + remote + " ended by the " + describeExpiry(), e);
            }
            return new InetException(InetError.NOT_CONNECTED, op + " on " + remote + " ended by disconnect", e);
        }
        return new InetException(Errors.classify(e), op + " on " + remote, e);
    }

    private static void checkRange(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, Objects.requireNonNull(b, "buffer").length);
    }

    private byte[] buffer() {
        byte[] b = buf;
        if (b == null) {
            b = new byte[INITIAL_BUFFER];
            buf = b;
        }
        return b;
    }

    /** Reads more bytes into the buffer after {@link #lim}; returns -1 at EOF. Caller holds readLock. */
    private int fill() throws IOException {
        byte[] b = buffer();
        if (pos == lim) {
            pos = 0;
            lim = 0;
            if (growBuffer) { // the last read filled the buffer: the peer streams, so read more per system call
                growBuffer = false;
                b = new byte[Math.min(STREAMING_BUFFER, b.length * 2)];
                buf = b;
            }
        } else if (lim == b.length) {
            if (pos > 0) {
                System.arraycopy(b, pos, b, 0, lim - pos);
                lim -= pos;
                pos = 0;
            } else {
                b = java.util.Arrays.copyOf(b, growTo(b.length));
                buf = b;
            }
        }
        int space = b.length - lim;
        int n = rawIn.read(b, lim, space);
        if (n < 0) {
            eof = true;
            return -1;
        }
        lim += n;
        readOps++;
        growBuffer = n == space && b.length < STREAMING_BUFFER;
        return n;
    }

    private int growTo(int current) {
        int cap = Math.max(INITIAL_BUFFER, options.maxLineLength() + 2);
        if (current >= cap) {
            throw new IllegalStateException("read buffer already at its cap of " + cap + " bytes");
        }
        return (int) Math.min(Math.max(current * 2L, INITIAL_BUFFER), cap);
    }

    @Override
    public int read(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        readLock.lock();
        try {
            ensureOpen();
            if (len == 0) {
                return 0;
            }
            if (pos == lim) {
                if (eof) {
                    return -1;
                }
                if (len >= (buf == null ? INITIAL_BUFFER : buf.length)) {
                    // large reads bypass the buffer: no extra copy
                    int n = rawIn.read(b, off, len);
                    if (n < 0) {
                        eof = true;
                    } else {
                        readOps++;
                        consumed += n;
                    }
                    return n;
                }
                if (fill() < 0) {
                    return -1;
                }
            }
            int n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            consumed += n;
            return n;
        } catch (IOException e) {
            throw failure(e, "read");
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        int done = 0;
        while (done < len) {
            int n = read(b, off + done, len - done);
            if (n < 0) {
                throw Errors.of(InetError.NOT_CONNECTED,
                        "stream from " + remote + " ended after " + done + " of " + len + " bytes");
            }
            done += n;
        }
    }

    @Override
    public String readLine() throws InetException {
        readLock.lock();
        try {
            ensureOpen();
            int max = options.maxLineLength();
            int scan = pos;
            while (true) {
                byte[] b = buf;
                for (int i = scan; i < lim; i++) {
                    if (b[i] == '\n') {
                        int end = (i > pos && b[i - 1] == '\r') ? i - 1 : i;
                        int length = end - pos;
                        if (length > max) {
                            throw tooLong(max);
                        }
                        String line = new String(b, pos, length, StandardCharsets.UTF_8);
                        consumed += i + 1 - pos;
                        pos = i + 1;
                        return line;
                    }
                }
                int pending = lim - pos;
                if (pending > max + 1 || (pending == max + 1 && buf[lim - 1] != '\r')) {
                    throw tooLong(max);
                }
                scan = lim - pos; // relative: fill() may compact the buffer
                if (eof || fill() < 0) {
                    if (lim == pos) {
                        return null;
                    }
                    String rest = new String(buf, pos, lim - pos, StandardCharsets.UTF_8);
                    consumed += lim - pos;
                    pos = lim;
                    return rest;
                }
                scan += pos;
            }
        } catch (IOException e) {
            throw failure(e, "readLine");
        } finally {
            readLock.unlock();
        }
    }

    private InetException tooLong(int max) {
        return Errors.of(InetError.LINE_TOO_LONG, "more than " + max + " bytes without a line terminator from "
                + remote + "; nothing was consumed");
    }

    @Override
    public int peek(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        readLock.lock();
        try {
            ensureOpen();
            if (len == 0) {
                return 0;
            }
            if (pos == lim && (eof || fill() < 0)) {
                return -1;
            }
            int n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            return n;
        } catch (IOException e) {
            throw failure(e, "peek");
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int available() {
        if (state != State.OPEN) {
            return 0;
        }
        int buffered = 0;
        if (readLock.tryLock()) {
            try {
                buffered = lim - pos;
            } finally {
                readLock.unlock();
            }
        }
        try {
            return buffered + rawIn.available();
        } catch (IOException e) {
            return buffered;
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        writeLock.lock();
        try {
            writeLocked(b, off, len);
        } finally {
            writeLock.unlock();
        }
    }

    private void writeLocked(byte[] b, int off, int len) throws InetException {
        ensureOpen();
        if (outputShutdown) {
            throw Errors.of(InetError.OUTPUT_SHUTDOWN, "write to " + remote + " after shutdownOutput");
        }
        if (len == 0) {
            return;
        }
        if (timedWrites) {
            writeStartedNanos = System.nanoTime();
        }
        try {
            rawOut.write(b, off, len);
            writeOps++;
        } catch (IOException e) {
            throw failure(e, "write");
        } finally {
            if (timedWrites) {
                writeStartedNanos = 0;
            }
        }
    }

    @Override
    public void writeLine(String line) throws InetException {
        Objects.requireNonNull(line, "line");
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(text, text.length + 2);
        out[text.length] = CRLF[0];
        out[text.length + 1] = CRLF[1];
        write(out, 0, out.length);
    }

    /** Writes {@code data} under the write lock; used by broadcast. */
    boolean tryBroadcast(byte[] data) {
        try {
            write(data, 0, data.length);
            return true;
        } catch (InetException e) {
            return false;
        }
    }

    @Override
    public void shutdownOutput() throws InetException {
        writeLock.lock();
        try {
            ensureOpen();
            if (!outputShutdown) {
                socket.shutdownOutput();
                outputShutdown = true;
            }
        } catch (IOException e) {
            throw failure(e, "shutdownOutput");
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean isConnected() {
        return state == State.OPEN && !eof;
    }

    @Override
    public InetSocketAddress localAddress() {
        Socket s = socket;
        if (s == null) {
            return null;
        }
        return s.getLocalSocketAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(idleNanos(System.nanoTime()));
    }

    @Override
    public InputStream inputStream() {
        return inView;
    }

    @Override
    public OutputStream outputStream() {
        return outView;
    }

    @Override
    public void disconnect() throws InetException {
        Thread t = closeOnce(null);
        if (t != null && t != Thread.currentThread() && !(server != null && TestOnlyFaults.skipConnectionJoin())) {
            List<String> stragglers = Joiner.joinAll(List.of(t), options.joinDeadline());
            if (!stragglers.isEmpty()) {
                throw new InetException(InetError.THREAD_NOT_TERMINATED,
                        "connection " + remote + " is closed, but its thread ignored the interrupt for "
                                + options.joinDeadline(), null, stragglers);
            }
        }
    }

    @Override
    public void close() throws InetException {
        disconnect();
    }

    @Override
    public void abort() throws InetException {
        Socket s = socket;
        if (s != null && state != State.CLOSED) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed: nothing left to abort
            }
        }
        disconnect();
    }

    // ------------------------------------------------------------------ events

    @Override
    public void enableEvents(EventHandler handler, Set<Event> mask) throws InetException {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(mask, "events");
        EnumSet<Event> copy = mask.isEmpty() ? EnumSet.noneOf(Event.class) : EnumSet.copyOf(mask);
        stateLock.lock();
        try {
            ensureOpen();
            if (manager != null) {
                throw Errors.of(InetError.INVALID_ARGUMENT, remote + " is already managed by thread "
                        + manager.getName() + " (a server handler or an event thread)");
            }
            EventPump pump = new EventPump(this, handler, copy);
            events = pump;
            Thread t = runtime.newThread("socketloom-events-" + threadName.substring("socketloom-".length()), pump);
            if (!startManager(t)) {
                events = null;
                throw Errors.of(InetError.NOT_CONNECTED, "connection to " + remote + " is closed");
            }
        } finally {
            stateLock.unlock();
        }
    }

    /** Installs the pump of an async connect before its thread starts. */
    void installPump(EventPump pump) {
        events = pump;
    }

    @Override
    public void disableEvents() throws InetException {
        EventPump pump;
        Thread t;
        stateLock.lock();
        try {
            pump = events;
            if (pump == null) {
                return;
            }
            t = manager;
            pump.cancel();
            events = null;
        } finally {
            stateLock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            List<String> stragglers = Joiner.joinAll(List.of(t), options.joinDeadline());
            if (!stragglers.isEmpty()) {
                throw new InetException(InetError.THREAD_NOT_TERMINATED,
                        "event thread of " + remote + " ignored the interrupt for " + options.joinDeadline(), null,
                        stragglers);
            }
            clearManager(t);
        }
        // called from the event thread itself: it stops after the running callback and clears itself (pumpEnded)
    }

    @Override
    public boolean eventsEnabled() {
        EventPump pump = events;
        return pump != null && !pump.isCanceled();
    }

    /** Called by the pump's thread when the pump ends (EOF, error, cancel). */
    void pumpEnded(EventPump pump) {
        stateLock.lock();
        try {
            if (events == pump) {
                events = null;
            }
            if (!pump.isInline() && manager == Thread.currentThread() && state != State.CLOSED) {
                manager = null; // an event thread (not a server handler running the pump inline) is done
            }
        } finally {
            stateLock.unlock();
        }
    }

    // -------- pump support: waits for unconsumed data in slices so that disableEvents never needs to close the socket

    /** Result of {@link #awaitData}. */
    enum DataState { DATA, EOF, NONE }

    /**
     * Waits up to {@code sliceMillis} for bytes that were not there (or not reported) before.
     *
     * @param reportedConsumed the consumed-counter value when data was last reported, or -1
     * @param reportedAvailable how many bytes were buffered when last reported
     */
    DataState awaitData(int sliceMillis, long reportedConsumed, int reportedAvailable) throws IOException {
        readLock.lock();
        try {
            if (state != State.OPEN) {
                return DataState.EOF;
            }
            boolean nothingNew = consumed == reportedConsumed && lim - pos == reportedAvailable;
            if (pos < lim && !nothingNew) {
                return DataState.DATA;
            }
            if (eof) {
                return DataState.EOF;
            }
            byte[] b = buffer();
            if (nothingNew && pos == 0 && lim == b.length && b.length >= options.maxLineLength() + 2) {
                return DataState.NONE; // buffer full of unconsumed data: back-pressure, wait for the handler
            }
            Socket s = socket;
            int userTimeout = timeoutMillis(options.readTimeout());
            s.setSoTimeout(sliceMillis);
            try {
                int n = fill();
                return n < 0 ? DataState.EOF : DataState.DATA;
            } catch (java.net.SocketTimeoutException slice) {
                return DataState.NONE;
            } finally {
                if (!s.isClosed()) {
                    s.setSoTimeout(userTimeout);
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Consumed-counter and buffered count, read together for the pump's bookkeeping. */
    long[] readProgress() {
        readLock.lock();
        try {
            return new long[] {consumed, lim - pos};
        } finally {
            readLock.unlock();
        }
    }

    /** Connects an async connection on the calling (pump) thread. */
    void connectOnThisThread(InetSocketAddress target) throws IOException {
        remote = target;
        Socket s = new Socket();
        if (!attach(s)) {
            throw Errors.of(InetError.OPERATION_CANCELED, "connect to " + remote + " canceled by disconnect");
        }
        try {
            configure(s, options);
            if (options.localAddress() != null) {
                s.bind(options.localAddress());
            }
            s.connect(target, timeoutMillis(options.connectTimeout()));
            if (!markOpen()) {
                throw Errors.of(InetError.OPERATION_CANCELED, "connect to " + remote + " canceled by disconnect");
            }
        } catch (IOException e) {
            if (state == State.CLOSED) {
                throw new InetException(InetError.OPERATION_CANCELED, "connect to " + remote + " canceled", e);
            }
            throw Errors.wrap(e, "connect to " + remote);
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + remote + " " + state + "]";
    }

    // ------------------------------------------------------------------ stream views

    private final class ConnectionInputStream extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = SocketConnection.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return SocketConnection.this.read(b, off, len);
        }

        @Override
        public int available() {
            return SocketConnection.this.available();
        }

        @Override
        public void close() throws IOException {
            disconnect();
        }
    }

    private final class ConnectionOutputStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            SocketConnection.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            SocketConnection.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            disconnect();
        }
    }
}
