package dev.socketloom.stress.scenario;

import dev.socketloom.ConnectionHandler;
import dev.socketloom.Server;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** The handlers of the CLI's {@code serve} command. */
public final class ServeHandlers {
    private ServeHandlers() {
    }

    /** Returns bytes as they arrive, until the peer closes (works for nc/socat lines and for {@code load}). */
    public static ConnectionHandler echo() {
        return c -> {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = c.read(buf, 0, buf.length)) >= 0) {
                c.write(buf, 0, n);
            }
        };
    }

    /**
     * Answers every line with {@code <client ip>:<client port> <line>}: the client as the server sees it, which behind
     * a PROXY protocol load balancer is the address from the header (the rolling-restart scenario compares it with
     * its own sockets' addresses).
     */
    public static ConnectionHandler addr() {
        return c -> {
            String who = c.remoteAddress().getAddress().getHostAddress() + ":" + c.remoteAddress().getPort();
            String line;
            while ((line = c.readLine()) != null) {
                c.writeLine(who + " " + line);
            }
        };
    }

    /**
     * Line chat: greets the client, then sends every line it writes to every connected client (itself included) as
     * {@code <address>: <line>}, via {@link Server#broadcast}.
     */
    public static ConnectionHandler chat(Supplier<Server> server) {
        return c -> {
            String who = String.valueOf(c.remoteAddress());
            c.writeLine("welcome " + who + "; " + server.get().clientCount() + " here");
            String line;
            while ((line = c.readLine()) != null) {
                server.get().broadcast((who + ": " + line + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        };
    }
}
