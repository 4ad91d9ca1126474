package dev.socketloom.internal.connection;

import dev.socketloom.ConnectOptions;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.dial.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The byte path of one connection: reads through a {@link ReadBuffer} under the read lock, writes under the write
 * lock, each first checking that the connection is open and translating failures through it.
 *
 * <p>This is the seam between the lifecycle and the bytes: it works on whatever {@link Socket} it is opened with,
 * so a layered socket (TLS) needs nothing here but its own streams. One reader and one writer may work at the same
 * time. The state lock is taken under an I/O lock only by {@code startTls}, which holds both I/O locks while it
 * upgrades; the other direction (state lock, then the write lock for close_notify) only ever tries the lock, so the
 * two orders cannot deadlock.
 *
 * <p>The locks are not objects of their own: this object is the write lock and the {@link ReadBuffer} the read lock
 * (both extend {@link Mutex}), and this object is the connection's {@link Activity} too. Two lock objects and an
 * activity object would be some 140 bytes on every idle connection, where the runtime's own cost per idle connection
 * is meant to stay within 256 bytes.
 */
final class ConnectionIo extends Activity {
    private static final long serialVersionUID = 1L;
    /** How much of a write counts as progress against the write and idle timeouts (see {@link #writeInChunks}). */
    static final int WRITE_CHUNK = 64 * 1024;

    private final SocketConnection conn; // also the source of the options: not kept twice

    // set by open() before the connection publishes OPEN (a volatile write), the socket also by reopen() (startTls)
    // with both locks held; volatile for available() and eof(), which read them without a lock. The reader stays the
    // same object for the connection's life: it is the read lock
    private volatile Socket socket;
    private volatile ReadBuffer reader;
    private OutputStream out;
    private volatile boolean outputShutdown;

    ConnectionIo(SocketConnection conn) {
        this.conn = conn;
    }

    /** The connection's activity: this object (see {@link Activity}). */
    Activity activity() {
        return this;
    }

    @Override
    ConnectOptions options() {
        return conn.options();
    }

    @Override
    Object peer() {
        return conn;
    }

    /**
     * Takes the streams of the connected socket; called once, under the connection's state lock. {@code preread}
     * holds bytes already taken from the socket (after a PROXY header) that reads must return first.
     */
    void open(Socket s, byte[] preread) throws IOException {
        reader = new ReadBuffer(s.getInputStream(), this, preread);
        out = s.getOutputStream();
        socket = s;
    }

    /**
     * Replaces the streams with those of {@code s} (the TLS socket after {@code startTls}); the caller holds both
     * locks ({@link #beginUpgrade}) and has drained the old buffer. The reader is kept and reads from the new stream:
     * it is the read lock, which a reader waiting meanwhile must find the same when it gets it.
     */
    void reopen(Socket s) throws IOException {
        reader.switchTo(s.getInputStream());
        out = s.getOutputStream();
        socket = s;
    }

    /**
     * Locks the byte path for {@code startTls} and returns the bytes read ahead but not consumed (the start of the
     * peer's handshake), which the TLS layer must see first. Fails at once if another thread reads or writes: an
     * upgrade needs the conversation to stand still.
     */
    byte[] beginUpgrade(boolean alreadySecure) throws InetException {
        ReadBuffer r = reader;
        if (!r.tryLock()) {
            throw new InetException(InetError.INVALID_ARGUMENT, "startTls on " + conn.remoteAddress()
                    + " while another thread reads");
        }
        if (!tryLock()) {
            r.unlock();
            throw new InetException(InetError.INVALID_ARGUMENT, "startTls on " + conn.remoteAddress()
                    + " while another thread writes");
        }
        try {
            conn.ensureOpen();
            if (alreadySecure) {
                throw new InetException(InetError.INVALID_ARGUMENT, conn.remoteAddress() + " is already secure");
            }
            if (outputShutdown || reader.eof()) {
                throw new InetException(InetError.NOT_CONNECTED, "startTls on " + conn.remoteAddress()
                        + " after its stream was shut down");
            }
            return reader.drain();
        } catch (InetException e) {
            endUpgrade();
            throw e;
        }
    }

    /** Unlocks what {@link #beginUpgrade} locked. */
    void endUpgrade() {
        unlock();
        reader.unlock();
    }

