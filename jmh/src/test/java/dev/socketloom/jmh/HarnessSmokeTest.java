package dev.socketloom.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketloom.jmh.server.Impl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Proves the harness works end to end in a few seconds: one short echo iteration against every implementation
 * (each in its own server JVM), sequential and interleaved, one server disconnect, then the report. Speed is not asserted; that every
 * implementation produced a real, positive measurement is.
 */
class HarnessSmokeTest {

    /**
     * JMH takes a machine-wide lock so that two measuring runs do not disturb each other. This test measures nothing
     * (forks 0, 300 ms); a real benchmark running on the same machine must not fail it.
     */
    @BeforeAll
    static void measuresNothingSoNeedsNoMachineLock() {
        System.setProperty("jmh.ignoreLock", "true");
    }

    @Test
    void oneShortIterationMeasuresEveryImplementationAndTheReportCharts(@TempDir Path dir) throws Exception {
        String[] impls = Arrays.stream(Impl.values()).map(Impl::id).toArray(String[]::new);
        Collection<RunResult> echo = new Runner(new OptionsBuilder()
                .include(EchoBenchmark.class.getName())
                .param("impl", impls)
                .param("connections", "10")
                .param("size", "64")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh-echo.json").toString())
                .build()).run();
        Map<String, RunResult> byImpl = echo.stream()
                .collect(Collectors.toMap(r -> r.getParams().getParam("impl"), Function.identity()));
        assertThat(byImpl.keySet()).containsExactlyInAnyOrder(impls);
        byImpl.forEach((impl, r) -> {
            assertThat(r.getPrimaryResult().getSampleCount()).as(impl + " samples").isPositive();
            assertThat(r.getPrimaryResult().getScore()).as(impl + " mean round time").isPositive().isFinite();
        });

        Collection<RunResult> disconnect = new Runner(new OptionsBuilder()
                .include(ServerDisconnectBenchmark.class.getName())
                .param("impl", Impl.SOCKETLOOM.id())
                .param("clients", "100")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh-disconnect.json").toString())
                .build()).run();
        assertThat(disconnect).singleElement()
                .satisfies(r -> assertThat(r.getPrimaryResult().getScore()).isPositive().isFinite());

        new Runner(new OptionsBuilder()
                .include(InterleavedEchoBenchmark.class.getName())
                .param("connections", "1")
                .param("size", "64")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh-interleaved.json").toString())
                .build()).run();

        Report.generate(dir);
        assertThat(Report.interleavedRates(dir, 64, 1)).containsOnlyKeys(impls)
                .allSatisfy((impl, rate) -> assertThat(rate).as(impl + " round trips/s").isPositive().isFinite());
        assertThat(dir.resolve("interleaved-64B.png")).isNotEmptyFile();
        assertThat(Report.echoImpls(dir, 64, 10)).isEqualTo(new TreeSet<>(byImpl.keySet()));
        assertThat(dir.resolve("echo-64B.png")).isNotEmptyFile();
        assertThat(dir.resolve("disconnect.png")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("summary.md")))
                .contains("### Echo 64 B, sequential", "| 10 |", "### Server disconnect", "| 100 |");
    }
}
