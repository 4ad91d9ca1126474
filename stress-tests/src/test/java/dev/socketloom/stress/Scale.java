package dev.socketloom.stress;

import dev.socketloom.stress.scenario.Report;
import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario size for the tests: small in the default build (seconds each), full scale under {@code -Pstress}, which
 * also sets {@code socketloom.stress.results} so that every report is written to {@code stress-tests/results/}.
 */
final class Scale {
    private Scale() {
    }

    static boolean full() {
        return "full".equals(System.getProperty("socketloom.stress.scale", "small"));
    }

    /** 1.0 under -Pstress, otherwise {@code small}. */
    static double of(double small) {
        return full() ? 1.0 : small;
    }

    /** Prints the report, writes it when a results directory is set, and asserts every guarantee held. */
    static Report verify(Report report) throws IOException {
        String dir = System.getProperty("socketloom.stress.results", "");
        if (!dir.isBlank()) {
            report.write(Path.of(dir));
        }
        return check(report);
    }

    /**
     * Prints the report and asserts every guarantee held, without writing it: for a scenario run by another test at a
     * size of its own, whose report would replace the scenario's full-scale one (same name) in the results.
     */
    static Report check(Report report) {
        System.out.println(report.render());
        assertTrue(report.ok(), report::render);
        return report;
    }
}
