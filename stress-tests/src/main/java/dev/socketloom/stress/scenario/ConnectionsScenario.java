package dev.socketloom.stress.scenario;

import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Many concurrent connections from a second JVM (started under {@code ulimit -n 20000}) echoing through one server,
 * then {@code Server.disconnect()} with all of them attached (L2): every client thread joined, every client sees
 * the close, the port is free again and threads/fds return to the baseline (L9).
 */
public final class ConnectionsScenario {
    /** Parameters: concurrent connections and lines echoed on each. */
    public record Params(int conns, int messages) {
        public static Params scaled(double scale) {
            return new Params(Tasks.scaled(10_000, scale, 50), 10);
        }
    }

    private ConnectionsScenario() {
    }

    public static Report run(Params p, Progress progress) throws Exception {
        Report r = new Report("connections");
        r.parameter("conns", p.conns()).parameter("messages", p.messages());
        Resources.Snapshot baseline = Resources.warmBaseline();
        Semaphore handlersExited = new Semaphore(0);
        int port;
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(Tasks.loopbackServer(p.conns()).build(),
                    Tasks.lineEchoCountingExits(handlersExited));
            port = server.port();
            progress.stage("connect + echo (client JVM)", p.conns());
            long t0 = System.nanoTime();
            try (ChildProcess child = new ChildProcess(20_000, ChildClients.class, "127.0.0.1",
                    String.valueOf(port), String.valueOf(p.conns()), String.valueOf(p.messages()))) {
                String connected = child.readLineSkippingProgress(progress);
                r.metric("connect + echo all (ms)", Tasks.millisSince(t0));
                String[] c = connected.split(" ");
                r.check(c[0].equals("CONNECTED"), "client JVM reported: " + connected);
                r.checkEquals(p.conns(), Long.parseLong(c[1]), "connections established by the client JVM");
                r.checkEquals(0, Long.parseLong(c[2]), "client JVM errors while connecting/echoing");
                r.checkEquals(p.conns(), server.clientCount(), "clients connected on the server");
                r.metric("server live threads (runtime)", rt.liveThreadCount());

                progress.stage("server disconnect", 1);
                t0 = System.nanoTime();
                server.disconnect();
                r.metric("server disconnect with " + p.conns() + " clients (ms)", Tasks.millisSince(t0));
                progress.step();
                r.checkEquals(0, server.clientCount(), "clients after server disconnect");
                r.check(!server.isRunning(), "server not running after disconnect");
                r.check(handlersExited.tryAcquire(p.conns(), 1, TimeUnit.SECONDS),
                        "every handler had returned when disconnect() returned (L2)");

                String closed = child.readLine();
                String[] d = closed.split(" ");
                r.check(d[0].equals("CLOSED"), "client JVM reported: " + closed);
                r.checkEquals(p.conns(), Long.parseLong(d[1]), "client connections that saw the server close");
                r.checkEquals(0, Long.parseLong(d[2]), "client JVM errors");
                r.checkEquals(0, child.waitFor(), "client JVM exit code");
            }
            r.check(rt.servers().isEmpty(), "server gone from the runtime's registry");
        }
        r.check(DemoScenario.portBindable(port), "server port can be bound again at once (L2)");
        Resources.checkBackToBaseline(r, baseline);
        return r;
    }
}
