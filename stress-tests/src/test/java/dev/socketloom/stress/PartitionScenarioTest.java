package dev.socketloom.stress;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketloom.stress.scenario.PartitionScenario;
import dev.socketloom.stress.scenario.Progress;
import org.junit.jupiter.api.Test;

/**
 * A real network partition between two network namespaces: idle timeout, keepalive and write timeout free the
 * handlers of vanished peers with TIMEOUT, stop and disconnect stay within their bounds, a fresh client is served
 * once the link returns. Skipped, with the reason, where namespaces cannot be made (not root, no iproute2).
 */
class PartitionScenarioTest extends WarmJdk {
    @Test
    void handlersOfPeersBehindACutLinkAreFreedAndTheServerStopsWithinItsBounds() throws Exception {
        String why = PartitionScenario.cannotRun();
        assumeTrue(why == null, () -> "skipped: " + why);
        Scale.verify(PartitionScenario.run(PartitionScenario.Params.scaled(Scale.of(0.01)), Progress.NONE));
    }
}
