package dev.socketloom;

import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** L11: abortive close avoids TIME_WAIT, so rapid connect/abort churn never exhausts ephemeral ports. */
class AbortChurnTest {
    private static final int CYCLES = 20_000;

    @Test
    void twentyThousandConnectAbortCyclesDoNotExhaustPorts() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open();
             Server server = rt.startServer(loopback().build(), c -> c.read(new byte[1]))) {
            for (int i = 0; i < CYCLES; i++) {
                Connection c = rt.connect("127.0.0.1", server.port()); // a BindException here would fail the test
                c.abort();
            }
            assertTrue(server.isRunning());
            server.disconnect();
            assertEquals(0, server.clientCount());
            assertTrue(server.stats().accepted() + server.stats().rejected() <= CYCLES);
            assertEquals(0, server.stats().acceptFailures());
            assertTrue(rt.connections().isEmpty());
        }
    }
}
