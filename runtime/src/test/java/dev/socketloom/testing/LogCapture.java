package dev.socketloom.testing;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what the runtime logs (logger {@code dev.socketloom}, through the JDK's default {@link System.Logger}
 * backend, java.util.logging) down to DEBUG ({@link Level#FINE}), for tests that assert a reason was logged. Close it
 * to restore the logger. Thread-safe.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.socketloom");
    private final Level previous;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    /** Starts capturing. */
    public LogCapture() {
        previous = logger.getLevel();
        setLevel(Level.ALL);
        logger.setLevel(Level.FINE);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        Object[] params = r.getParameters();
        messages.add(r.getLevel() + " " + (params == null ? r.getMessage() : MessageFormat.format(r.getMessage(), params)));
    }

    /** Every message so far, as {@code LEVEL text}. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** Whether some message at DEBUG (FINE) contains {@code text}. */
    public boolean debugContains(String text) {
        return messages.stream().anyMatch(m -> m.startsWith(Level.FINE + " ") && m.contains(text));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previous);
    }
}