    /** Takes the write lock if no write is in progress (a TLS close sends close_notify only then). */
    boolean tryLockWrite() {
        return tryLock();
    }

    void unlockWrite() {
        unlock();
    }

    int read(byte[] b, int off, int len) throws InetException {
        return readOrPeek(false, b, off, len);
    }

    int peek(byte[] b, int off, int len) throws InetException {
        return readOrPeek(true, b, off, len);
    }

    /** One read or peek under the read lock, through the cancelable source when a callback calls it. */
    private int readOrPeek(boolean peek, byte[] b, int off, int len) throws InetException {
        ReadBuffer r = openReader();
        EventPump pump = enterIo();
        r.lock();
        InputStream plain = null;
        try {
            conn.ensureOpen();
            plain = cancelable(r, pump);
            return peek ? r.peek(b, off, len) : r.read(b, off, len);
        } catch (IOException e) {
            throw conn.failure(e, peek ? "peek" : "read");
        } finally {
            exitIo(r, pump, plain);
        }
    }

    /**
     * The event pump whose callback is the caller, after entering its I/O gate ({@link EventPump#enterIo}); null for
     * any other caller (one volatile read).
     */
    private EventPump enterIo() {
        EventPump p = conn.events;
        if (p == null || !p.callbackRunsHere()) {
            return null;
        }
        p.enterIo();
        return p;
    }

    /**
     * For a callback's read ({@code pump} not null): makes the reads from the socket wakeable by a cancel without
     * closing it ({@link CancelableInput}); returns the source to put back, or null. Called with the read lock held.
     */
    private InputStream cancelable(ReadBuffer r, EventPump pump) {
        if (pump == null) {
            return null;
        }
        InputStream plain = r.source();
        r.useSource(new CancelableInput(plain, socket, Sockets.timeoutMillis(conn.options().readTimeout()), pump,
                conn));
        return plain;
    }

    /** Puts back what {@link #cancelable} replaced, releases the read lock and leaves the pump's gate. */
    private static void exitIo(ReadBuffer r, EventPump pump, InputStream plain) {
        try {
            if (plain != null) {
                r.useSource(plain);
            }
            r.unlock();
        } finally {
            if (pump != null) {
                pump.exitIo();
            }
        }
    }

    /** The reader (the read lock), once the connection is open; NOT_CONNECTED (or why it closed) otherwise. */
    private ReadBuffer openReader() throws InetException {
        conn.ensureOpen(); // a volatile read of OPEN: open() set the reader before the connection published it
        return reader;
    }

