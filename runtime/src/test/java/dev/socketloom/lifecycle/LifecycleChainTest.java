package dev.socketloom.lifecycle;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.state.ActionChain;

/**
 * The lifecycle guarantees L1–L10 (package documentation of dev.socketloom) under generated interleavings: random
 * chains of lifecycle actions against a real runtime on loopback, the model compared with reality after every action
 * (threads, sockets, registries, echoed bytes, event order, no callback after the call that forbade it), no leak at the
 * end of each chain, and no virtual-thread pinning in SocketLoom code during the whole property.
 *
 * <p>The default suite runs a bounded number of short chains; {@code -Plifecycle-soak} runs the soak property with
 * many more and longer chains ({@code -Djqwik.tries.default} / {@code -Dlifecycle.soak.tries}, and
 * {@code -Dlifecycle.soak.maxActions}). A failing sample is replayed first on the next run (jqwik database in
 * {@code target/}); to replay a reported seed elsewhere, add {@code seed = "<seed>"} to the {@code @Property}.
 */
@AddLifecycleHook(PinningCheck.class)
class LifecycleChainTest {
    /** Actions per chain in the default suite. */
    static final int MAX_ACTIONS = 25;

    @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void lifecycleHoldsUnderAnyInterleaving(@ForAll("chains") ActionChain<World> chain) throws Exception {
        Chains.run(chain);
    }

    /** Tries come from {@code jqwik.tries.default}, which the lifecycle-soak profile sets (300 unless overridden). */
    @Property(shrinking = ShrinkingMode.BOUNDED, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    @Tag("lifecycle-soak")
    void soakLifecycleHoldsUnderAnyInterleaving(@ForAll("soakChains") ActionChain<World> chain) throws Exception {
        Chains.run(chain);
    }

    @Provide
    Arbitrary<ActionChain<World>> chains() {
        return LifecycleActions.chains(MAX_ACTIONS);
    }

    @Provide
    Arbitrary<ActionChain<World>> soakChains() {
        return LifecycleActions.chains(Integer.getInteger("lifecycle.soak.maxActions", 80));
    }
}
