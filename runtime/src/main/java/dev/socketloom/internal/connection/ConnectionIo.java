package dev.socketloom.internal.connection;

import dev.socketloom.ConnectOptions;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.dial.Sockets;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

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
        ReadBuffer r = openReader();
        r.lock();
        try {
            conn.ensureOpen();
            return r.read(b, off, len);
        } catch (IOException e) {
            throw conn.failure(e, "read");
        } finally {
            r.unlock();
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
        r.lock();
        try {
            conn.ensureOpen();
            int got = 0;
            while (got < len) {
                int n = r.read(b, off + got, len - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
            return got;
        } catch (IOException e) {
            throw conn.failure(e, "readFully");
        } finally {
            r.unlock();
        }
    }

    String readLine() throws InetException {
        ReadBuffer r = openReader();
        r.lock();
        try {
            conn.ensureOpen();
            return r.readLine();
        } catch (IOException e) {
            throw conn.failure(e, "readLine");
        } finally {
            r.unlock();
        }
    }

    int peek(byte[] b, int off, int len) throws InetException {
        ReadBuffer r = openReader();
        r.lock();
        try {
            conn.ensureOpen();
            return r.peek(b, off, len);
        } catch (IOException e) {
            throw conn.failure(e, "peek");
        } finally {
            r.unlock();
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
        if (r.tryLock()) { // a reader blocked in the socket holds the lock: then nothing is buffered anyway
            try {
                buffered = r.buffered();
            } finally {
                r.unlock();
            }
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
                out.write(b, off, len);
                wrote(len);
                completed = true;
            } finally {
                writeEnded(completed);
            }
        } catch (IOException e) {
            throw conn.failure(e, "write");
        } finally {
            unlock();
        }
    }

    void shutdownOutput() throws InetException {
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
        }
    }

    /**
     * Waits up to {@code sliceMillis} in all for bytes the event pump has not reported yet (see
     * {@link ReadBuffer#awaitUnreported}); EOF once the connection is closed. The wait for the read lock counts: a
     * reader blocked without a read timeout holds it for as long as no byte comes, and {@code Inet.isReadable} must
     * still return within its timeout (NONE).
     */
    ReadBuffer.DataState awaitData(int sliceMillis, ReadBuffer.Progress reported) throws IOException {
        if (!conn.isOpenState()) {
            return ReadBuffer.DataState.EOF;
        }
        ReadBuffer r = reader; // set before the connection published OPEN
        long start = System.nanoTime();
        try {
            // a reader blocked without a read timeout may hold the lock for ever: wait for it no longer than the slice
            if (!r.tryLock(TimeUnit.MILLISECONDS.toNanos(sliceMillis))) {
                return ReadBuffer.DataState.NONE;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InetException(InetError.OPERATION_CANCELED, "interrupted waiting for data from "
                    + conn.remoteAddress());
        }
        try {
            if (!conn.isOpenState()) {
                return ReadBuffer.DataState.EOF;
            }
            int left = (int) Math.max(1, sliceMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return r.awaitUnreported(socket, left, Sockets.timeoutMillis(conn.options().readTimeout()), reported);
        } finally {
            r.unlock();
        }
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
