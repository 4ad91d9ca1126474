package dev.socketloom.internal;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The byte path of one connection: reads through a {@link ReadBuffer} under the read lock, writes under the write
 * lock, each first checking that the connection is open and translating failures through it.
 *
 * <p>This is the seam between the lifecycle and the bytes: it works on whatever {@link Socket} it is opened with,
 * so a layered socket (TLS) needs nothing here but its own streams. One reader and one writer may work at the same
 * time; neither lock is ever held while taking the connection's state lock.
 */
final class ConnectionIo {
    private final SocketConnection conn; // also the source of the options: not kept twice
    private final Activity activity;
    private final Mutex readLock = new Mutex();
    private final Mutex writeLock = new Mutex();

    // set by open() before the connection publishes OPEN (a volatile write), and by reopen() (startTls) with both
    // locks held; volatile for available() and eof(), which read them without a lock
    private volatile Socket socket;
    private volatile ReadBuffer reader;
    private OutputStream out;
    private volatile boolean outputShutdown;

    ConnectionIo(SocketConnection conn, Activity activity) {
        this.conn = conn;
        this.activity = activity;
    }

    Activity activity() {
        return activity;
    }

    /**
     * Takes the streams of the connected socket; called once, under the connection's state lock. {@code preread}
     * holds bytes already taken from the socket (after a PROXY header) that reads must return first; {@code peer}
     * names the other end in error messages.
     */
    void open(Socket s, Object peer, byte[] preread) throws IOException {
        reader = new ReadBuffer(s.getInputStream(), activity, conn.options().maxLineLength(), peer, preread);
        out = s.getOutputStream();
        socket = s;
    }

    /**
     * Replaces the streams with those of {@code s} (the TLS socket after {@code startTls}); the caller holds both
     * locks ({@link #beginUpgrade}) and has drained the old buffer.
     */
    void reopen(Socket s) throws IOException {
        open(s, reader.peer(), new byte[0]);
    }

    /**
     * Locks the byte path for {@code startTls} and returns the bytes read ahead but not consumed (the start of the
     * peer's handshake), which the TLS layer must see first. Fails at once if another thread reads or writes: an
     * upgrade needs the conversation to stand still.
     */
    byte[] beginUpgrade(boolean alreadySecure) throws InetException {
        if (!readLock.tryLock()) {
            throw new InetException(InetError.INVALID_ARGUMENT, "startTls on " + conn.remoteAddress()
                    + " while another thread reads");
        }
        if (!writeLock.tryLock()) {
            readLock.unlock();
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
        writeLock.unlock();
        readLock.unlock();
    }

    /** Takes the write lock if no write is in progress (a TLS close sends close_notify only then). */
    boolean tryLockWrite() {
        return writeLock.tryLock();
    }

    void unlockWrite() {
        writeLock.unlock();
    }

    int read(byte[] b, int off, int len) throws InetException {
        readLock.lock();
        try {
            conn.ensureOpen();
            return reader.read(b, off, len);
        } catch (IOException e) {
            throw conn.failure(e, "read");
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Reads {@code len} bytes under one hold of the read lock (a small field from a filled buffer is one lock and
     * one copy); returns how many arrived: {@code len}, or fewer if the stream ended first.
     */
    int readFully(byte[] b, int off, int len) throws InetException {
        readLock.lock();
        try {
            conn.ensureOpen();
            ReadBuffer r = reader;
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
            readLock.unlock();
        }
    }

    String readLine() throws InetException {
        readLock.lock();
        try {
            conn.ensureOpen();
            return reader.readLine();
        } catch (IOException e) {
            throw conn.failure(e, "readLine");
        } finally {
            readLock.unlock();
        }
    }

    int peek(byte[] b, int off, int len) throws InetException {
        readLock.lock();
        try {
            conn.ensureOpen();
            return reader.peek(b, off, len);
        } catch (IOException e) {
            throw conn.failure(e, "peek");
        } finally {
            readLock.unlock();
        }
    }

    /**
     * The buffered bytes if there are any, else what the socket could deliver now; the caller checked that the
     * connection is open. Asking the kernel (an ioctl) only when nothing is buffered keeps the pipelining idiom -
     * "reply once nothing more is available" after every request - free while a batch is being read.
     */
    int available() {
        int buffered = 0;
        if (readLock.tryLock()) { // a reader blocked in the socket holds the lock: then nothing is buffered anyway
            try {
                buffered = reader.buffered();
            } finally {
                readLock.unlock();
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
        writeLock.lock();
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
            activity.writeStarting();
            try {
                out.write(b, off, len);
                activity.wrote(len);
                completed = true;
            } finally {
                activity.writeEnded(completed);
            }
        } catch (IOException e) {
            throw conn.failure(e, "write");
        } finally {
            writeLock.unlock();
        }
    }

    void shutdownOutput() throws InetException {
        writeLock.lock();
        try {
            conn.ensureOpen();
            if (!outputShutdown) {
                boolean completed = false;
                activity.writeStarting(); // over TLS this sends close_notify: a write, under the write timeout
                try {
                    socket.shutdownOutput();
                    completed = true;
                } finally {
                    activity.writeEnded(completed);
                }
                outputShutdown = true;
            }
        } catch (IOException e) {
            throw conn.failure(e, "shutdownOutput");
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Waits up to {@code sliceMillis} for bytes the event pump has not reported yet (see
     * {@link ReadBuffer#awaitUnreported}); EOF once the connection is closed.
     */
    ReadBuffer.DataState awaitData(int sliceMillis, ReadBuffer.Progress reported) throws IOException {
        readLock.lock();
        try {
            if (!conn.isOpenState()) {
                return ReadBuffer.DataState.EOF;
            }
            return reader.awaitUnreported(socket, sliceMillis, Sockets.timeoutMillis(conn.options().readTimeout()),
                    reported);
        } finally {
            readLock.unlock();
        }
    }

    /** Consumed and buffered counts, read together for the pump's bookkeeping. */
    ReadBuffer.Progress progress() {
        readLock.lock();
        try {
            return reader.progress();
        } finally {
            readLock.unlock();
        }
    }
}
