package dev.socketloom.stress;

import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.stress.cli.Main;
import dev.socketloom.stress.launcher.Launcher;
import dev.socketloom.stress.scenario.LoadScenario;
import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
