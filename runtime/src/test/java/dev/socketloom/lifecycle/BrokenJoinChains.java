package dev.socketloom.lifecycle;

import dev.socketloom.internal.runtime.RuntimeCore;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.state.ActionChain;

/**
 * The lifecycle property, run against a deliberately broken runtime only: its runtimes are constructed with the
 * {@link SkipHandlerJoin} policy, and {@link ShrinkingFindsBrokenJoinTest} launches this class through the JUnit
 * Platform. Its name does not match Surefire's test patterns, so the normal suite never runs it.
 */
class BrokenJoinChains {
    /** Shorter than the real property's chains: every shrink candidate does real socket work. */
    static final int MAX_ACTIONS = 8;

    /**
     * A fixed seed makes the self-test reproducible. From random seeds jqwik's shrinking of these stateful chains is
     * uneven (shrunk lengths of 3 to 11 actions were observed for 8- to 12-action originals), so the test pins a seed
     * whose chain shrinks to a short one (five actions, the essential three among them; with the saturate action added
     * no seed of a handful tried shrank further). Changing the actions or their weights changes what a seed
     * generates: pick a new seed then (remove {@code seed}, run, and take one from a report with a short shrunk chain).
     */
    static final String SEED = "8158974101734427104";

    @Property(seed = SEED, tries = 40, shrinking = ShrinkingMode.BOUNDED, afterFailure = AfterFailureMode.RANDOM_SEED)
    void lifecycleWithTheFaultSwitchedOn(@ForAll("chains") ActionChain<World> chain) throws Exception {
        Chains.run(chain);
    }

    @Provide
    Arbitrary<ActionChain<World>> chains() {
        return LifecycleActions.chains(MAX_ACTIONS, () -> new RuntimeCore(new SkipHandlerJoin()));
    }
}
