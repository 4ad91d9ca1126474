package dev.socketloom.stress;

import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import dev.socketloom.stress.scenario.StopUnderLoadScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StopUnderLoadScenarioTest extends WarmJdk {
    @Test
    void stopLetsFinishingHandlersCompleteForcesTheRestAndDisconnectJoinsAll() throws Exception {
        StopUnderLoadScenario.Params p = StopUnderLoadScenario.Params.scaled(Scale.of(0.05),
                Duration.ofSeconds(Scale.full() ? 30 : 10));
        Report r = Scale.verify(StopUnderLoadScenario.run(p, Progress.NONE));
        assertEquals(p.clients() - p.clients() / 2, r.count("stop: forced"));
        assertEquals(0, r.count("stop: stragglers"));
    }
}
