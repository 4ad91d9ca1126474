package dev.socketloom.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketloom.jmh.server.TlsImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The TLS harness end to end in seconds: one short interleaved TLS echo iteration against every TLS server
 * (SocketLoom, raw virtual threads over SSLSocket, Netty with the JDK and with OpenSSL), one sequential echo and one
 * handshake iteration, then the summary.
 * Speed is not asserted; real, positive measurements are.
 */
class TlsHarnessSmokeTest {

    /** As {@link HarnessSmokeTest}: this measures nothing, so a real benchmark holding JMH's lock must not fail it. */
    @BeforeAll
    static void measuresNothingSoNeedsNoMachineLock() {
        System.setProperty("jmh.ignoreLock", "true");
    }

    @Test
    void everyTlsServerEchoesAndShakesHandsAndTheSummaryIsWritten(@TempDir Path dir) throws Exception {
        Collection<RunResult> interleaved = new Runner(new OptionsBuilder()
                .include(TlsInterleavedBenchmark.class.getName())
                .param("connections", "10")
                .param("size", "64")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("tls-interleaved.json").toString())
                .build()).run();
        assertThat(interleaved).singleElement().satisfies(r -> {
            for (String counter : new String[] {"socketloom", "rawvt", "nettyJdk", "nettyOpenssl"}) {
                assertThat(r.getSecondaryResults().get(counter + "RoundTrips").getScore()).as(counter).isPositive();
            }
        });

        Collection<RunResult> echo = new Runner(new OptionsBuilder()
                .include(TlsEchoBenchmark.class.getName())
                .param("impl", TlsImpl.SOCKETLOOM.id())
                .param("connections", "10")
                .param("size", "64")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("tls-echo.json").toString())
                .build()).run();
        assertThat(echo).singleElement()
                .satisfies(r -> assertThat(r.getPrimaryResult().getScore()).isPositive().isFinite());

        Collection<RunResult> handshake = new Runner(new OptionsBuilder()
                .include(TlsHandshakeBenchmark.class.getName())
                .param("impl", TlsImpl.SOCKETLOOM.id())
                .forks(0)
                .threads(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(500))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("tls-handshake.json").toString())
                .build()).run();
        assertThat(handshake).singleElement()
                .satisfies(r -> assertThat(r.getPrimaryResult().getScore()).isPositive().isFinite());

        assertThat(handshake).singleElement().satisfies(r -> {
            assertThat(r.getSecondaryResults().get("handshakes").getScore()).isPositive();
            assertThat(r.getSecondaryResults().get("serverCpuNanos").getScore()).isPositive();
        });

        Path summary = TlsReport.generate(dir);
        assertThat(Files.readString(summary)).contains("round trips/s").contains("handshakes/s")
                .contains("SocketLoom / raw VT").contains("CPU per round trip").contains("server CPU µs per handshake");
    }
}
