package dev.socketloom.stress;

import dev.socketloom.stress.scenario.DemoScenario;
import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import dev.socketloom.stress.scenario.TlsScenario;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TlsScenarioTest extends WarmJdk {
    @Test
    void handshakeChurnStalledHandshakesAndDisconnectWithIdleTlsClientsLeaveNothingBehind() throws Exception {
        Report r = Scale.verify(TlsScenario.run(TlsScenario.Params.scaled(Scale.of(0.02)), Progress.NONE));
        assertEquals(0, r.count("churn errors"));
        assertEquals(0, r.count("healthy client errors"));
        assertEquals(r.count("threads before"), r.count("threads after"));
        assertEquals(r.count("fds before"), r.count("fds after"));
    }

    @Test
    void demoRunsOverTlsWithAThrowawayCertificate() throws Exception {
        DemoScenario.Params p = new DemoScenario.Params(20, 10, 64, true);
        Report r = Scale.check(DemoScenario.run(p, Progress.NONE)); // not written: it would replace the demo's report
        assertEquals((long) p.clients() * p.messages(), r.count("round trips"));
        assertEquals(0, r.count("errors"));
    }
}
