package dev.socketloom.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole suite in one go and writes one result directory:
 * {@code jmh.json} (JMH {@code -rf json}), {@code footprint.json}, {@code meta.json} (commit, JDK, cores, date,
 * profile) and the charts and tables of {@link Report}.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar dev.socketloom.jmh.Suite quick|full [resultsRoot, default jmh/results]
 * </pre>
 * <ul>
 *   <li>{@code quick}: interleaved echo (1, 100, 1 000, 10 000 connections; 64 B and 4 KiB) and pipelined line
 *   protocol, 2 x 4 s warm-up and 4 x 6 s measurement; connect cycles, 3 x 2 s and 3 x 3 s; server disconnect
 *   (100, 1 000, 10 000), 1 + 5 operations (each disconnects every implementation once); footprint with 64 B and
 *   16 KiB handler buffers; one fork each;</li>
 *   <li>{@code full}: the same benchmarks with the annotations' settings (interleaved 2 x 5 s + 5 x 5 s, connect
 *   3 x 5 s + 5 x 5 s, disconnect 3 + 10 shots).</li>
 * </ul>
 * Both profiles then run the TLS benchmarks ({@link TlsEchoBenchmark}, {@link TlsHandshakeBenchmark}; quick: 1 + 2
 * iterations of 1 s) and the TLS footprint with 1 000 idle connections, summarized by {@link TlsReport}.
 */
public final class Suite {

    private Suite() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        if (args.length < 1 || args.length > 2 || !(args[0].equals("quick") || args[0].equals("full"))) {
            System.err.println("usage: Suite quick|full [resultsRoot, default jmh/results]");
            System.exit(2);
        }
        String profile = args[0];
        Path root = Path.of(args.length == 2 ? args[1] : "jmh/results");
        Instant now = Instant.now();
        Path dir = root.resolve(profile + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmm'Z'")
                .withZone(ZoneOffset.UTC).format(now));
        Files.createDirectories(dir);
        writeMeta(dir.resolve("meta.json"), profile, now);

        if (profile.equals("quick")) {
            run(new OptionsBuilder().include(InterleavedEchoBenchmark.class.getName())
                    .include(PipelinedBenchmark.class.getName())
                    .warmupIterations(2).warmupTime(TimeValue.seconds(4))
                    .measurementIterations(4).measurementTime(TimeValue.seconds(6)), dir, "jmh-interleaved.json");
            // the connection setup path is long and compiles late: too short a warm-up measured the JIT
            run(new OptionsBuilder().include(ConnectCycleBenchmark.class.getName())
                    .warmupIterations(3).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(3)), dir, "jmh-connect.json");
            // single-shot iterations ignore the time settings
            run(new OptionsBuilder().include(ServerDisconnectBenchmark.class.getName())
                    .warmupIterations(1).measurementIterations(5), dir, "jmh-disconnect.json");
        } else {
            run(new OptionsBuilder().include(InterleavedEchoBenchmark.class.getName())
                    .include(PipelinedBenchmark.class.getName())
                    .include(ConnectCycleBenchmark.class.getName())
                    .include(ServerDisconnectBenchmark.class.getName()), dir, "jmh.json");
        }
        TlsSuite.runTls(profile, dir);
        List<Footprint.Result> footprint = Footprint.measure(List.of(Impl.values()), 10_000, Footprint.SMALL,
                Footprint.LARGE);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("footprint.json").toFile(), footprint);
        Map<String, Object> meta = new ObjectMapper().readValue(dir.resolve("meta.json").toFile(), Map.class);
        meta.put("loadAverageAtEnd", loadAverage());
        meta.put("end", Instant.now().toString());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("meta.json").toFile(), meta);
        Report.generate(dir);
        TlsReport.generate(dir);
        System.out.println("results, charts and tables in " + dir);
    }

    static void run(ChainedOptionsBuilder options, Path dir, String file) throws RunnerException {
        new Runner(options.resultFormat(ResultFormatType.JSON).result(dir.resolve(file).toString()).build()).run();
    }

    static void writeMeta(Path file, String profile, Instant now) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("profile", profile);
        meta.put("date", now.toString());
        // untracked files (such as this result directory) do not make the build dirty
        boolean dirty = !git("status", "--porcelain", "--untracked-files=no").isEmpty();
        meta.put("commit", git("rev-parse", "HEAD") + (dirty ? "-dirty" : ""));
        meta.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.version"));
        meta.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        meta.put("cores", Runtime.getRuntime().availableProcessors());
        meta.put("cpu", cpuModel());
        meta.put("loadAverageAtStart", loadAverage());
        meta.put("serverJvmArgs", System.getProperty("socketloom.jmh.serverJvmArgs", ServerProcess.DEFAULT_JVM_ARGS));
        meta.put("loadJvmArgs", System.getProperty("socketloom.jmh.loadJvmArgs", LoadProcess.JVM_ARGS));
        meta.put("serverCpus", System.getProperty("socketloom.jmh.serverCpus", "all"));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), meta);
    }

    /** The machine is shared: the load average says how much else was running. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String git(String... args) {
        try {
            Process p = new ProcessBuilder(concat("git", args)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
