package dev.socketloom.inet;

import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;


/**
 * The {@link Inet} facade's process-wide handle table: connections, servers, and the placeholder an async connect
 * reserves before its connection exists. Stale handles are detected by the table's generation bits ({@linkplain
 * dev.socketloom##L7 L7}).
 */
final class InetHandles {
    /** Reserved by {@code asyncConnect} until its connection is published; not a connection yet. */
    static final Object PENDING = new Object();

    private static final HandleTable HANDLES = new HandleTable();

    private InetHandles() {
    }

    static int register(Object value) throws InetException {
        int h = HANDLES.add(value);
        if (h < 0) {
            throw new InetException(InetError.RESOURCE_EXHAUSTED, "all 65536 handles are in use");
        }
        return h;
    }

    static Connection connection(int handle) throws InetException {
        if (HANDLES.get(handle) instanceof Connection c) {
            return c;
        }
        throw new InetException(InetError.INVALID_HANDLE, "no connection has handle " + handle);
    }

    static Server server(int handle) throws InetException {
        if (HANDLES.get(handle) instanceof Server s) {
            return s;
        }
        throw new InetException(InetError.INVALID_HANDLE, "no server has handle " + handle);
    }

    /** The value of a live handle, or null. */
    static Object get(int handle) {
        return HANDLES.get(handle);
    }

    static Object remove(int handle) {
        return HANDLES.remove(handle);
    }

    static void replace(int handle, Object value) {
        HANDLES.replace(handle, value);
    }

    static void clear() {
        HANDLES.clear();
    }

    static int size() {
        return HANDLES.size();
    }
}
