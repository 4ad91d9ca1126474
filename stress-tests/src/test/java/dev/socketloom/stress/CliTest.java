package dev.socketloom.stress;

import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.ServerStats;
import dev.socketloom.SocketRuntime;
import dev.socketloom.stress.cli.DurationConverter;
import dev.socketloom.stress.cli.Main;
import dev.socketloom.stress.cli.StatsLine;
import dev.socketloom.stress.launcher.Launcher;
import dev.socketloom.stress.scenario.LoadScenario;
import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest extends WarmJdk {
    @Test
    void loadCommandPingPongsAgainstAnEchoServerWithoutErrors() throws Exception {
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server echo = rt.startServer(ServerOptions.builder().bindAddress(InetAddress.getLoopbackAddress()).build(),
                    c -> {
                        byte[] buf = new byte[8192];
                        int n;
                        while ((n = c.read(buf, 0, buf.length)) >= 0) {
                            c.write(buf, 0, n);
                        }
                    });
            Report r = LoadScenario.run(new LoadScenario.Params("127.0.0.1", echo.port(), 10,
                    Duration.ofSeconds(1), 512), Progress.NONE);
            assertTrue(r.ok(), r::render);
            assertTrue(r.count("round trips") > 0);
            assertEquals(10, r.count("connected"));
            echo.disconnect();
        }
    }

    @Test
    void badArgumentsGetAClearErrorAndExitCode2() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("load", "--conns", "many");
        assertEquals(2, exit);
        assertTrue(err.toString().contains("Invalid value for option '--conns'"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(2, new CommandLine(new Main()).setErr(new PrintWriter(err2)).execute("load"));
        assertTrue(err2.toString().contains("Missing required option: '--port"), err2.toString());
    }

    @Test
    void launcherReadsJavaFeatureVersions() {
        assertEquals(8, Launcher.featureOf("1.8.0_402"));
        assertEquals(17, Launcher.featureOf("17"));
        assertEquals(25, Launcher.featureOf("25.0.1"));
        assertEquals(21, Launcher.featureOf("21-ea"));
    }

    @Test
    void durationsTakeAUnitOrIso8601AndMustBePositive() {
        DurationConverter d = new DurationConverter();
        assertEquals(Duration.ofSeconds(5), d.convert("5s"));
        assertEquals(Duration.ofMillis(500), d.convert("500ms"));
        assertEquals(Duration.ofMinutes(2), d.convert("2m"));
        assertEquals(Duration.ofHours(1), d.convert("1h"));
        assertEquals(Duration.ofMillis(250), d.convert("PT0.25S"));
        assertThrows(CommandLine.TypeConversionException.class, () -> d.convert("0s"));
        assertThrows(CommandLine.TypeConversionException.class, () -> d.convert("soon"));
        StringWriter err = new StringWriter();
        assertEquals(2, new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("serve", "--stats", "soon"));
        assertTrue(err.toString().contains("Invalid value for option '--stats'") && err.toString().contains("5s"),
                err.toString());
    }

    @Test
    void statsLineShowsTheCountersWhatChangedAndByteRates() {
        long t0 = 1_000_000_000L;
        StatsLine line = new StatsLine(new ServerStats(10, 0, 0, 0, 2, 1000, 1000, 0, 0), t0);
        String s = line.next(new ServerStats(15, 1, 2, 3, 4, 1000 + 5 * 2048, 1000 + 5 * 1024 * 1024, 0, 0),
                t0 + TimeUnit.SECONDS.toNanos(5));
        assertEquals("stats uptime=5s accepted=15 (+5) active=4 rejected=1 acceptFailures=2 handlerFailures=3"
                + " in=11.0KiB (2.0KiB/s) out=5.0MiB (1.0MiB/s)", s);
        assertTrue(line.next(new ServerStats(15, 1, 2, 3, 0, 0, 0, 0, 0), t0 + TimeUnit.SECONDS.toNanos(65))
                .startsWith("stats uptime=1m05s accepted=15 (+0) active=0 "));
    }

    /** {@code serve --stats}, the real command in a child JVM: snapshots appear while a client is served. */
    @Test
    void serveWithStatsPrintsASnapshotEveryInterval() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path log = Files.createTempFile("socketloom-serve-stats", ".log");
        Process serve = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--port", "0", "--stats", "200ms").redirectError(log.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                StandardCharsets.UTF_8));
             SocketRuntime rt = SocketRuntime.open()) {
            String listening = out.readLine();
            assertTrue(listening != null && listening.startsWith("listening on 127.0.0.1:"), () -> listening
                    + "\n" + read(log));
            int port = Integer.parseInt(listening.replaceAll(".*:(\\d+) .*", "$1"));
            String idle = next(out, l -> l.startsWith("stats "), log);
            assertTrue(idle.matches("stats uptime=\\d+s accepted=0 \\(\\+0\\) active=0 rejected=0 acceptFailures=0"
                    + " handlerFailures=0 in=0B \\(0B/s\\) out=0B \\(0B/s\\)"), idle);
            try (Connection c = rt.connect("127.0.0.1", port)) {
                c.writeLine("hello");
                assertEquals("hello", c.readLine());
                String serving = next(out, l -> l.contains(" out=7B "), log);
                assertTrue(serving.contains(" accepted=1 ") && serving.contains(" active=1 ")
                        && serving.contains(" in=7B "), serving);
            }
            String after = next(out, l -> l.contains(" active=0 "), log);
            assertTrue(after.contains(" accepted=1 (+0) ") || after.contains(" accepted=1 (+1) "), after);

            serve.toHandle().destroy(); // SIGTERM: serve stops gracefully and says so
            String stopped = next(out, l -> l.startsWith("stopped: "), log);
            assertTrue(stopped.startsWith("stopped: accepted=1 "), stopped);
            assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve exited");
        } finally {
            serve.destroyForcibly();
            serve.waitFor(60, TimeUnit.SECONDS);
            serve.getInputStream().close();
            serve.getOutputStream().close();
            serve.getErrorStream().close();
            Files.deleteIfExists(log);
        }
    }

    /** The next line of {@code out} that matches, skipping the others; fails with the child's stderr at its end. */
    private static String next(BufferedReader out, Predicate<String> wanted, Path log) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (wanted.test(line)) {
                return line;
            }
        }
        throw new AssertionError("serve ended first; its stderr:\n" + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }
}
