package dev.socketloom.stress;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.RollingRestartScenario;
import org.junit.jupiter.api.Test;

/**
 * Rolling restarts behind a real haproxy lose no request (L14), with each PROXY protocol version.
 * Skipped, with the reason, where haproxy is not installed ({@code .ci/run} installs it).
 */
class RollingRestartScenarioTest extends WarmJdk {
    private static void runWith(int version) throws Exception {
        String missing = RollingRestartScenario.missingTool();
        assumeTrue(missing == null, () -> "skipped: " + missing);
        Scale.verify(RollingRestartScenario.run(RollingRestartScenario.Params.scaled(version, Scale.of(0.1)),
                Progress.NONE));
    }

    @Test
    void rollingRestartBehindHaproxyWithProxyProtocolV2LosesNoExchange() throws Exception {
        runWith(2);
    }

    @Test
    void rollingRestartBehindHaproxyWithProxyProtocolV1LosesNoExchange() throws Exception {
        runWith(1);
    }
}
