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
        System.out.println(report.render());
        String dir = System.getProperty("socketloom.stress.results", "");
        if (!dir.isBlank()) {
            report.write(Path.of(dir));
        }
        assertTrue(report.ok(), report::render);
        return report;
    }
}
