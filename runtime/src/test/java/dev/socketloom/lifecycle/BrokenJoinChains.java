package dev.socketloom.lifecycle;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.state.ActionChain;

/**
 * The lifecycle property, for running against a deliberately broken runtime only: {@link ShrinkingFindsBrokenJoinTest}
 * turns on {@code TestOnlyFaults.skipConnectionJoin} and launches this class through the JUnit Platform. Its name does
 * not match Surefire's test patterns, so the normal suite never runs it (it would pass there anyway).
 */
class BrokenJoinChains {
    /** Shorter than the real property's chains: every shrink candidate does real socket work. */
    static final int MAX_ACTIONS = 12;

    @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED, afterFailure = AfterFailureMode.RANDOM_SEED)
    void lifecycleWithTheFaultSwitchedOn(@ForAll("chains") ActionChain<World> chain) throws Exception {
        Chains.run(chain);
    }

    @Provide
    Arbitrary<ActionChain<World>> chains() {
        return LifecycleActions.chains(MAX_ACTIONS);
    }
}
