package dev.socketloom;

import static dev.socketloom.testing.TestSupport.LINE_ECHO;
import static dev.socketloom.testing.TestSupport.await;
import static dev.socketloom.testing.TestSupport.awaitCondition;
import static dev.socketloom.testing.TestSupport.loopback;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.testing.JfrCapture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/**
 * The JFR events ({@code dev.socketloom.*}, catalogue in {@code dev.socketloom.internal.jfr}) recorded to a real file
 * around real traffic, every field checked; and nothing committed while the events are disabled.
 */
class JfrEventsTest {
    private static final String OPENED = "dev.socketloom.ConnectionOpened";
    private static final String CLOSED = "dev.socketloom.ConnectionClosed";
    private static final String FAILED = "dev.socketloom.HandlerFailed";
    private static final String STOPPED = "dev.socketloom.ServerStopped";
    private static final Duration GRACE = Duration.ofSeconds(3);

    /** The first line picks the behaviour, so one server shows every way a connection can end. */
    private static ConnectionHandler scripted(CountDownLatch waiting) {
        return c -> {
            String first = c.readLine();
            if ("echo".equals(first)) {
                LINE_ECHO.handle(c);
            } else if ("fail".equals(first)) {
                throw new IllegalStateException("boom from the handler");
            } else if ("linger".equals(first)) {
                waiting.countDown();
                c.readLine(); // returns after one more line: finishes within a stop's grace period
            } else if ("hold".equals(first)) {
                waiting.countDown();
                while (c.readLine() != null) {
                    // until the stop forces it
                }
            }
        };
    }

