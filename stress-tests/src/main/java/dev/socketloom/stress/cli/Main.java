package dev.socketloom.stress.cli;

import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.stress.scenario.ChurnScenario;
import dev.socketloom.stress.scenario.ConnectionsScenario;
import dev.socketloom.stress.scenario.DemoScenario;
import dev.socketloom.stress.scenario.FaultsScenario;
import dev.socketloom.stress.scenario.FdExhaustionScenario;
import dev.socketloom.stress.scenario.LoadScenario;
import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.PartitionScenario;
import dev.socketloom.stress.scenario.RealPeersScenario;
import dev.socketloom.stress.scenario.Report;
import dev.socketloom.stress.scenario.SaturationScenario;
import dev.socketloom.stress.scenario.RollingRestartScenario;
import dev.socketloom.stress.scenario.StopUnderLoadScenario;
import dev.socketloom.stress.scenario.TlsScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code socketloom-stress} command line: demo, serve, load and the stress scenarios. */
@Command(name = "socketloom-stress", mixinStandardHelpOptions = true, version = "SocketLoom stress 0.1.0",
        description = "SocketLoom demo, echo server, load generator and stress/fault scenarios.",
        subcommands = {Main.Demo.class, Serve.class, Main.Load.class, Main.Connections.class, Main.Churn.class,
                Main.StopUnderLoad.class, Main.Faults.class, Main.FdExhaustion.class, Main.RealPeers.class,
                Main.Tls.class, Main.Saturation.class, Main.RollingRestart.class, Main.Partition.class, Main.All.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Platform-thread I/O pollers (the JDK 21 default). With JDK 25's default virtual-thread pollers, virtual
        // threads woken from a platform thread starve under sustained loopback ping-pong on few CPUs (see
        // docs/jdk-notes.md); run with -Djdk.pollerMode=2 to see it. Must be set before the first socket read.
        // Not for `saturation`: it measures the stop path under the JDK's default poller mode, the very condition
        // mode 1 would hide (docs/saturation.md); its client JVM gets no poller option either.
        boolean saturation = args.length > 0 && args[0].equals("saturation");
        if (System.getProperty("jdk.pollerMode") == null && !saturation) {
            System.setProperty("jdk.pollerMode", "1");
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every report-producing command shares. */
    static final class ReportOptions {
        @Option(names = "--results", paramLabel = "DIR",
                description = "Also write the report as DIR/<scenario>.json and .txt.")
        Path results;

        @Option(names = "--no-progress", description = "Do not show the progress bar.")
        boolean noProgress;

        /** Runs one scenario with a progress bar, prints (and writes) its report; 0 if every guarantee held. */
        int run(String title, Function<Progress, Report> scenario) throws Exception {
            Report report;
            if (noProgress) {
                report = scenario.apply(Progress.NONE);
            } else {
                try (Bar bar = new Bar(title)) {
                    report = scenario.apply(bar);
                }
            }
            System.out.println(report.render());
            if (results != null) {
                System.out.println("written: " + report.write(results));
            }
            return report.ok() ? 0 : 1;
        }
    }

    /** Options of the scenario commands. */
    static final class ScaleOptions {
        @Option(names = "--scale", defaultValue = "1.0", paramLabel = "FACTOR",
                description = "Size relative to full scale (1.0 = 10 000 connections / 100 000 cycles / 2 000 "
                        + "clients; default ${DEFAULT-VALUE}).")
        double scale;

        @Option(names = "--seconds", defaultValue = "10", paramLabel = "S",
                description = "Time-based part of the scenario: slowloris line length (faults), stop grace "
                        + "(stop-under-load). Default ${DEFAULT-VALUE}.")
        int seconds;
    }

    /** Wraps a checked scenario call for {@link ReportOptions#run}. */
    interface ScenarioCall {
        Report call(Progress progress) throws Exception;
    }

    static Function<Progress, Report> unchecked(ScenarioCall call) {
        return progress -> {
            try {
                return call.call(progress);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Echo server + N clients: exchange, disconnect half from each side, disconnect the server; "
                    + "prints throughput, latency, disconnect times, threads/fds before and after, errors.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--clients", defaultValue = "2000", description = "Clients (default ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--messages", defaultValue = "100", description = "Lines per client (default ${DEFAULT-VALUE}).")
        int messages;

        @Option(names = "--size", defaultValue = "64", description = "Line length in bytes (default ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--tls", description = "Everything over TLS, with a throwaway self-signed certificate.")
        boolean tls;

        @Mixin
        ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            return report.run(tls ? "demo-tls" : "demo", unchecked(p ->
                    DemoScenario.run(new DemoScenario.Params(clients, messages, size, tls), p)));
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Ping-pong load against any byte echo server (e.g. `serve`): each connection writes "
                    + "SIZE bytes and reads them back, checked, for the given time.")
    static final class Load implements Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1") String host;
        @Option(names = "--port", required = true) int port;
        @Option(names = "--conns", defaultValue = "100") int conns;
        @Option(names = "--seconds", defaultValue = "10") int seconds;
        @Option(names = "--size", defaultValue = "64") int size;
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            return report.run("load", unchecked(p -> LoadScenario.run(
                    new LoadScenario.Params(host, port, conns, Duration.ofSeconds(seconds), size), p)));
        }
    }

    @Command(name = "connections", mixinStandardHelpOptions = true,
            description = "10 000 concurrent connections from a second JVM echoing, then server disconnect (L2, L9).")
    static final class Connections implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            return report.run("connections", unchecked(p ->
                    ConnectionsScenario.run(ConnectionsScenario.Params.scaled(scale.scale), p)));
        }
    }

    @Command(name = "churn", mixinStandardHelpOptions = true,
            description = "100 000 connect/disconnect cycles, graceful then abort(): TIME_WAIT and cycles/s (L11).")
    static final class Churn implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            return report.run("churn", unchecked(p -> ChurnScenario.run(ChurnScenario.Params.scaled(scale.scale), p)));
        }
    }

    @Command(name = "stop-under-load", mixinStandardHelpOptions = true,
            description = "2 000 clients mid-transfer: stop(grace) then disconnect(); graceful vs forced, no "
                    + "acknowledged data lost (L3, L2).")
    static final class StopUnderLoad implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            return report.run("stop-under-load", unchecked(p -> StopUnderLoadScenario.run(
                    StopUnderLoadScenario.Params.scaled(scale.scale, Duration.ofSeconds(scale.seconds)), p)));
        }
    }

    @Command(name = "faults", mixinStandardHelpOptions = true,
            description = "RST mid-write, half-close, slowloris, never-read, over-long line, connect-and-vanish, "
                    + "throwing and stubborn handlers, while healthy clients keep echoing (L6, L10).")
    static final class Faults implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            return report.run("faults", unchecked(p -> FaultsScenario.run(
                    FaultsScenario.Params.scaled(scale.scale, Duration.ofSeconds(scale.seconds)), p)));
        }
    }

    @Command(name = "fd-exhaustion", mixinStandardHelpOptions = true,
            description = "A server in a child JVM under `ulimit -n 256` runs out of descriptors: the acceptor "
                    + "backs off, healthy clients keep being served, it recovers (L12).")
    static final class FdExhaustion implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            return report.run("fd-exhaustion", unchecked(p ->
                    FdExhaustionScenario.run(FdExhaustionScenario.Params.scaled(scale.scale), p)));
        }
    }

    @Command(name = "real-peers", mixinStandardHelpOptions = true,
            description = "Drives the `serve` command (child JVM) with nc and socat.")
    static final class RealPeers implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            List<String> missing = RealPeersScenario.missingTools();
            if (!missing.isEmpty()) {
                System.err.println("real-peers needs " + missing + " on the PATH (Debian: apt-get install socat "
                        + "netcat-openbsd)");
                return 2;
            }
            return report.run("real-peers", unchecked(p ->
                    RealPeersScenario.run(RealPeersScenario.Params.scaled(scale.scale), p)));
        }
    }

    @Command(name = "tls", mixinStandardHelpOptions = true,
            description = "10 000 TLS handshakes of churn (half graceful, half abort); 1 000 stalled handshakes while "
                    + "200 healthy TLS clients echo; Server.disconnect() with 5 000 idle TLS clients (L13, L2).")
    static final class Tls implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            return report.run("tls", unchecked(p -> TlsScenario.run(TlsScenario.Params.scaled(scale.scale), p)));
        }
    }

    @Command(name = "saturation", mixinStandardHelpOptions = true,
            description = "Busy ping-pong connections (20, 100, 1 000; from a second JVM, then from this one) keep "
                    + "every carrier busy; rounds of Server.disconnect(), stop(grace) and SocketRuntime.close() must "
                    + "each return within 1 s with every thread joined (L2, L3, L8). Runs with the JDK's default "
                    + "jdk.pollerMode in both JVMs (unless you set it); not part of `all`, which forces mode 1.")
    static final class Saturation implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            return report.run("saturation", unchecked(p ->
                    SaturationScenario.run(SaturationScenario.Params.scaled(scale.scale), p)));
        }
    }

    @Command(name = "rolling-restart", mixinStandardHelpOptions = true,
            description = "Two `serve` instances (PROXY protocol) behind a real haproxy; clients make short exchanges "
                    + "while each instance is drained, stopped gracefully and restarted: zero failures, forced=0.")
    static final class RollingRestart implements Callable<Integer> {
        @Option(names = "--proxy-version", defaultValue = "2", description = "1 (send-proxy) or 2 (send-proxy-v2).")
        int version;

        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            String missing = RollingRestartScenario.missingTool();
            if (missing != null) {
                System.err.println("rolling-restart: " + missing);
                return 2;
            }
            return report.run("rolling-restart", unchecked(p -> RollingRestartScenario.run(
                    RollingRestartScenario.Params.scaled(version, scale.scale), p)));
        }
    }

    @Command(name = "partition", mixinStandardHelpOptions = true,
            description = "Server and clients in two network namespaces joined by a veth pair (needs root); the link "
                    + "goes down mid-session: idle timeout, keepalive and write timeout free the handlers, stop and "
                    + "disconnect stay bounded, a fresh client is served once the link is back.")
    static final class Partition implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            String missing = PartitionScenario.cannotRun();
            if (missing != null) {
                System.err.println("partition: " + missing);
                return 2;
            }
            return report.run("partition", unchecked(p -> PartitionScenario.run(
                    PartitionScenario.Params.scaled(scale.scale), p)));
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true,
            description = "Runs every scenario (demo, connections, churn, stop-under-load, faults, fd-exhaustion, "
                    + "real-peers, tls, rolling-restart v2 and v1, partition) at the given scale; not saturation, which "
                    + "needs the JDK's default poller mode.")
    static final class All implements Callable<Integer> {
        @Mixin ScaleOptions scale = new ScaleOptions();
        @Mixin ReportOptions report = new ReportOptions();

        @Override
        public Integer call() throws Exception {
            List<String> failed = new ArrayList<>();
            double s = scale.scale;
            Duration seconds = Duration.ofSeconds(scale.seconds);
            List<Object[]> scenarios = List.of(
                    new Object[] {"demo", (ScenarioCall) p -> DemoScenario.run(DemoScenario.Params.scaled(s), p)},
                    new Object[] {"connections", (ScenarioCall) p -> ConnectionsScenario.run(
                            ConnectionsScenario.Params.scaled(s), p)},
                    new Object[] {"churn", (ScenarioCall) p -> ChurnScenario.run(ChurnScenario.Params.scaled(s), p)},
                    new Object[] {"stop-under-load", (ScenarioCall) p -> StopUnderLoadScenario.run(
                            StopUnderLoadScenario.Params.scaled(s, seconds), p)},
                    new Object[] {"faults", (ScenarioCall) p -> FaultsScenario.run(
                            FaultsScenario.Params.scaled(s, seconds), p)},
                    new Object[] {"fd-exhaustion", (ScenarioCall) p -> FdExhaustionScenario.run(
                            FdExhaustionScenario.Params.scaled(s), p)},
                    new Object[] {"real-peers", (ScenarioCall) p -> RealPeersScenario.missingTools().isEmpty()
                            ? RealPeersScenario.run(RealPeersScenario.Params.scaled(s), p)
                            : skipped("real-peers", List.of(RealPeersScenario.missingTools()
                                    + " not installed (apt-get install socat netcat-openbsd)"))},
                    new Object[] {"tls", (ScenarioCall) p -> TlsScenario.run(TlsScenario.Params.scaled(s), p)},
                    new Object[] {"rolling-restart-v2", (ScenarioCall) p -> RollingRestartScenario.missingTool() == null
                            ? RollingRestartScenario.run(RollingRestartScenario.Params.scaled(2, s), p)
                            : skipped("rolling-restart-v2", List.of(RollingRestartScenario.missingTool()))},
                    new Object[] {"rolling-restart-v1", (ScenarioCall) p -> RollingRestartScenario.missingTool() == null
                            ? RollingRestartScenario.run(RollingRestartScenario.Params.scaled(1, s), p)
                            : skipped("rolling-restart-v1", List.of(RollingRestartScenario.missingTool()))},
                    new Object[] {"partition", (ScenarioCall) p -> PartitionScenario.cannotRun() == null
                            ? PartitionScenario.run(PartitionScenario.Params.scaled(s), p)
                            : skipped("partition", List.of(PartitionScenario.cannotRun()))});
            for (Object[] sc : scenarios) {
                if (report.run((String) sc[0], unchecked((ScenarioCall) sc[1])) != 0) {
                    failed.add((String) sc[0]);
                }
            }
            System.out.println(failed.isEmpty() ? "ALL SCENARIOS PASSED" : "FAILED: " + failed);
            return failed.isEmpty() ? 0 : 1;
        }

        private static Report skipped(String name, List<String> missing) {
            Report r = new Report(name);
            r.check(false, "not run: " + missing);
            return r;
        }
    }
}
