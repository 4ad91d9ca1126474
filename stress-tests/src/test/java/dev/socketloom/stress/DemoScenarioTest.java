package dev.socketloom.stress;

import dev.socketloom.stress.scenario.DemoScenario;
import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DemoScenarioTest extends WarmJdk {
    @Test
    void exchangesThenDisconnectsHalfFromEachSideAndTheServerLeavingNothingBehind() throws Exception {
        DemoScenario.Params p = Scale.full() ? DemoScenario.Params.scaled(1.0) : new DemoScenario.Params(100, 20, 64);
        Report r = Scale.verify(DemoScenario.run(p, Progress.NONE));
        assertEquals((long) p.clients() * p.messages(), r.count("round trips"));
        assertEquals(p.clients(), r.count("server accepted"));
        assertEquals(r.count("threads before"), r.count("threads after"));
        assertEquals(r.count("fds before"), r.count("fds after"));
        assertEquals(0, r.count("errors"));
    }
}
