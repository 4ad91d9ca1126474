package dev.socketloom.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.socketloom.jmh.server.TlsImpl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The TLS part of the suite on its own, into one result directory ({@code tls-quick-...} or {@code tls-full-...}):
 * {@link TlsInterleavedBenchmark} (and, in {@code full}, {@link TlsEchoBenchmark}), {@link TlsHandshakeBenchmark}, the
 * TLS footprint with 1 000 idle connections, and {@link TlsReport}'s {@code tls-summary.md}. {@link Suite} runs the
 * same after the plain benchmarks.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.socketloom.jmh.TlsSuite quick|full [resultsRoot, default jmh/results]
 * </pre>
 */
public final class TlsSuite {

    private TlsSuite() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        if (args.length < 1 || args.length > 2 || !(args[0].equals("quick") || args[0].equals("full"))) {
            System.err.println("usage: TlsSuite quick|full [resultsRoot, default jmh/results]");
            System.exit(2);
        }
        Instant now = Instant.now();
        Path dir = Path.of(args.length == 2 ? args[1] : "jmh/results").resolve("tls-" + args[0] + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmm'Z'").withZone(ZoneOffset.UTC).format(now));
        Files.createDirectories(dir);
        Suite.writeMeta(dir.resolve("meta.json"), "tls-" + args[0], now);
        runTls(args[0], dir);
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = new ObjectMapper().readValue(dir.resolve("meta.json").toFile(), Map.class);
        meta.put("loadAverageAtEnd", Suite.loadAverage());
        meta.put("end", Instant.now().toString());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("meta.json").toFile(), meta);
        System.out.println("TLS results and summary in " + dir);
    }

    /** Runs the TLS benchmarks and footprint into {@code dir} and writes {@code tls-summary.md}. */
    static void runTls(String profile, Path dir) throws IOException, RunnerException {
        ChainedOptionsBuilder interleaved = new OptionsBuilder().include(TlsInterleavedBenchmark.class.getName());
        ChainedOptionsBuilder handshakes = new OptionsBuilder().include(TlsHandshakeBenchmark.class.getName());
        if (profile.equals("quick")) {
            // as the plain quick profile's interleaved echo: every iteration holds several rotations of the servers
            interleaved.warmupIterations(2).warmupTime(TimeValue.seconds(4)).measurementIterations(4)
                    .measurementTime(TimeValue.seconds(6));
            handshakes.warmupIterations(1).warmupTime(TimeValue.seconds(2)).measurementIterations(3)
                    .measurementTime(TimeValue.seconds(3));
        } else {
            Suite.run(new OptionsBuilder().include(TlsEchoBenchmark.class.getName()), dir, "tls-echo.json");
        }
        Suite.run(interleaved, dir, "tls-interleaved.json");
        Suite.run(handshakes, dir, "tls-handshake.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("footprint-tls.json")
                .toFile(), Footprint.measureTls(List.of(TlsImpl.values()), 1_000));
        TlsReport.generate(dir);
    }
}
