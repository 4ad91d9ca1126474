package dev.socketloom.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.inet.Inet;
import dev.socketloom.inet.InetEventProc;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests of the SocketWrench facade ({@code @ExtendWith(InetSession.class)}): {@code Inet.initialize()} before each
 * test; after it, {@code Inet.uninitialize()} must succeed (no handler outlived its join) and leave no handle.
 */
public final class InetSession implements BeforeEachCallback, AfterEachCallback {
    /** A line-echo server written the SocketWrench way: an event procedure per client. */
    public static final InetEventProc LINE_ECHO = (h, event, error) -> {
        if (event == Inet.INET_EVENT_READ) {
            String line = Inet.readLine(h);
            if (line != null) {
                Inet.writeLine(h, line);
            }
        }
    };

    @Override
    public void beforeEach(ExtensionContext context) {
        assertTrue(Inet.initialize());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        assertTrue(Inet.uninitialize(), () -> "uninitialize failed: " + Inet.getErrorString(Inet.getLastError()));
        assertEquals(0, Inet.handleCount(), "handles left after uninitialize");
    }
}
