package dev.socketloom.internal.errors;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/** Maps JDK I/O exceptions to {@link InetException}s with stable {@link InetError} codes. */
public final class Errors {
    private Errors() {
    }

    /** The error code that best describes {@code e}. */
    public static InetError classify(Throwable e) {
        if (e instanceof InetException ie) {
            return ie.error();
        }
        if (e instanceof SSLException) {
            return TlsErrors.classify(e, e instanceof SSLHandshakeException);
        }
        if (e instanceof SocketTimeoutException) {
            return InetError.TIMEOUT;
        }
        if (e instanceof UnknownHostException) {
            return InetError.HOST_NOT_FOUND;
        }
        if (e instanceof NoRouteToHostException || e instanceof PortUnreachableException) {
            return InetError.HOST_UNREACHABLE;
        }
        String msg = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (e instanceof BindException) {
            return msg.contains("assign") ? InetError.ADDRESS_NOT_AVAILABLE : InetError.ADDRESS_IN_USE;
        }
        if (e instanceof ConnectException) {
            if (msg.contains("timed out")) {
                return InetError.TIMEOUT;
            }
            if (msg.contains("unreachable")) {
                return InetError.HOST_UNREACHABLE;
            }
            return InetError.CONNECTION_REFUSED;
        }
        if (isResourceExhaustion(e)) {
            return InetError.RESOURCE_EXHAUSTED;
        }
        if (msg.contains("timed out")) {
            // ETIMEDOUT on an established connection: keepalive probes or retransmissions went unanswered (a peer
            // gone without FIN or RST); "Connection timed out" from a read or write
            return InetError.TIMEOUT;
        }
        if (msg.contains("reset") || msg.contains("broken pipe") || msg.contains("connection abort")) {
            return InetError.CONNECTION_RESET;
        }
        if (msg.contains("socket closed") || msg.contains("closed by interrupt") || msg.contains("socket is closed")) {
            return InetError.NOT_CONNECTED;
        }
        if (e instanceof InterruptedIOException) {
            return InetError.OPERATION_CANCELED;
        }
        return InetError.IO_ERROR;
    }

    /** Whether {@code e} reports a lack of file descriptors or buffers (EMFILE, ENFILE, ENOBUFS, ENOMEM). */
    static boolean isResourceExhaustion(Throwable e) {
        String msg = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return msg.contains("too many open files") || msg.contains("no buffer space")
                || msg.contains("cannot allocate memory");
    }

    /** {@code e} as an {@link InetException}, keeping it when it already is one. */
    public static InetException wrap(IOException e, String detail) {
        if (e instanceof InetException ie) {
            return ie;
        }
        return new InetException(classify(e), detail, e);
    }
}
