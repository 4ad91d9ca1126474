package dev.socketloom.stress;

import dev.socketloom.stress.scenario.ChurnScenario;
import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChurnScenarioTest extends WarmJdk {
    @Test
    void rapidCyclesExhaustNoPortsAndAbortLeavesNoTimeWait() throws Exception {
        ChurnScenario.Params p = ChurnScenario.Params.scaled(Scale.of(0.02));
        Report r = Scale.verify(ChurnScenario.run(p, Progress.NONE));
        assertEquals(0, r.count("errors (e.g. ephemeral port exhaustion: ADDRESS_NOT_AVAILABLE)"));
    }
}