    @Test
    void recordsTheLifecycleOfConnectionsAndServersWithEveryField() throws Exception {
        List<RecordedEvent> events;
        int port;
        int timeoutPort;
        int closedByRuntimePort;
        Map<String, Long> ids = new HashMap<>(); // what -> connection id (client side: "x", server: "x@")
        Map<String, Integer> clientPorts = new HashMap<>();
        StopResult stopResult;
        try (JfrCapture jfr = JfrCapture.start(JfrCapture.ALL, List.of())) {
            try (SocketRuntime rt = SocketRuntime.open()) {
                CountDownLatch waiting = new CountDownLatch(2);
                Server server = rt.startServer(loopback().build(), scripted(waiting));
                port = server.port();

                // the peer closes: the server side reads end of stream
                Connection echo = connect(rt, port, "echo", ids, clientPorts);
                echo.writeLine("hello");
                assertEquals("hello", echo.readLine());
                ids.put("echo@", server.clients().get(0).id());
                echo.close();
                awaitCondition(() -> server.clientCount() == 0, "the echo handler to see the close");

                // the handler throws
                Connection fail = connect(rt, port, "fail", ids, clientPorts);
                assertNull(fail.readLine(), "the failed handler's connection is closed");
                fail.close();
                awaitCondition(() -> server.clientCount() == 0, "the failed handler's connection to close");

                // an EventHandler callback throws; the events go on
                CountDownLatch pong = new CountDownLatch(1);
                Connection async = rt.connectAsync("127.0.0.1", port, ConnectOptions.DEFAULTS, (conn, event, err) -> {
                    if (event == Event.CONNECT) {
                        conn.writeLine("echo");
                        conn.writeLine("ping");
                        conn.writeLine("pong");
                    } else if (event == Event.READ) {
                        String line = conn.readLine();
                        if ("ping".equals(line)) {
                            throw new IllegalArgumentException("boom from the callback");
                        } else if ("pong".equals(line)) {
                            pong.countDown();
                        }
                    }
                });
                await(pong, "the callback after the failing one");
                ids.put("async", async.id());
                async.disconnect();
                awaitCondition(() -> server.clientCount() == 0, "the async client's server side to close");

                // an idle timeout closes the server side
                Server idle = rt.startServer(loopback().idleTimeout(Duration.ofMillis(300)).build(), LINE_ECHO);
                timeoutPort = idle.port();
                Connection sleeper = rt.connect("127.0.0.1", timeoutPort);
                clientPorts.put("sleeper", sleeper.localAddress().getPort());
                assertNull(sleeper.readLine(), "the server closed the idle connection");
                sleeper.close();
                awaitCondition(() -> idle.clientCount() == 0, "the idle connection to leave");
                idle.disconnect();

                // a graceful stop: one handler finishes in the grace period, one is forced
                Connection linger = connect(rt, port, "linger", ids, clientPorts);
                Connection hold = connect(rt, port, "hold", ids, clientPorts);
                await(waiting, "both handlers to wait");
                CompletableFuture<StopResult> stop = new CompletableFuture<>();
                Thread stopper = Thread.ofVirtual().start(() -> {
                    try {
                        stop.complete(server.stop(GRACE));
                    } catch (Throwable t) {
                        stop.completeExceptionally(t);
                    }
                });
                awaitCondition(() -> !server.isRunning(), "the stop to begin");
                linger.writeLine("bye");
                stopResult = stop.get(GRACE.toSeconds() + 30, TimeUnit.SECONDS);
                stopper.join();
                server.disconnect(); // no second ServerStopped: the server had stopped already
                linger.close();
                hold.close();

                // the runtime's close ends a server and both ends of a connection
                try (SocketRuntime rt2 = SocketRuntime.open()) {
                    Server doomed = rt2.startServer(loopback().build(), LINE_ECHO);
                    closedByRuntimePort = doomed.port();
                    Connection c = rt2.connect("127.0.0.1", closedByRuntimePort);
                    c.writeLine("still here");
                    assertEquals("still here", c.readLine());
                    // the echo reached us before the server's write returned and counted it
                    awaitCondition(() -> doomed.stats().bytesOut() == "still here\r\n".length(), "the echo's count");
                    ids.put("doomed", c.id());
                    clientPorts.put("doomed", c.localAddress().getPort());
                }
            }
            events = jfr.stop();
        }
        assertEquals(1, stopResult.graceful());
        assertEquals(1, stopResult.forced());

        // every connection that opened closed exactly once
        Map<Long, Long> opened = countById(events, OPENED);
        Map<Long, Long> closed = countById(events, CLOSED);
        assertEquals(opened.keySet(), closed.keySet(), "connections opened and closed");
        assertTrue(opened.values().stream().allMatch(n -> n == 1) && closed.values().stream().allMatch(n -> n == 1),
                () -> "one event each: " + opened + " " + closed);
        assertEquals(14, opened.size(), "7 connections, both ends of each");

        // ConnectionOpened, client and server side
        RecordedEvent clientOpen = one(events, OPENED, e -> e.getLong("connectionId") == ids.get("echo"));
        assertEquals("127.0.0.1:" + port, clientOpen.getString("remoteAddress"));
        assertEquals(clientPorts.get("echo"), clientOpen.getInt("localPort"));
        assertEquals(0, clientOpen.getInt("serverPort"));
        RecordedEvent serverOpen = one(events, OPENED, e -> e.getLong("connectionId") == ids.get("echo@"));
        assertEquals("127.0.0.1:" + clientPorts.get("echo"), serverOpen.getString("remoteAddress"));
        assertEquals(port, serverOpen.getInt("localPort"));
        assertEquals(port, serverOpen.getInt("serverPort"));
        assertEquals("socketloom-server-" + port + "-acceptor", serverOpen.getThread().getJavaName());

        // the peer closed: the server side says PEER and counts the bytes both ways; the client closed it itself
        RecordedEvent peerClosed = closedFrom(events, port, clientPorts.get("echo"));
        assertEquals(ids.get("echo@"), peerClosed.getLong("connectionId"));
        assertClosed(peerClosed, "PEER", false, "echo\r\nhello\r\n".length(), "hello\r\n".length());
        assertEquals(port, peerClosed.getInt("localPort"));
        assertTrue(peerClosed.getDuration("lifetime").toNanos() > 0);
        RecordedEvent clientClosed = one(events, CLOSED, e -> e.getLong("connectionId") == ids.get("echo"));
        assertClosed(clientClosed, "LOCAL", false, "hello\r\n".length(), "echo\r\nhello\r\n".length());
        assertEquals(0, clientClosed.getInt("serverPort"));
        assertEquals("127.0.0.1:" + port, clientClosed.getString("remoteAddress"));

        // the failing handler: HandlerFailed, then its connection closed with ERROR
        RecordedEvent failedClose = closedFrom(events, port, clientPorts.get("fail"));
        assertClosed(failedClose, "ERROR", false, "fail\r\n".length(), 0);
        long failedId = failedClose.getLong("connectionId");
        RecordedEvent failure = one(events, FAILED, e -> e.getLong("connectionId") == failedId);
        assertEquals("ConnectionHandler", failure.getString("handler"));
        assertEquals(IllegalStateException.class.getName(), failure.getString("exceptionClass"));
        assertEquals("boom from the handler", failure.getString("message"));
        assertEquals("", failure.getString("inetError"));
        assertTrue(failure.getString("origin").contains(JfrEventsTest.class.getName()), failure.getString("origin"));
        assertEquals(port, failure.getInt("serverPort"));
        assertEquals("127.0.0.1:" + clientPorts.get("fail"), failure.getString("remoteAddress"));
        assertNull(failure.getStackTrace(), "no stack trace: the origin field says where");

        // the failing event callback, on the client side
        RecordedEvent callback = one(events, FAILED, e -> e.getLong("connectionId") == ids.get("async"));
        assertEquals("EventHandler READ", callback.getString("handler"));
        assertEquals(IllegalArgumentException.class.getName(), callback.getString("exceptionClass"));
        assertEquals(0, callback.getInt("serverPort"));
        assertClosed(one(events, CLOSED, e -> e.getLong("connectionId") == ids.get("async")), "LOCAL", true,
                "ping\r\npong\r\n".length(), "echo\r\nping\r\npong\r\n".length());

        // the idle timeout: forced (the handler was blocked in a read), with the deadline that expired
        RecordedEvent timedOut = closedFrom(events, timeoutPort, clientPorts.get("sleeper"));
        assertClosed(timedOut, "TIMEOUT", true, 0, 0);
        assertEquals("idle timeout PT0.3S", timedOut.getString("detail"));
        assertTrue(timedOut.getDuration("lifetime").compareTo(Duration.ofMillis(300)) >= 0);

        // the graceful stop: one handler finished on its own, one was forced
        assertClosed(closedFrom(events, port, clientPorts.get("linger")), "LOCAL", false,
                "linger\r\nbye\r\n".length(), 0);
        assertClosed(closedFrom(events, port, clientPorts.get("hold")), "SERVER_STOP", true, "hold\r\n".length(), 0);
        RecordedEvent stop = one(events, STOPPED, e -> e.getInt("serverPort") == port);
        assertEquals("STOP", stop.getString("how"));
        assertEquals(GRACE, stop.getDuration("grace"));
        assertEquals(1, stop.getInt("graceful"));
        assertEquals(1, stop.getInt("forced"));
        assertEquals(0, stop.getInt("stragglerCount"));
        assertEquals("", stop.getString("stragglers"));
        assertTrue(stop.getDuration().compareTo(Duration.ZERO) > 0, "a duration event spanning the stop");
        assertNull(stop.getStackTrace());

        RecordedEvent disconnected = one(events, STOPPED, e -> e.getInt("serverPort") == timeoutPort);
        assertEquals("DISCONNECT", disconnected.getString("how"));
        assertEquals(0, disconnected.getInt("forced"));
        assertEquals(Duration.ZERO, disconnected.getDuration("grace"));

        // the runtime's close
        RecordedEvent byRuntime = one(events, STOPPED, e -> e.getInt("serverPort") == closedByRuntimePort);
        assertEquals("RUNTIME_CLOSE", byRuntime.getString("how"));
        assertEquals(1, byRuntime.getInt("forced"));
        assertEquals(0, byRuntime.getInt("stragglerCount"));
        assertClosed(closedFrom(events, closedByRuntimePort, clientPorts.get("doomed")), "RUNTIME_CLOSE", true,
                "still here\r\n".length(), "still here\r\n".length());
        assertClosed(one(events, CLOSED, e -> e.getLong("connectionId") == ids.get("doomed")), "RUNTIME_CLOSE", false,
                "still here\r\n".length(), "still here\r\n".length());
        assertEquals(3, events.stream().filter(e -> e.getEventType().getName().equals(STOPPED)).count(),
                "one ServerStopped per server");
    }

