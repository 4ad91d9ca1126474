package dev.socketloom.stress.cli;

import dev.socketloom.ProxyProtocol;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.StopResult;
import dev.socketloom.TlsOptions;
import dev.socketloom.stress.scenario.ServeHandlers;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: one SocketLoom server (echo, chat or address mode; plain, TLS, or behind a load balancer that sends
 * the PROXY protocol) until Ctrl-C, then a graceful stop; optionally a {@code ServerStats} line every interval.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs a SocketLoom server until Ctrl-C / SIGTERM (then stops gracefully). Try it with "
                + "`nc 127.0.0.1 7000` or `socat - TCP:127.0.0.1:7000`.")
final class Serve implements Callable<Integer> {
    enum Mode { echo, chat, addr }

    @Option(names = "--port", defaultValue = "7000", description = "Port, 0 = ephemeral (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Bind address (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--mode", defaultValue = "echo",
            description = "echo: bytes back as they come; chat: every line goes to every client; addr: every line back "
                    + "prefixed with the client's ip:port as the server sees it (${COMPLETION-CANDIDATES}).")
    Mode mode;

    @Option(names = "--proxy-protocol", defaultValue = "OFF", paramLabel = "MODE",
            description = "PROXY protocol header (haproxy send-proxy / send-proxy-v2) before every client: "
                    + "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}; REQUIRED behind a load balancer).")
    ProxyProtocol proxyProtocol;

    @Option(names = "--grace", defaultValue = "2", description = "Seconds handlers get to finish on stop.")
    int grace;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve TLS with this PEM certificate chain (needs --tls-key); try it with "
                    + "`openssl s_client -connect 127.0.0.1:PORT -servername localhost -quiet`.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--stats", paramLabel = "INTERVAL", converter = DurationConverter.class,
            description = "Print a one-line ServerStats snapshot every INTERVAL (e.g. 5s, 500ms, 1m, PT5S): "
                    + "accepted, active, rejected, failed accepts, handler failures, bytes in and out.")
    Duration stats;

    @Override
    public Integer call() throws Exception {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--tls-cert and --tls-key go together");
        }
        TlsOptions tls = tlsCert == null ? null : TlsOptions.builder().keyMaterial(tlsCert, tlsKey).build();
        SocketRuntime rt = SocketRuntime.open();
        AtomicReference<Server> self = new AtomicReference<>();
        Server server = rt.startServer(ServerOptions.builder().bindAddress(InetAddress.getByName(bind)).port(port)
                .proxyProtocol(proxyProtocol).tls(tls).build(), switch (mode) {
                    case echo -> ServeHandlers.echo();
                    case chat -> ServeHandlers.chat(self::get);
                    case addr -> ServeHandlers.addr();
                });
        self.set(server);
        Thread hook = new Thread(() -> {
            try {
                StopResult r = server.stop(Duration.ofSeconds(grace));
                System.out.println("stopped: accepted=" + server.stats().accepted() + " graceful="
                        + r.graceful() + " forced=" + r.forced() + " stragglers=" + r.stragglers().size()
                        + " proxyHeaderFailures=" + server.stats().proxyHeaderFailures());
                rt.close();
            } catch (Exception e) {
                System.err.println("stop failed: " + e);
            }
        }, "socketloom-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("listening on " + server.localAddress().getAddress().getHostAddress() + ":"
                + server.port() + " (" + mode + (tls != null ? ", TLS" : "") + "); stop with Ctrl-C");
        StatsLine line = stats == null ? null : new StatsLine(server.stats(), System.nanoTime());
        while (!server.awaitTermination(stats == null ? Duration.ofHours(1) : stats)) {
            if (line != null) { // the wait for the server's end is the clock: no timer thread to stop
                System.out.println(line.next(server.stats(), System.nanoTime()));
            }
        }
        return 0;
    }
}
