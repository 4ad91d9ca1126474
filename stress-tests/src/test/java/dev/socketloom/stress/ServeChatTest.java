package dev.socketloom.stress;

import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.stress.scenario.ServeHandlers;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServeChatTest extends WarmJdk {
    @Test
    void chatModeSendsEveryLineToEveryConnectedClient() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            AtomicReference<Server> self = new AtomicReference<>();
            Server server = rt.startServer(ServerOptions.builder().bindAddress(InetAddress.getLoopbackAddress())
                    .build(), ServeHandlers.chat(self::get));
            self.set(server);
            try (Connection alice = rt.connect("127.0.0.1", server.port());
                 Connection bob = rt.connect("127.0.0.1", server.port())) {
                assertTrue(alice.readLine().startsWith("welcome "));
                assertTrue(bob.readLine().startsWith("welcome "), "bob is connected once greeted");
                alice.writeLine("hi all");
                String fromAlice = "/127.0.0.1:" + alice.localAddress().getPort() + ": hi all";
                assertEquals(fromAlice, alice.readLine());
                assertEquals(fromAlice, bob.readLine());
            }
            server.disconnect();
        }
    }
}