    @Test
    void disabledEventsAreNotCommitted() throws Exception {
        List<RecordedEvent> none = recordTraffic(List.of(), JfrCapture.ALL);
        assertTrue(none.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.JVMInformation")),
                "the recording itself worked");
        assertEquals(List.of(), socketLoomEventNames(none), "nothing committed while disabled");

        // each event is switched on its own
        List<RecordedEvent> closedOnly = recordTraffic(List.of(CLOSED),
                JfrCapture.ALL.stream().filter(n -> !n.equals(CLOSED)).toList());
        assertEquals(List.of(CLOSED), socketLoomEventNames(closedOnly).stream().distinct().toList());
    }

    @Test
    void eventTypesCarryLabelsCategoryAndNoStackTraceByDefault() throws Exception {
        List<RecordedEvent> all = recordTraffic(JfrCapture.ALL, List.of());
        assertEquals(List.of(CLOSED, OPENED, FAILED, STOPPED), socketLoomEventNames(all).stream().distinct().sorted()
                .toList(), "accept failures are tested in AcceptFailedEventTest");
        for (RecordedEvent e : all) {
            if (e.getEventType().getName().startsWith("dev.socketloom.")) {
                assertEquals(List.of("SocketLoom"), e.getEventType().getCategoryNames());
                assertFalse(e.getEventType().getLabel().isBlank());
                assertFalse(e.getEventType().getDescription().isBlank());
                assertNull(e.getStackTrace(), e.getEventType().getName());
            }
        }
    }

