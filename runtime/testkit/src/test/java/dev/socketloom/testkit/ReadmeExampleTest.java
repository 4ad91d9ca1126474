package dev.socketloom.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;

import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import org.junit.jupiter.api.Test;

/** The README's "Test your own server" example, compiled and run as it is shown there; keep the two the same. */
// README example begins
@SocketLoomTest
class ReadmeExampleTest {

    @Test
    void echoesALine(SocketRuntime runtime) throws Exception {
        ServerOptions options = ServerOptions.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0).build();
        Server server = runtime.startServer(options, connection -> {
            for (String line; (line = connection.readLine()) != null; ) {
                connection.writeLine(line);
            }
        });
        try (Connection client = runtime.connect("127.0.0.1", server.port())) {
            client.writeLine("hello");
            assertEquals("hello", client.readLine());
        }
        // leave the server running: the extension closes the runtime, then fails the test if a connection
        // was left open or a handler did not end
    }
}
// README example ends
