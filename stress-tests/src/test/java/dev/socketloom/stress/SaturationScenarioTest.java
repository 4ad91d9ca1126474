package dev.socketloom.stress;

import dev.socketloom.stress.scenario.Progress;
import dev.socketloom.stress.scenario.Report;
import dev.socketloom.stress.scenario.SaturationScenario;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs in its own surefire execution without {@code -Djdk.pollerMode} (see the pom): the scenario is about the JDK's
 * default poller mode, which the other scenarios' test JVM overrides.
 */
class SaturationScenarioTest extends WarmJdk {
    @Test
    void stopCallsReturnPromptlyWithEveryThreadJoinedWhileAClientJvmSaturatesTheCarriers() throws Exception {
        assumeTrue(System.getProperty("jdk.pollerMode") == null, () -> "skipped in a JVM with -Djdk.pollerMode="
                + System.getProperty("jdk.pollerMode") + "; the surefire execution 'saturation' runs it with the JDK "
                + "default");
        Scale.verify(SaturationScenario.run(SaturationScenario.Params.scaled(Scale.of(0.02)), Progress.NONE));
    }
}
