package dev.socketloom.jmh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/** The PNG bar charts of {@link Report}: one series per implementation over the categories of a table. */
final class ReportCharts {

    private ReportCharts() {
    }

    /**
     * Writes a chart of {@code data} (category -> implementation -> value) to {@code file}, one series per
     * implementation of {@code impls} that has a value somewhere.
     */
    static <K> void save(Path file, String title, String x, String y, List<String> impls,
                         Map<K, Map<String, Double>> data) throws IOException {
        CategoryChart c = new CategoryChartBuilder().width(800).height(450).title(title).xAxisTitle(x)
                .yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setAvailableSpaceFill(0.9);
        c.getStyler().setLocale(Locale.ROOT);
        c.getStyler().setDecimalPattern("#,###.##");
        List<String> xs = data.keySet().stream().map(String::valueOf).toList();
        for (String impl : impls) {
            if (data.values().stream().noneMatch(m -> m.containsKey(impl))) {
                continue;
            }
            List<Double> ys = new ArrayList<>();
            for (Map<String, Double> m : data.values()) {
                Double v = m.get(impl);
                // XChart needs a value per category; a missing point is drawn as 0 and flagged in the tables
                ys.add(v == null ? 0.0 : v);
            }
            c.addSeries(impl, xs, ys);
        }
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
