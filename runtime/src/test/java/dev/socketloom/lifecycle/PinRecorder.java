package dev.socketloom.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Records JFR {@code jdk.VirtualThreadPinned} events (threshold 0, with stack traces) between {@link #start()} and
 * {@link #stop()} and reports those whose stack has a frame of interest. A recording is stopped and dumped before it
 * is read, so every event emitted before {@code stop()} is seen (a streaming consumer could miss the last ones).
 */
public final class PinRecorder implements AutoCloseable {
    /** Frames of SocketLoom's production code: the public API and the internals, not the tests. */
    public static final Predicate<String> PRODUCTION = type ->
            type.startsWith("dev.socketloom.") && !type.startsWith("dev.socketloom.lifecycle.")
                    && !type.startsWith("dev.socketloom.testing.");

    private final Recording recording = new Recording();

    /** Starts recording pinned events. */
    public static PinRecorder start() {
        PinRecorder r = new PinRecorder();
        r.recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
        r.recording.setName("socketloom-pinning-check");
        r.recording.start();
        return r;
    }

    /**
     * Stops recording and returns one description per pinned event with at least one frame whose declaring type
     * matches {@code frames}.
     */
    public List<String> stop(Predicate<String> frames) throws IOException {
        recording.stop();
        Path file = Files.createTempFile("socketloom-pinning", ".jfr");
        try {
            recording.dump(file);
            List<String> pins = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned") || e.getStackTrace() == null) {
                    continue;
                }
                boolean ours = false;
                StringBuilder stack = new StringBuilder();
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    String type = f.getMethod().getType().getName();
                    ours |= frames.test(type);
                    stack.append("\n      at ").append(type).append('.').append(f.getMethod().getName())
                            .append(':').append(f.getLineNumber());
                }
                if (ours) {
                    pins.add("virtual thread pinned for " + e.getDuration() + " on "
                            + (e.getThread() != null ? e.getThread().getJavaName() : "?")
                            + (e.getStackTrace().isTruncated() ? " (stack truncated)" : "") + stack);
                }
            }
            return pins;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public void close() {
        recording.close();
    }
}
