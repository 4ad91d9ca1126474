package dev.socketloom.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketloom.jmh.server.Impl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Proves the harness works end to end in about a minute: one short interleaved echo iteration against every
 * implementation (each in its own server JVM, with its own load JVM), one pipelined iteration, one interleaved
 * server disconnect and a few connect cycles, then the report. Speed is not asserted; that every implementation produced a real, positive
 * measurement, with CPU time on both sides, is.
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
        new Runner(new OptionsBuilder()
                .include(InterleavedEchoBenchmark.class.getName())
                .param("connections", "10")
                .param("size", "64")
                .param("sliceMillis", "100")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh-interleaved.json").toString())
                .build()).run();

        new Runner(new OptionsBuilder()
                .include(PipelinedBenchmark.class.getName())
                .param("connections", "5")
                .param("sliceMillis", "100")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(300))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh-pipelined.json").toString())
                .build()).run();

        new Runner(new OptionsBuilder()
                .include(ServerDisconnectBenchmark.class.getName())
                .param("impls", Impl.SOCKETLOOM.id() + "+" + Impl.NETTY_EPOLL.id())
                .param("clients", "100")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh-disconnect.json").toString())
                .build()).run();

        new Runner(new OptionsBuilder()
                .include(ConnectCycleBenchmark.class.getName())
                .param("impls", Impl.SOCKETLOOM.id() + "+" + Impl.RAW_VT.id())
                .param("close", "abort")
                .param("cycles", "5")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh-connect.json").toString())
                .build()).run();

        Report.generate(dir);
        assertThat(Report.interleavedRates(dir, 64, 10)).containsOnlyKeys(impls)
                .allSatisfy((impl, rate) -> assertThat(rate).as(impl + " round trips/s").isPositive().isFinite());
        assertThat(Report.pipelinedRates(dir, 16, 5)).containsOnlyKeys(Impl.SOCKETLOOM.id(), Impl.RAW_VT.id())
                .allSatisfy((impl, rate) -> assertThat(rate).as(impl + " round trips/s").isPositive().isFinite());
        assertThat(Report.disconnectMillis(dir, 100)).containsOnlyKeys(Impl.SOCKETLOOM.id(), Impl.NETTY_EPOLL.id())
                .allSatisfy((impl, ms) -> assertThat(ms).as(impl + " disconnect ms").isPositive().isFinite());
        assertThat(dir.resolve("interleaved-64B.png")).isNotEmptyFile();
        assertThat(dir.resolve("connect.png")).isNotEmptyFile();
        assertThat(dir.resolve("disconnect.png")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("summary.md")))
                .contains("### Echo 64 B, interleaved", "| 10 |", "### Pipelined line protocol", "### CPU per round trip",
                        "### Server disconnect", "| 100 |", "### Connect + 1-byte echo + close", "| abort |");
    }
}
