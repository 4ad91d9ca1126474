package dev.socketloom.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Turns a result directory ({@code jmh*.json}, {@code footprint.json}, {@code meta.json}) into PNG charts (XChart)
 * and {@code summary.md}: the tables with the ratios SocketLoom / raw virtual threads and SocketLoom / Netty epoll
 * and whether the performance bars (docs/benchmarks.md) are met.
 *
 * <pre>java -cp jmh/target/benchmarks.jar dev.socketloom.jmh.Report jmh/results/&lt;run&gt;</pre>
 */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> IMPLS = Stream.of(Impl.values()).map(Impl::id).toList();
    private static final String SL = Impl.SOCKETLOOM.id();
    private static final String VT = Impl.RAW_VT.id();
    private static final String EPOLL = Impl.NETTY_EPOLL.id();

    /** Echo: (size, connections, impl) -> {round trips/s, p50 round µs, p99 round µs}. */
    private final Map<Integer, Map<Integer, Map<String, double[]>>> echo = new TreeMap<>();
    /** Interleaved echo: (size, connections, impl) -> round trips/s. */
    private final Map<Integer, Map<Integer, Map<String, Double>>> interleaved = new TreeMap<>();
    /** Connect cycles: (close mode, impl) -> cycles/s. */
    private final Map<String, Map<String, Double>> connect = new TreeMap<>();
    /** Disconnect: (clients, impl) -> mean ms. */
    private final Map<Integer, Map<String, Double>> disconnect = new TreeMap<>();
    /** Footprint: impl -> {heap B/conn, RSS B/conn}. */
    private final Map<String, double[]> footprint = new TreeMap<>();
    private int footprintConnections;

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Report <result directory>");
            System.exit(2);
        }
        generate(Path.of(args[0]));
    }

    /** Reads the results in {@code dir} and writes the charts and {@code summary.md} next to them. */
    public static void generate(Path dir) throws IOException {
        Report r = new Report();
        List<Path> jmhFiles;
        try (Stream<Path> files = Files.list(dir)) {
            jmhFiles = files.filter(p -> p.getFileName().toString().matches("jmh.*\\.json")).sorted().toList();
        }
        if (jmhFiles.isEmpty() && !Files.exists(dir.resolve("footprint.json"))) {
            throw new IOException("no jmh*.json or footprint.json in " + dir);
        }
        for (Path f : jmhFiles) {
            r.readJmh(JSON.readTree(f.toFile()));
        }
        if (Files.exists(dir.resolve("footprint.json"))) {
            for (JsonNode n : JSON.readTree(dir.resolve("footprint.json").toFile())) {
                r.footprint.put(n.get("impl").asText(), new double[] {
                        n.get("heapPerConnection").asDouble(), n.get("rssPerConnection").asDouble()});
                r.footprintConnections = n.get("connections").asInt();
            }
        }
        r.charts(dir);
        Files.writeString(dir.resolve("summary.md"), r.markdown(dir));
    }

    private void readJmh(JsonNode results) {
        for (JsonNode b : results) {
            String name = b.get("benchmark").asText();
            JsonNode params = b.get("params");
            JsonNode metric = b.get("primaryMetric");
            double score = metric.get("score").asDouble();
            String impl = params.has("impl") ? params.get("impl").asText() : null;
            if (name.endsWith("EchoBenchmark.round")) {
                int conns = params.get("connections").asInt();
                int size = params.get("size").asInt();
                double meanUs = toMicros(score, metric.get("scoreUnit").asText());
                JsonNode pct = metric.get("scorePercentiles");
                String unit = metric.get("scoreUnit").asText();
                echo.computeIfAbsent(size, k -> new TreeMap<>()).computeIfAbsent(conns, k -> new TreeMap<>())
                        .put(impl, new double[] {conns * 1e6 / meanUs, toMicros(pct.get("50.0").asDouble(), unit),
                                toMicros(pct.get("99.0").asDouble(), unit)});
            } else if (name.endsWith("InterleavedEchoBenchmark.cycle")) {
                JsonNode sec = b.get("secondaryMetrics");
                Map<String, Double> row = interleaved.computeIfAbsent(params.get("size").asInt(), k -> new TreeMap<>())
                        .computeIfAbsent(params.get("connections").asInt(), k -> new TreeMap<>());
                for (String i : IMPLS) {
                    String field = auxName(i);
                    double ns = sec.get(field + "Nanos").get("score").asDouble();
                    double trips = sec.get(field + "RoundTrips").get("score").asDouble();
                    row.put(i, trips * 1e9 / ns);
                }
            } else if (name.endsWith("ConnectCycleBenchmark.cycle")) {
                connect.computeIfAbsent(params.get("close").asText(), k -> new TreeMap<>()).put(impl, score);
            } else if (name.endsWith("ServerDisconnectBenchmark.disconnect")) {
                disconnect.computeIfAbsent(params.get("clients").asInt(), k -> new TreeMap<>())
                        .put(impl, toMillis(score, metric.get("scoreUnit").asText()));
            }
        }
    }

    /** The auxiliary counter prefix of an implementation in {@link InterleavedEchoBenchmark.Totals}. */
    private static String auxName(String impl) {
        int dash = impl.indexOf('-');
        return dash < 0 ? impl
                : impl.substring(0, dash) + Character.toUpperCase(impl.charAt(dash + 1)) + impl.substring(dash + 2);
    }

    private static double toMicros(double v, String unit) {
        return switch (unit) {
            case "ns/op" -> v / 1e3;
            case "us/op" -> v;
            case "ms/op" -> v * 1e3;
            case "s/op" -> v * 1e6;
            default -> throw new IllegalArgumentException("unexpected unit " + unit);
        };
    }

    private static double toMillis(double v, String unit) {
        return toMicros(v, unit) / 1e3;
    }

    // ---------------------------------------------------------------- charts

    private void charts(Path dir) throws IOException {
        for (var bySize : echo.entrySet()) {
            CategoryChart c = chart("Echo " + bySize.getKey() + " B, sequential: round trips/s (higher is better)",
                    "concurrent connections", "round trips/s");
            addSeries(c, bySize.getValue(), v -> v[0]);
            save(c, dir.resolve("echo-" + bySize.getKey() + "B.png"));
        }
        for (var bySize : interleaved.entrySet()) {
            CategoryChart c = chart("Echo " + bySize.getKey() + " B, interleaved: round trips/s (higher is better)",
                    "concurrent connections per implementation", "round trips/s");
            addSeries(c, bySize.getValue(), v -> v);
            save(c, dir.resolve("interleaved-" + bySize.getKey() + "B.png"));
        }
        if (!disconnect.isEmpty()) {
            CategoryChart c = chart("Server disconnect latency (lower is better)", "connected idle clients",
                    "ms until all threads joined");
            addSeries(c, disconnect, v -> v);
            save(c, dir.resolve("disconnect.png"));
        }
        if (!connect.isEmpty()) {
            CategoryChart c = chart("Connect + 1-byte echo + close (higher is better)", "close", "cycles/s");
            addSeries(c, connect, v -> v);
            save(c, dir.resolve("connect.png"));
        }
        if (!footprint.isEmpty()) {
            CategoryChart c = chart("Memory per idle connection (" + footprintConnections + " connections)",
                    "implementation", "bytes per connection");
            List<String> impls = IMPLS.stream().filter(footprint::containsKey).toList();
            c.addSeries("heap after GC", impls, impls.stream().map(i -> footprint.get(i)[0]).toList());
            c.addSeries("RSS", impls, impls.stream().map(i -> footprint.get(i)[1]).toList());
            save(c, dir.resolve("footprint.png"));
        }
    }

    private static CategoryChart chart(String title, String x, String y) {
        CategoryChart c = new CategoryChartBuilder().width(800).height(450).title(title).xAxisTitle(x)
                .yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setAvailableSpaceFill(0.9);
        c.getStyler().setLocale(Locale.ROOT);
        c.getStyler().setDecimalPattern("#,###.##");
        return c;
    }

    /** One series per implementation over the outer keys of {@code data} (outer key -> impl -> value). */
    private static <K, V> void addSeries(CategoryChart c, Map<K, Map<String, V>> data, Function<V, Double> value) {
        List<String> xs = data.keySet().stream().map(String::valueOf).toList();
        for (String impl : IMPLS) {
            if (data.values().stream().noneMatch(m -> m.containsKey(impl))) {
                continue;
            }
            List<Double> ys = new ArrayList<>();
            for (Map<String, V> m : data.values()) {
                V v = m.get(impl);
                // XChart needs a value per category; a missing point is drawn as 0 and flagged in the tables
                ys.add(v == null ? 0.0 : value.apply(v));
            }
            c.addSeries(impl, xs, ys);
        }
    }

    private static void save(CategoryChart c, Path file) throws IOException {
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    // ---------------------------------------------------------------- tables

    private String markdown(Path dir) throws IOException {
        StringBuilder md = new StringBuilder();
        Path meta = dir.resolve("meta.json");
        if (Files.exists(meta)) {
            JsonNode m = JSON.readTree(meta.toFile());
            md.append("Run `").append(dir.getFileName()).append("`: profile ").append(m.path("profile").asText())
                    .append(", commit `").append(m.path("commit").asText()).append("`, ")
                    .append(m.path("jdk").asText()).append(", ").append(m.path("cores").asText()).append(" cores (")
                    .append(m.path("cpu").asText()).append("), ").append(m.path("date").asText()).append(".\n\n");
        }
        for (var bySize : echo.entrySet()) {
            md.append("### Echo ").append(bySize.getKey())
                    .append(" B, sequential (one implementation per trial) — round trips/s\n\n| connections |");
            IMPLS.forEach(i -> md.append(' ').append(i).append(" |"));
            md.append(" SocketLoom / raw VT | SocketLoom / Netty epoll |\n|---:|");
            IMPLS.forEach(i -> md.append("---:|"));
            md.append("---:|---:|\n");
            for (var row : bySize.getValue().entrySet()) {
                md.append("| ").append(row.getKey()).append(" |");
                IMPLS.forEach(i -> md.append(' ').append(cell(row.getValue().get(i), v -> fmt(v[0]))).append(" |"));
                md.append(' ').append(ratio(row.getValue(), VT, v -> v[0])).append(" | ")
                        .append(ratio(row.getValue(), EPOLL, v -> v[0])).append(" |\n");
            }
            md.append("\nLatency of one round (all connections echo once), p50 / p99 in µs:\n\n| connections |");
            IMPLS.forEach(i -> md.append(' ').append(i).append(" |"));
            md.append("\n|---:|");
            IMPLS.forEach(i -> md.append("---:|"));
            md.append('\n');
            for (var row : bySize.getValue().entrySet()) {
                md.append("| ").append(row.getKey()).append(" |");
                IMPLS.forEach(i -> md.append(' ')
                        .append(cell(row.getValue().get(i), v -> fmt(v[1]) + " / " + fmt(v[2]))).append(" |"));
                md.append('\n');
            }
            md.append('\n');
        }
        for (var bySize : interleaved.entrySet()) {
            md.append("### Echo ").append(bySize.getKey())
                    .append(" B, interleaved (all implementations in one trial) — round trips/s\n\n");
            simpleTable(md, "connections", bySize.getValue(), true);
        }
        if (!connect.isEmpty()) {
            md.append("### Connect + 1-byte echo + close — cycles/s\n\n");
            simpleTable(md, "close", connect, true);
        }
        if (!disconnect.isEmpty()) {
            md.append("### Server disconnect — ms until every client thread is joined (lower is better)\n\n");
            simpleTable(md, "clients", disconnect, false);
        }
        if (!footprint.isEmpty()) {
            md.append("### Memory per idle connection (").append(footprintConnections)
                    .append(" connections; bytes)\n\n| implementation | heap after GC | RSS |\n|---|---:|---:|\n");
            for (String i : IMPLS) {
                double[] v = footprint.get(i);
                if (v != null) {
                    md.append("| ").append(i).append(" | ").append(fmt(v[0])).append(" | ").append(fmt(v[1]))
                            .append(" |\n");
                }
            }
            md.append('\n');
        }
        targets(md);
        return md.toString();
    }

    private static <K> void simpleTable(StringBuilder md, String key, Map<K, Map<String, Double>> data,
                                        boolean higherIsBetter) {
        md.append("| ").append(key).append(" |");
        IMPLS.forEach(i -> md.append(' ').append(i).append(" |"));
        md.append(" SocketLoom / raw VT | SocketLoom / Netty epoll |\n|---:|");
        IMPLS.forEach(i -> md.append("---:|"));
        md.append("---:|---:|\n");
        for (var row : data.entrySet()) {
            md.append("| ").append(row.getKey()).append(" |");
            IMPLS.forEach(i -> md.append(' ').append(cell(row.getValue().get(i), Report::fmt)).append(" |"));
            md.append(' ').append(ratio(row.getValue(), VT, v -> v)).append(" | ")
                    .append(ratio(row.getValue(), EPOLL, v -> v)).append(" |\n");
        }
        md.append(higherIsBetter ? "\n" : "\n(ratios are time ratios here: below 1.00 means SocketLoom is faster)\n\n");
    }

    /**
     * The project's performance bars: echo at least 0.97x raw virtual threads at every connection count and at
     * least 1.0x Netty epoll from 100 connections; Server.disconnect() of 10 000 clients no slower than Netty epoll
     * closing as many channels in the same run; at most 256 B of heap per idle connection over raw virtual threads.
     */
    private void targets(StringBuilder md) {
        md.append("### Performance bars\n\n| bar | measured | met |\n|---|---|---|\n");
        TreeSet<Integer> sizes = new TreeSet<>(echo.keySet());
        sizes.addAll(interleaved.keySet());
        for (int size : sizes) {
            TreeSet<Integer> conns = new TreeSet<>(echo.getOrDefault(size, Map.of()).keySet());
            conns.addAll(interleaved.getOrDefault(size, Map.of()).keySet());
            for (int n : conns) {
                Map<String, Double> il = interleaved.getOrDefault(size, Map.of()).get(n);
                double vt;
                double epoll;
                String how;
                if (il != null && il.containsKey(SL)) {
                    vt = il.get(SL) / il.getOrDefault(VT, Double.NaN);
                    epoll = il.get(SL) / il.getOrDefault(EPOLL, Double.NaN);
                    how = "interleaved";
                } else {
                    Map<String, double[]> m = echo.get(size).get(n);
                    vt = rawRatio(m, VT);
                    epoll = rawRatio(m, EPOLL);
                    how = "sequential";
                }
                String what = "echo " + size + " B, " + n + " conns (" + how + "): ";
                target(md, what + "≥ 0.97× raw VT", vt, 0.97);
                if (n >= 100) {
                    target(md, what + "≥ 1.0× Netty epoll", epoll, 1.0);
                }
            }
        }
        Map<String, Double> d = disconnect.get(10_000);
        if (d != null && d.containsKey(SL) && d.containsKey(EPOLL)) {
            double ms = d.get(SL);
            double netty = d.get(EPOLL);
            md.append("| server disconnect of 10 000 clients ≤ Netty epoll (").append(fmt(netty)).append(" ms) | ")
                    .append(fmt(ms)).append(" ms | ").append(ms <= netty ? "yes" : "**no**").append(" |\n");
        }
        double[] f = footprint.get(SL);
        double[] raw = footprint.get(VT);
        if (f != null && raw != null) {
            double over = f[0] - raw[0];
            md.append("| ≤ 256 B heap per idle connection over raw VT | ").append(fmt(over)).append(" B | ")
                    .append(over <= 256 ? "yes" : "**no**").append(" |\n");
        }
        md.append('\n');
    }

    private static void target(StringBuilder md, String what, double ratio, double bar) {
        if (Double.isNaN(ratio)) {
            return;
        }
        md.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, "%.2f×", ratio)).append(" | ")
                .append(ratio >= bar ? "yes" : "**no**").append(" |\n");
    }

    private static double rawRatio(Map<String, double[]> row, String base) {
        double[] s = row.get(SL);
        double[] b = row.get(base);
        return s == null || b == null ? Double.NaN : s[0] / b[0];
    }

    private static <V> String ratio(Map<String, V> row, String base, Function<V, Double> value) {
        V s = row.get(SL);
        V b = row.get(base);
        return s == null || b == null ? "–" : String.format(Locale.ROOT, "%.2f", value.apply(s) / value.apply(b));
    }

    private static <V> String cell(V v, Function<V, String> f) {
        return v == null ? "–" : f.apply(v);
    }

    private static String fmt(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** For tests: the implementations with a sequential echo result at {@code size} and {@code connections}. */
    static TreeSet<String> echoImpls(Path dir, int size, int connections) throws IOException {
        Report r = read(dir);
        return new TreeSet<>(r.echo.getOrDefault(size, Map.of()).getOrDefault(connections, Map.of()).keySet());
    }

    /** For tests: interleaved round trips/s per implementation at {@code size} and {@code connections}. */
    static Map<String, Double> interleavedRates(Path dir, int size, int connections) throws IOException {
        Report r = read(dir);
        return r.interleaved.getOrDefault(size, Map.of()).getOrDefault(connections, Map.of());
    }

    private static Report read(Path dir) throws IOException {
        Report r = new Report();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("jmh.*\\.json")).toList()) {
                r.readJmh(JSON.readTree(f.toFile()));
            }
        }
        return r;
    }
}