    /**
     * Reads {@code len} bytes under one hold of the read lock (a small field from a filled buffer is one lock and
     * one copy); returns how many arrived: {@code len}, or fewer if the stream ended first.
     */
    int readFully(byte[] b, int off, int len) throws InetException {
        ReadBuffer r = openReader();
        EventPump pump = enterIo();
        r.lock();
        InputStream plain = null;
        int got = 0;
        try {
            conn.ensureOpen();
            plain = cancelable(r, pump);
            while (got < len) {
                int n = r.read(b, off + got, len - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
            return got;
        } catch (IOException e) {
            if (got == 0) {
                throw conn.failure(e, "readFully");
            }
            // all or nothing: a reader that retries after a read timeout must find the frame from its start
            r.unread(b, off, got);
            throw conn.failure(e, "readFully", " (" + got + " bytes of " + len + " had arrived; they are buffered"
                    + " again for the retry, nothing was consumed)");
        } finally {
            exitIo(r, pump, plain);
        }
    }

    String readLine() throws InetException {
        ReadBuffer r = openReader();
        EventPump pump = enterIo();
        r.lock();
        InputStream plain = null;
        try {
            conn.ensureOpen();
            plain = cancelable(r, pump);
            return r.readLine();
        } catch (IOException e) {
            throw conn.failure(e, "readLine");
        } finally {
            exitIo(r, pump, plain);
        }
    }

    /**
     * The buffered bytes if there are any, else what the socket could deliver now; the caller checked that the
     * connection is open. Asking the kernel (an ioctl) only when nothing is buffered keeps the pipelining idiom -
     * "reply once nothing more is available" after every request - free while a batch is being read.
     */
    int available() {
        int buffered = 0;
        ReadBuffer r = reader;
        if (r.tryLock()) {
            try {
                buffered = r.buffered();
            } finally {
                r.unlock();
            }
        } else {
            // a reader blocked in the socket holds the lock; the event pump's wait for more data is one, and it
            // publishes what is buffered meanwhile (what a callback left unconsumed)
            EventPump p = conn.events;
            buffered = p == null ? 0 : p.bufferedWhileWaiting();
        }
        if (buffered > 0) {
            return buffered;
        }
        try {
            return socket.getInputStream().available();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Whether the peer's end of stream has been read; the caller checked that the connection is open. */
    boolean eof() {
        return reader.eof();
    }

    void write(byte[] b, int off, int len) throws InetException {
        EventPump pump = enterIo(); // a callback's write runs on through a cancel: no interrupt closes the socket
        lock(); // this object is the write lock
        try {
            conn.ensureOpen();
            if (outputShutdown) {
                throw new InetException(InetError.OUTPUT_SHUTDOWN, "write to " + conn.remoteAddress()
                        + " after shutdownOutput");
            }
            if (len == 0) {
                return;
            }
            boolean completed = false;
            writeStarting();
            try {
                if (len <= WRITE_CHUNK || !hasDeadlines()) {
                    out.write(b, off, len);
                } else {
                    writeInChunks(b, off, len);
                }
                wrote(len);
                completed = true;
            } finally {
                writeEnded(completed);
            }
        } catch (IOException e) {
            throw conn.failure(e, "write");
        } finally {
            unlock();
            if (pump != null) {
                pump.exitIo();
            }
        }
    }

    /**
     * Writes a large buffer in chunks, each accepted chunk being progress: the write timeout measures how long the
     * socket accepts nothing (not how long the whole write takes), and a long write counts as activity for the idle
     * timeout. Only with a deadline to enforce: without one a single call is cheaper.
     */
    private void writeInChunks(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = Math.min(WRITE_CHUNK, len - done);
            out.write(b, off + done, n);
            done += n;
            if (done < len) {
                wroteChunk();
            }
        }
    }

    void shutdownOutput() throws InetException {
        EventPump pump = enterIo();
        lock(); // this object is the write lock
        try {
            conn.ensureOpen();
            if (!outputShutdown) {
                boolean completed = false;
                writeStarting(); // over TLS this sends close_notify: a write, under the write timeout
                try {
                    socket.shutdownOutput();
                    completed = true;
                } finally {
                    writeEnded(completed);
                }
                outputShutdown = true;
            }
        } catch (IOException e) {
            throw conn.failure(e, "shutdownOutput");
        } finally {
            unlock();
            if (pump != null) {
                pump.exitIo();
            }
        }
    }

    /**
     * Waits up to {@code sliceMillis} in all for bytes the event pump has not reported yet (see
     * {@link ReadBuffer#awaitUnreported}); EOF once the connection is closed. The wait for the read lock counts: a
     * reader blocked without a read timeout holds it for as long as no byte comes, and {@code Inet.isReadable} must
     * still return within its timeout (NONE).
     */
    ReadBuffer.DataState awaitData(int sliceMillis, ReadBuffer.Progress reported) throws IOException {
        return awaitData(sliceMillis, reported, null);
    }

    /**
     * {@link #awaitData(int, ReadBuffer.Progress)} for the event pump {@code waiter}, which publishes the buffered
     * count while it holds the read side ({@link #available} reads it) and queues behind other readers
     * ({@link DataWait}).
     */
    ReadBuffer.DataState awaitData(int sliceMillis, ReadBuffer.Progress reported, EventPump waiter)
            throws IOException {
        if (!conn.isOpenState()) {
            return ReadBuffer.DataState.EOF;
        }
        return DataWait.await(conn, reader, socket, sliceMillis, reported, waiter); // reader: set before OPEN
    }

    /** Consumed and buffered counts, read together for the pump's bookkeeping. */
    ReadBuffer.Progress progress() {
        ReadBuffer r = reader;
        if (r == null) {
            return new ReadBuffer.Progress(0, 0); // not open yet: nothing read
        }
        r.lock();
        try {
            return r.progress();
        } finally {
            r.unlock();
        }
    }
}
