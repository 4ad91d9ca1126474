package dev.socketloom.stress;

import dev.socketloom.stress.scenario.ConnectionsScenario;
import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConnectionsScenarioTest extends WarmJdk {
    @Test
    void serverDisconnectJoinsEveryConnectionOfAClientJvm() throws Exception {
        ConnectionsScenario.Params p = ConnectionsScenario.Params.scaled(Scale.of(0.05));
        Report r = Scale.verify(ConnectionsScenario.run(p, Progress.NONE));
        assertEquals(r.count("threads before"), r.count("threads after"));
        assertEquals(r.count("fds before"), r.count("fds after"));
    }
}
