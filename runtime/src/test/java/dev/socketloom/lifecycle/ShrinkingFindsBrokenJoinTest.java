package dev.socketloom.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The chains can fail, and fail readably: on runtimes whose L1 join is broken ({@link SkipHandlerJoin}, injected
 * through the runtime's constructor) the lifecycle property must be falsified and jqwik must shrink the failure to a
 * chain of a few actions. Only {@link BrokenJoinChains} uses the broken runtimes; the rest of the suite never sees
 * them.
 */
class ShrinkingFindsBrokenJoinTest {
    /** start server, connect, disconnect (server side or an event client): three actions; allow a little slack. */
    private static final int MAX_SHRUNK_ACTIONS = 5;
    private static final String CONVERGE = "lifecycle.convergeSeconds";
    private static final Pattern ACTIONS = Pattern.compile("failed after the following actions: \\[\\R(.*?)\\R\\s*]",
            Pattern.DOTALL);

    @Test
    void aSkippedJoinIsCaughtAndShrunkToAShortChain() {
        List<TestExecutionResult> results = new CopyOnWriteArrayList<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    results.add(result);
                }
            }
        };
        String converge = System.getProperty(CONVERGE);
        System.setProperty(CONVERGE, "3"); // every failing shrink candidate waits this long for convergence
        try {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(BrokenJoinChains.class))
                    .filters(EngineFilter.includeEngines("jqwik"))
                    .configurationParameter("jqwik.shrinking.bounded.seconds", "120")
                    .build(), listener);
        } finally {
            if (converge == null) {
                System.clearProperty(CONVERGE);
            } else {
                System.setProperty(CONVERGE, converge);
            }
        }
        assertEquals(1, results.size(), "one property ran: " + results);
        TestExecutionResult result = results.get(0);
        assertEquals(TestExecutionResult.Status.FAILED, result.getStatus(),
                "the lifecycle property must fail when disconnect() skips its join");
        Throwable failure = result.getThrowable().orElseThrow();
        String message = String.valueOf(failure.getMessage());
        System.out.println("Shrunk failure with the L1 join switched off:\n" + message);
        Matcher m = ACTIONS.matcher(message);
        assertTrue(m.find(), "the failure lists the chain's actions:\n" + message);
        long actions = m.group(1).lines().filter(l -> !l.isBlank()).count();
        assertTrue(actions >= 1, "the failure lists the chain's actions:\n" + message);
        assertTrue(actions <= MAX_SHRUNK_ACTIONS, "shrunk to " + actions + " actions (at most " + MAX_SHRUNK_ACTIONS
                + " expected):\n" + message);
        assertTrue(message.contains("L1") || message.contains("L4"), "the failure names the broken guarantee:\n" + message);
        assertNotNull(failure);
    }
}
