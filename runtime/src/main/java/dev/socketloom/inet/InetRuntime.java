package dev.socketloom.inet;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.SocketRuntime;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link Inet} facade's one process-wide {@link SocketRuntime}: opened by {@code Inet.initialize()}, closed by
 * {@code Inet.uninitialize()}. Opening, closing and the reservation of an async connect's handle are serialized by
 * one lock (held only around non-blocking work and the runtime's own open and close), so a closing facade never
 * misses a connection that was being registered.
 */
final class InetRuntime {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static volatile SocketRuntime runtime;

    private InetRuntime() {
    }

    /** Opens the runtime unless it is open. */
    static void open() {
        LOCK.lock();
        try {
            if (runtime == null || runtime.isClosed()) {
                runtime = SocketRuntime.open();
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** Invalidates every handle and closes the runtime, if one is open (L8: every thread joined). */
    static void close() throws InetException {
        LOCK.lock();
        try {
            SocketRuntime rt = runtime;
            runtime = null;
            InetHandles.clear();
            if (rt != null) {
                rt.close();
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** The open runtime; NOT_INITIALIZED before {@code initialize()} and after {@code uninitialize()}. */
    static SocketRuntime get() throws InetException {
        SocketRuntime rt = runtime;
        if (rt == null || rt.isClosed()) {
            throw new InetException(InetError.NOT_INITIALIZED, "call Inet.initialize() first");
        }
        return rt;
    }

    /**
     * Runs {@code body} while no other thread opens or closes the runtime. The wait is interruptible: an event
     * procedure that calls in while {@code uninitialize()} closes the runtime (holding the lock while it joins every
     * thread) is interrupted by that close, and must then return rather than outlive the join (L8).
     */
    static <T> T locked(InetCalls.Call<T> body) throws InetException {
        try {
            LOCK.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InetException(InetError.OPERATION_CANCELED, "interrupted while the facade was being closed");
        }
        try {
            return body.run();
        } finally {
            LOCK.unlock();
        }
    }
}
