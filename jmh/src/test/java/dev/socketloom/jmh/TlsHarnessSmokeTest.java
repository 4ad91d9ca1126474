package dev.socketloom.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketloom.jmh.server.TlsImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The TLS harness end to end in seconds: one short TLS echo iteration against every TLS server (SocketLoom, raw
 * virtual threads over SSLSocket, Netty with the JDK and with OpenSSL), one handshake iteration, then the summary.
 * Speed is not asserted; real, positive measurements are.
 */
class TlsHarnessSmokeTest {

    @Test
    void everyTlsServerEchoesAndShakesHandsAndTheSummaryIsWritten(@TempDir Path dir) throws Exception {
        String[] impls = Arrays.stream(TlsImpl.values()).map(TlsImpl::id).toArray(String[]::new);
        Collection<RunResult> echo = new Runner(new OptionsBuilder()
                .include(TlsEchoBenchmark.class.getName())
                .param("impl", impls)
                .param("connections", "10")
                .param("size", "64")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh-tls-echo.json").toString())
                .build()).run();
        Map<String, RunResult> byImpl = echo.stream()
                .collect(Collectors.toMap(r -> r.getParams().getParam("impl"), Function.identity()));
        assertThat(byImpl.keySet()).containsExactlyInAnyOrder(impls);
        byImpl.forEach((impl, r) -> assertThat(r.getPrimaryResult().getScore()).as(impl + " mean round time")
                .isPositive().isFinite());

        Collection<RunResult> handshake = new Runner(new OptionsBuilder()
                .include(TlsHandshakeBenchmark.class.getName())
                .param("impl", TlsImpl.SOCKETLOOM.id())
                .forks(0)
                .threads(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(500))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh-tls-handshake.json").toString())
                .build()).run();
        assertThat(handshake).singleElement()
                .satisfies(r -> assertThat(r.getPrimaryResult().getScore()).isPositive().isFinite());

        Path summary = TlsReport.generate(dir);
        assertThat(Files.readString(summary)).contains("round trips/s").contains("handshakes/s")
                .contains("SocketLoom / raw VT");
    }
}
