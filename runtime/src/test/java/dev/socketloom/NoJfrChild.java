package dev.socketloom;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Runs in a child JVM started without the {@code jdk.jfr} module ({@code --limit-modules java.base}) for
 * {@link JfrEventsTest}: every lifecycle point that emits an event (open, close, handler failure, stop) must work
 * without it. Prints {@code OK <stats>} or fails with the exception.
 */
public final class NoJfrChild {
    private NoJfrChild() {
    }

    public static void main(String[] args) throws Exception {
        if (ModuleLayer.boot().findModule("jdk.jfr").isPresent()) {
            throw new IllegalStateException("jdk.jfr is there; start this JVM with --limit-modules java.base");
        }
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(ServerOptions.builder().bindAddress(InetAddress.getLoopbackAddress())
                    .build(), c -> {
                        if ("fail".equals(c.readLine())) {
                            throw new IllegalStateException("a handler failure without JFR");
                        }
                        c.writeLine("ok");
                    });
            try (Connection c = rt.connect("127.0.0.1", server.port())) {
                c.writeLine("hello");
                if (!"ok".equals(c.readLine())) {
                    throw new IllegalStateException("no echo");
                }
            }
            try (Connection c = rt.connect("127.0.0.1", server.port())) {
                c.writeLine("fail");
                c.readLine();
            }
            StopResult stopped = server.stop(Duration.ofSeconds(5));
            System.out.println("OK " + server.stats() + " " + stopped);
        }
    }
}