    @Test
    void runsWithoutTheJfrModule() throws Exception {
        // the module requires jdk.jfr statically: a JVM without it (a jlinked image) must run the runtime all the same
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "--limit-modules", "java.base", "-cp",
                System.getProperty("java.class.path"), NoJfrChild.class.getName()).redirectErrorStream(true).start();
        try {
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child exited");
            assertEquals(0, child.exitValue(), out);
            // stderr is merged in: the handler failure's log record comes first
            assertTrue(out.contains("\nOK ServerStats[accepted=2, rejected=0, acceptFailures=0, handlerFailures=1"),
                    out);
        } finally {
            child.destroyForcibly();
            child.waitFor(60, TimeUnit.SECONDS);
            child.getInputStream().close();
            child.getOutputStream().close();
            child.getErrorStream().close();
        }
    }

    /** Opens a server, exchanges a line, makes one handler fail, stops the server; returns what was recorded. */
    private static List<RecordedEvent> recordTraffic(List<String> enabled, List<String> disabled) throws Exception {
        try (JfrCapture jfr = JfrCapture.start(enabled, disabled)) {
            try (SocketRuntime rt = SocketRuntime.open()) {
                Server server = rt.startServer(loopback().build(), scripted(new CountDownLatch(0)));
                try (Connection c = rt.connect("127.0.0.1", server.port())) {
                    c.writeLine("echo");
                    c.writeLine("x");
                    assertEquals("x", c.readLine());
                }
                try (Connection c = rt.connect("127.0.0.1", server.port())) {
                    c.writeLine("fail");
                    assertNull(c.readLine());
                }
                awaitCondition(() -> server.stats().handlerFailures() == 1 && server.clientCount() == 0,
                        "both handlers to end");
                server.stop(Duration.ZERO);
            }
            return jfr.stop();
        }
    }

    private static Connection connect(SocketRuntime rt, int port, String first, Map<String, Long> ids,
                                      Map<String, Integer> clientPorts) throws InetException {
        Connection c = rt.connect("127.0.0.1", port);
        c.writeLine(first);
        ids.put(first, c.id());
        clientPorts.put(first, c.localAddress().getPort());
        return c;
    }

    private static List<String> socketLoomEventNames(List<RecordedEvent> events) {
        return events.stream().map(e -> e.getEventType().getName()).filter(n -> n.startsWith("dev.socketloom."))
                .toList();
    }

    private static Map<Long, Long> countById(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name))
                .collect(Collectors.groupingBy(e -> e.getLong("connectionId"), Collectors.counting()));
    }

    private static RecordedEvent one(List<RecordedEvent> events, String name, Predicate<RecordedEvent> which) {
        List<RecordedEvent> found = events.stream().filter(e -> e.getEventType().getName().equals(name))
                .filter(which).toList();
        assertEquals(1, found.size(), () -> "one " + name + " expected, found " + found);
        return found.get(0);
    }

    /** The server-side ConnectionClosed of the client whose local port is {@code clientPort}. */
    private static RecordedEvent closedFrom(List<RecordedEvent> events, int serverPort, int clientPort) {
        return one(events, CLOSED, e -> e.getInt("serverPort") == serverPort
                && e.getString("remoteAddress").equals("127.0.0.1:" + clientPort));
    }

    private static void assertClosed(RecordedEvent e, String cause, boolean forced, long bytesIn, long bytesOut) {
        assertEquals(cause, e.getString("cause"), e::toString);
        assertEquals(forced, e.getBoolean("forced"), e::toString);
        assertEquals(bytesIn, e.getLong("bytesIn"), e::toString);
        assertEquals(bytesOut, e.getLong("bytesOut"), e::toString);
        if (!cause.equals("TIMEOUT")) {
            assertEquals("", e.getString("detail"), e::toString);
        }
    }
}
