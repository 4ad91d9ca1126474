package dev.socketloom.stress;

import dev.socketloom.stress.scenario.FaultsScenario;
import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FaultsScenarioTest extends WarmJdk {
    @Test
    void misbehavingPeersAndHandlersEndAsSpecifiedWhileHealthyClientsSeeNoError() throws Exception {
        FaultsScenario.Params p = FaultsScenario.Params.scaled(Scale.of(0.04),
                Duration.ofSeconds(Scale.full() ? 10 : 3));
        Report r = Scale.verify(FaultsScenario.run(p, Progress.NONE));
        assertEquals(0, r.count("healthy client errors"));
    }
}
