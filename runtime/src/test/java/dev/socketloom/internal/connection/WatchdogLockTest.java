package dev.socketloom.internal.connection;

import static dev.socketloom.testing.TestSupport.assertInetError;
import static dev.socketloom.testing.TestSupport.returnsWithinDeadline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.TestSupport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The watchdog never waits for a connection's state lock. Its holder may be a disconnect that sends close_notify into
 * a full send buffer, which only a deadline of this same watchdog can end: waiting for it would stop every deadline
 * of the runtime for good. Here a test thread holds one connection's state lock while that connection's idle deadline
 * passes; another connection's later deadline must still fire, and the first one is closed once its lock is free.
 */
class WatchdogLockTest {

    @Test
    void aBusyStateLockDelaysOnlyItsOwnConnectionsDeadline() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(TestSupport.loopback().build(), TestSupport.LINE_ECHO);
            SocketConnection held = (SocketConnection) rt.connect("127.0.0.1", server.port(),
                    ConnectOptions.builder().idleTimeout(Duration.ofMillis(200)).build());
            Connection other = rt.connect("127.0.0.1", server.port(),
                    ConnectOptions.builder().idleTimeout(Duration.ofMillis(600)).build());
            byte[] one = new byte[1];
            held.lock();
            try {
                // expires after the held connection's deadline: the watchdog has met the busy lock by then
                assertInetError(InetError.TIMEOUT, () -> returnsWithinDeadline("idle timeout of the other connection",
                        () -> other.read(one, 0, 1)));
            } finally {
                held.unlock();
            }
            // the read in flight meets the expiry (TIMEOUT), or the watchdog closed the connection just before the
            // read began: NOT_CONNECTED, caused by that TIMEOUT
            InetException e = assertThrows(InetException.class, () -> returnsWithinDeadline(
                    "idle timeout of the connection once free", () -> held.read(one, 0, 1)));
            InetException timeout = e.error() == InetError.TIMEOUT ? e : (InetException) e.getCause();
            assertEquals(InetError.TIMEOUT, timeout == null ? null : timeout.error(), e::toString);
        }
    }
}
