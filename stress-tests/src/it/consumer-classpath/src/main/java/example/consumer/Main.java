package example.consumer;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import java.net.InetAddress;
import java.time.Duration;

/**
 * A third-party program using SocketLoom only through its published artifact: one echo round trip, then a server
 * disconnect (L2) seen from the client. The consumer check compiles and runs it twice, on the class path and as a
 * named module; the first argument says which ({@code classpath} or {@code module}), the second the expected version.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String expectedVersion = args[1];
        // nothing here may hang the build: give up loudly instead
        Thread.ofPlatform().daemon().name("consumer-watchdog").start(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(60));
                System.err.println("consumer: FAILED, still running after 60 s");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        Module api = SocketRuntime.class.getModule();
        Module self = Main.class.getModule();
        String version;
        if (mode.equals("module")) {
            check(api.isNamed() && api.getName().equals("dev.socketloom"), "SocketLoom in " + api);
            check(self.isNamed() && self.getName().equals("example.consumer"), "consumer in " + self);
            check(!api.isExported("dev.socketloom.internal.runtime"), "dev.socketloom.internal.runtime is not exported");
            check(api.isExported("dev.socketloom.inet"), "the facade package dev.socketloom.inet is exported");
            version = api.getDescriptor().rawVersion().orElse(null);
        } else {
            check(!api.isNamed() && !self.isNamed(), "class path: " + api + ", " + self);
            version = SocketRuntime.class.getPackage().getImplementationVersion(); // the jar's manifest
        }
        check(expectedVersion.equals(version), "SocketLoom version " + version + ", expected " + expectedVersion);

        ConnectOptions timeouts = ConnectOptions.builder()
                .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(10)).build();
        ServerOptions serverOptions = ServerOptions.builder()
                .bindAddress(InetAddress.getLoopbackAddress()).port(0).clientOptions(timeouts).build();
        try (SocketRuntime runtime = SocketRuntime.open()) {
            Server server = runtime.startServer(serverOptions, connection -> {
                String line;
                while ((line = connection.readLine()) != null) {
                    connection.writeLine(line);
                }
            });
            String host = InetAddress.getLoopbackAddress().getHostAddress();
            try (Connection client = runtime.connect(host, server.port(), timeouts)) {
                client.writeLine("hello from " + mode);
                String echo = client.readLine();
                check(("hello from " + mode).equals(echo), "echo round trip returned " + echo);

                server.disconnect();
                check(!server.isRunning() && server.clientCount() == 0,
                        "after Server.disconnect(): running=" + server.isRunning() + ", clients=" + server.clientCount());
                String after = client.readLine();
                check(after == null, "the client sees end of stream after the server disconnect, read " + after);
                try (Connection late = runtime.connect(host, server.port(), timeouts)) {
                    throw new AssertionError("connected to a disconnected server: " + late);
                } catch (InetException e) {
                    check(e.error() == InetError.CONNECTION_REFUSED, "connect after disconnect: " + e.error());
                }
            }
        }
        System.out.println("consumer: OK (" + mode + ", SocketLoom " + version + ")");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("consumer: FAILED: " + what);
        }
        System.out.println("consumer: " + what);
    }
}
