package dev.socketloom.stress;

import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.RealPeersScenario;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RealPeersScenarioTest extends WarmJdk {
    @Test
    void ncAndSocatTalkToTheServeCommand() throws Exception {
        List<String> missing = RealPeersScenario.missingTools();
        assumeTrue(missing.isEmpty(), () -> "skipped: " + missing + " not installed; install the Debian packages "
                + "socat and netcat-openbsd (.ci/run does) to run the real-peer scenario");
        Scale.verify(RealPeersScenario.run(RealPeersScenario.Params.scaled(Scale.of(0.1)), Progress.NONE));
    }
}
