package dev.socketloom.stress;

import dev.socketloom.stress.scenario.FdExhaustionScenario;
import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class FdExhaustionScenarioTest extends WarmJdk {
    @Test
    void acceptorBacksOffOnEmfileKeepsServingAndRecovers() throws Exception {
        Report r = Scale.verify(FdExhaustionScenario.run(FdExhaustionScenario.Params.scaled(Scale.of(0.02)),
                Progress.NONE));
        assertTrue(r.count("accept failures while exhausted") >= 3);
    }
}
