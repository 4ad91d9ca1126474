package dev.socketloom.inet;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Opaque {@code int} handles for the {@code Inet} facade (L7). A handle packs a slot index (low 16 bits) and the
 * slot's generation (next 15 bits). Freed slots are reused most-recently-freed first, as SocketWrench may reuse
 * handle values, but every reuse bumps the generation, so a stale handle never matches the new occupant. A slot whose
 * generation is exhausted is retired rather than wrapped, so a stale handle is always detected.
 */
final class HandleTable {
    private static final int INDEX_BITS = 16;
    private static final int MAX_SLOTS = 1 << INDEX_BITS;
    private static final int INDEX_MASK = MAX_SLOTS - 1;
    private static final int MAX_GENERATION = (1 << 15) - 1;

    private final ReentrantLock lock = new ReentrantLock();
    private Object[] values = new Object[64];
    private int[] generations = new int[64];
    private int[] free = new int[64];
    private int freeCount;
    private int nextIndex;
    private int size;

    /** Stores {@code value} and returns its handle, or -1 if all 65 536 slots are in use. */
    int add(Object value) {
        lock.lock();
        try {
            int index;
            if (freeCount > 0) {
                index = free[--freeCount];
            } else if (nextIndex < MAX_SLOTS) {
                index = nextIndex++;
                if (index >= values.length) {
                    int n = Math.min(MAX_SLOTS, values.length * 2);
                    values = Arrays.copyOf(values, n);
                    generations = Arrays.copyOf(generations, n);
                }
            } else {
                return -1;
            }
            if (generations[index] == 0) {
                generations[index] = 1;
            }
            values[index] = value;
            size++;
            return (generations[index] << INDEX_BITS) | index;
        } finally {
            lock.unlock();
        }
    }

    /** The value of a live handle, or null if the handle is invalid or stale. */
    Object get(int handle) {
        lock.lock();
        try {
            int index = indexOf(handle);
            return index < 0 ? null : values[index];
        } finally {
            lock.unlock();
        }
    }

    /** Removes a live handle and returns its value, or null if it was invalid or stale. */
    Object remove(int handle) {
        lock.lock();
        try {
            int index = indexOf(handle);
            if (index < 0) {
                return null;
            }
            Object value = values[index];
            values[index] = null;
            size--;
            if (++generations[index] <= MAX_GENERATION) {
                if (freeCount == free.length) {
                    free = Arrays.copyOf(free, free.length * 2);
                }
                free[freeCount++] = index;
            } // else: retired for good, so the generation never wraps
            return value;
        } finally {
            lock.unlock();
        }
    }

    /** Replaces the value of a live handle; returns false if the handle is invalid or stale. */
    boolean replace(int handle, Object value) {
        lock.lock();
        try {
            int index = indexOf(handle);
            if (index < 0) {
                return false;
            }
            values[index] = value;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Removes every handle: each becomes stale. */
    void clear() {
        lock.lock();
        try {
            for (int i = 0; i < nextIndex; i++) {
                if (values[i] != null) {
                    remove((generations[i] << INDEX_BITS) | i);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Number of live handles. */
    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    private int indexOf(int handle) {
        if (handle <= 0) {
            return -1;
        }
        int index = handle & INDEX_MASK;
        int generation = handle >>> INDEX_BITS;
        if (index >= nextIndex || values[index] == null || generations[index] != generation) {
            return -1;
        }
        return index;
    }
}
