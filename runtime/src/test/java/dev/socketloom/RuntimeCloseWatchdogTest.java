package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * L8: {@code SocketRuntime.close()} joins the write/idle-timeout watchdog even when every connection and server was
 * already closed, so that no join deadline of theirs is left to borrow. (Found by the stress suite: close() used a
 * zero deadline then and reported the still-exiting {@code socketloom-watchdog} as THREAD_NOT_TERMINATED.)
 */
class RuntimeCloseWatchdogTest {

    @Test
    void closeAfterEverythingWasDisconnectedStillJoinsTheWatchdog() throws Exception {
        ConnectOptions withWriteTimeout = ConnectOptions.builder().writeTimeout(Duration.ofSeconds(30)).build();
        for (int i = 0; i < 5; i++) {
            SocketRuntime rt = SocketRuntime.open();
            Server server = rt.startServer(loopback().build(), LINE_ECHO);
            Connection c = rt.connect("127.0.0.1", server.port(), withWriteTimeout);
            c.writeLine("hello");
            assertEquals("hello", c.readLine());
            c.disconnect();
            server.disconnect();
            rt.close(); // threw THREAD_NOT_TERMINATED naming socketloom-watchdog
            assertEquals(0, rt.liveThreadCount(), "threads of the runtime after close");
        }
    }
}
