package dev.socketloom.internal.util;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A reentrant, non-fair mutual-exclusion lock with the semantics of {@link ReentrantLock} (waiters park, virtual
 * threads unmount while they wait) in one object instead of two: a {@code ReentrantLock} is a wrapper around its
 * synchronizer. Every connection holds three locks (state, read, write), and an idle connection's heap is what the
 * footprint bar of the design counts, so the wrappers' 16 bytes each are worth saving - and where an object of the
 * connection is guarded by a lock of its own, it can be that lock by extending this class ({@link ReadBuffer} is
 * the read lock, {@link ConnectionIo} the write lock, {@link ConnectionLifecycle} - through
 * {@link AbstractConnection} - the state lock), which saves the lock objects too.
 */
public class Mutex extends AbstractQueuedSynchronizer {
    private static final long serialVersionUID = 1L;

    /** Acquires the lock, waiting (uninterruptibly) while another thread holds it. */
    public final void lock() {
        if (!compareAndSetState(0, 1)) {
            acquire(1);
        } else {
            setExclusiveOwnerThread(Thread.currentThread());
        }
    }

    /** Acquires the lock only if it is free or already held by the caller. */
    public final boolean tryLock() {
        return tryAcquire(1);
    }

    /**
     * Acquires the lock if it is free, held by the caller, or freed within {@code nanos}; false otherwise.
     *
     * @throws InterruptedException if the caller is interrupted while it waits
     */
    public final boolean tryLock(long nanos) throws InterruptedException {
        return tryAcquireNanos(1, nanos);
    }

    /**
     * As {@link #tryLock(long)}, but a free lock is taken only if no other thread waits for it: a thread that takes
     * the lock again and again (the event pump, at the end of each of its waits) must not overtake the waiters.
     *
     * @throws InterruptedException if the caller is interrupted while it waits
     */
    public final boolean tryLockBehindWaiters(long nanos) throws InterruptedException {
        return tryAcquireNanos(BEHIND_WAITERS, nanos);
    }

    /** The acquire argument of {@link #tryLockBehindWaiters}: one hold, taken in queue order. */
    private static final int BEHIND_WAITERS = -1;

    /** Releases one hold of the lock; the caller must hold it. */
    public final void unlock() {
        release(1);
    }

    @Override
    protected final boolean tryAcquire(int arg) {
        Thread current = Thread.currentThread();
        int holds = arg == BEHIND_WAITERS ? 1 : arg;
        int c = getState();
        if (c == 0) {
            if (arg == BEHIND_WAITERS && hasQueuedPredecessors()) {
                return false;
            }
            if (compareAndSetState(0, holds)) {
                setExclusiveOwnerThread(current);
                return true;
            }
        } else if (getExclusiveOwnerThread() == current) {
            setState(c + holds); // reentry: only the owner writes the state
            return true;
        }
        return false;
    }

    @Override
    protected final boolean tryRelease(int holds) {
        if (getExclusiveOwnerThread() != Thread.currentThread()) {
            throw new IllegalMonitorStateException();
        }
        int c = getState() - holds;
        if (c == 0) {
            setExclusiveOwnerThread(null);
        }
        setState(c);
        return c == 0;
    }

    @Override
    protected final boolean isHeldExclusively() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }
}
