package dev.socketloom.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ServerOptions;
import dev.socketloom.internal.connection.ClientRegistry;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.util.Threads;
import dev.socketloom.testing.JfrCapture;
import dev.socketloom.testing.TestSupport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/**
 * {@code dev.socketloom.AcceptFailed}, from the real accept loop: a listener whose {@code accept()} fails as it does
 * when the process is out of descriptors (the real EMFILE is provoked in {@code AcceptorBackoffTest}, in a child JVM).
 */
class AcceptFailedEventTest {

    /** A bound listener whose accept() fails with EMFILE's message; counts its calls. */
    private static final class FailingListener extends ServerSocket {
        private final CountDownLatch calls;

        FailingListener(CountDownLatch calls) throws IOException {
            super(0, 1, InetAddress.getLoopbackAddress());
            this.calls = calls;
        }

        @Override
        public Socket accept() throws IOException {
            calls.countDown();
            throw new SocketException("Too many open files");
        }
    }

    @Test
    void everyFailedAcceptIsRecordedWithItsBackoff() throws Exception {
        CountDownLatch threeCalls = new CountDownLatch(3);
        ServerOptions options = ServerOptions.builder()
                .acceptBackoff(Duration.ofMillis(10), Duration.ofMillis(20)).build();
        List<RecordedEvent> events;
        int port;
        try (JfrCapture jfr = JfrCapture.start(JfrCapture.ALL, List.of());
             FailingListener listener = new FailingListener(threeCalls)) {
            port = listener.getLocalPort();
            Acceptor acceptor = new Acceptor(listener, options, new ClientRegistry(), Sockets::closeQuietly);
            acceptor.start(new Threads());
            // the third accept() comes after the second failure was recorded and backed off
            TestSupport.await(threeCalls, "three accept calls");
            acceptor.close();
            assertTrue(acceptor.thread().join(Duration.ofSeconds(30)), "the acceptor ends when closed");
            events = jfr.stop();
        }
        List<RecordedEvent> failures = events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.socketloom.AcceptFailed")).toList();
        assertTrue(failures.size() >= 2, () -> "at least two failures recorded: " + failures);
        RecordedEvent first = failures.get(0);
        RecordedEvent second = failures.get(1);
        assertEquals(port, first.getInt("serverPort"));
        assertEquals("java.net.SocketException: Too many open files", first.getString("error"));
        assertEquals(Duration.ofMillis(10), first.getDuration("backoff"));
        assertEquals(1, first.getLong("failures"));
        assertEquals(Duration.ofMillis(20), second.getDuration("backoff"), "the back-off doubles");
        assertEquals(2, second.getLong("failures"));
        assertEquals("socketloom-server-" + port + "-acceptor", first.getThread().getJavaName());
        assertEquals(null, first.getStackTrace(), "no stack trace");
    }
}
