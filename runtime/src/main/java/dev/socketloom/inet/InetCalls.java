package dev.socketloom.inet;

import dev.socketloom.InetError;
import dev.socketloom.InetException;

/**
 * The calling convention of the {@link Inet} facade: a call never throws; it returns its value and clears the
 * calling thread's last error, or returns its error value and sets the last error from the {@link InetException}.
 */
final class InetCalls {
    private static final ThreadLocal<InetError> LAST_ERROR = ThreadLocal.withInitial(() -> InetError.NONE);

    private InetCalls() {
    }

    /** The body of one facade call. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws InetException;
    }

    /** Runs {@code body}: its value on success, {@code onError} with the last error set on failure. */
    static <T> T call(Call<T> body, T onError) {
        try {
            return ok(body.run());
        } catch (InetException e) {
            return fail(e, onError);
        }
    }

    /** A facade call that returns no value. */
    @FunctionalInterface
    interface Action {
        void run() throws InetException;
    }

    /** Runs {@code body}: 0 on success, {@code Inet.INET_ERROR} with the last error set on failure. */
    static int run(Action body) {
        return call(() -> {
            body.run();
            return 0;
        }, Inet.INET_ERROR);
    }

    static <T> T ok(T value) {
        LAST_ERROR.set(InetError.NONE);
        return value;
    }

    static <T> T fail(InetException e, T value) {
        LAST_ERROR.set(e.error());
        return value;
    }

    static InetError lastError() {
        return LAST_ERROR.get();
    }

    static void setLastError(InetError error) {
        LAST_ERROR.set(error);
    }

    /** Validates a (buffer, length) pair of the C API; returns the length. */
    static int checkLength(byte[] buf, int len) throws InetException {
        if (buf == null || len < 0 || len > buf.length) {
            throw new InetException(InetError.INVALID_ARGUMENT, "length " + len + " does not fit a buffer of "
                    + (buf == null ? "null" : buf.length + " bytes"));
        }
        return len;
    }

    static void requireProc(InetEventProc proc) throws InetException {
        if (proc == null) {
            throw new InetException(InetError.INVALID_ARGUMENT, "proc must not be null");
        }
    }
}
