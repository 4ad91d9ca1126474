package dev.socketloom.internal.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketloom.InetError;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** How the JDK's socket exceptions map to stable error codes where the exception type alone does not say it. */
class ErrorsTest {

    @Test
    void aConnectionKilledByUnansweredProbesReportsTimeout() {
        // what a blocked read throws on Linux when keepalive (or retransmission) gives up on the peer: ETIMEDOUT
        assertEquals(InetError.TIMEOUT, Errors.classify(new SocketException("Connection timed out")));
        assertEquals(InetError.TIMEOUT, Errors.classify(new SocketException("Connection timed out (Write failed)")));
        assertEquals(InetError.CONNECTION_RESET, Errors.classify(new SocketException("Connection reset")));
    }
}
