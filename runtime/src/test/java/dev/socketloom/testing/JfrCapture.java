package dev.socketloom.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording around a piece of test code, read back from a real file: {@link #start} enables the named events
 * (threshold 0), {@link #stop()} stops the recording, dumps it and returns the events whose name starts with
 * {@code dev.socketloom.}. Stopping before reading means every event committed before {@code stop()} is in the file.
 */
public final class JfrCapture implements AutoCloseable {
    /** Every SocketLoom event. */
    public static final List<String> ALL = List.of("dev.socketloom.ConnectionOpened", "dev.socketloom.ConnectionClosed",
            "dev.socketloom.HandlerFailed", "dev.socketloom.AcceptFailed", "dev.socketloom.ServerStopped");

    private final Recording recording = new Recording();

    private JfrCapture() {
    }

    /** Starts a recording with {@code enabled} on and {@code disabled} explicitly off. */
    public static JfrCapture start(List<String> enabled, List<String> disabled) {
        JfrCapture c = new JfrCapture();
        c.recording.setName("socketloom-jfr-test");
        c.recording.setToDisk(true);
        for (String name : enabled) {
            c.recording.enable(name).withThreshold(Duration.ZERO);
        }
        for (String name : disabled) {
            c.recording.disable(name);
        }
        // something that is always there, so that an empty result means "not committed", not "nothing recorded"
        c.recording.enable("jdk.JVMInformation");
        c.recording.start();
        return c;
    }

    /** Stops the recording and returns the SocketLoom events in it (and {@code jdk.JVMInformation}, as a witness). */
    public List<RecordedEvent> stop() throws IOException {
        recording.stop();
        Path file = Files.createTempFile("socketloom-jfr-test", ".jfr");
        try {
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("dev.socketloom.")
                            || e.getEventType().getName().equals("jdk.JVMInformation"))
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public void close() {
        recording.close();
    }
}
