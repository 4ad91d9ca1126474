package dev.socketloom;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The checked exception every SocketLoom operation throws, carrying a stable {@link InetError}.
 *
 * <p>The message always starts with the error's description, followed by details such as the address involved.
 * For {@link InetError#THREAD_NOT_TERMINATED}, {@link #stragglers()} names the threads that outlived their join
 * deadline (lifecycle guarantee {@linkplain dev.socketloom##L6 L6}). Instances are immutable after construction.
 */
public class InetException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The error code. */
    private final InetError error;
    /** Names of the threads that did not terminate (an unmodifiable list). */
    private final List<String> stragglers;

    /**
     * An exception with the given error and extra detail.
     *
     * @param error  the error code
     * @param detail what was involved, appended to the message (may be {@code null})
     */
    public InetException(InetError error, String detail) {
        this(error, detail, null, List.of());
    }

    /**
     * An exception with the given error, detail and cause.
     *
     * @param error  the error code
     * @param detail what was involved, appended to the message (may be {@code null})
     * @param cause  the underlying exception (may be {@code null})
     */
    public InetException(InetError error, String detail, Throwable cause) {
        this(error, detail, cause, List.of());
    }

    /**
     * An exception naming the threads that did not terminate (normally {@link InetError#THREAD_NOT_TERMINATED}).
     *
     * @param error      the error code
     * @param detail     what was involved, appended to the message (may be {@code null})
     * @param cause      the underlying exception (may be {@code null})
     * @param stragglers names of the threads that outlived their join deadline
     */
    public InetException(InetError error, String detail, Throwable cause, List<String> stragglers) {
        super(message(Objects.requireNonNull(error, "error"), detail, stragglers), cause);
        this.error = error;
        this.stragglers = List.copyOf(stragglers);
    }

    private static String message(InetError error, String detail, List<String> stragglers) {
        StringBuilder sb = new StringBuilder(error.description());
        if (detail != null && !detail.isEmpty()) {
            sb.append(": ").append(detail);
        }
        if (!stragglers.isEmpty()) {
            sb.append(" (still running: ").append(String.join(", ", stragglers)).append(')');
        }
        return sb.toString();
    }

    /** {@return the stable error code} */
    public InetError error() {
        return error;
    }

    /**
     * {@return the names of threads that did not terminate within their deadline; empty unless the error is
     * {@linkplain dev.socketloom##L6 L6}'s}
     */
    public List<String> stragglers() {
        return stragglers;
    }
}
