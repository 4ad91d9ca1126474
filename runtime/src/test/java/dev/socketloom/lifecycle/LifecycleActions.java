package dev.socketloom.lifecycle;

import static dev.socketloom.lifecycle.ChainSteps.*;

import dev.socketloom.SocketRuntime;
import java.util.function.Supplier;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;

/**
 * The actions of a lifecycle chain: everything a user can do to a runtime, its servers and connections, each
 * generated only when its precondition holds in the model.
 *
 * <p>Targets are chosen by position among the qualifying servers or clients when the action runs, not by identity:
 * while shrinking, jqwik replays generated actions against a fresh world in which earlier actions may be gone, and a
 * position still means "some qualifying target" there (an identity would be stale). Each step describes what it
 * actually did in its last run ({@link Transformer#transformation()}), so a shrunk chain reads like a reproduction
 * recipe with the real names (servers S1, S2, ... and clients C1, C2, ... in order of creation).
 */
final class LifecycleActions {
    private LifecycleActions() {
    }

    /** Chains of up to {@code maxActions} actions, starting from a fresh runtime; with the timeout actions. */
    static ActionChainArbitrary<World> chains(int maxActions) {
        // the timeout actions and the truth episodes (runtimes of their own) only for the real runtime, not the
        // broken-join self-test
        return chains(maxActions, SocketRuntime::open)
                .withAction(1, idle(TimeoutActions.readTimeoutMidRead()))
                .withAction(1, idle(TimeoutActions.idleTimeoutMidRead()))
                .withAction(1, idle(TimeoutActions.writeTimeoutMidWrite()))
                .withAction(1, idle(TruthActions.truthEpisode()))
                .withAction(1, idle(FanOutActions.fanOutEpisode()));
    }

    /**
     * Chains of up to {@code maxActions} actions on runtimes opened by {@code runtimes}, without the timeout actions:
     * the shrinking self-test's pinned seed was chosen for this set, and its broken join needs no timeouts to show.
     */
    static ActionChainArbitrary<World> chains(int maxActions, Supplier<SocketRuntime> runtimes) {
        return ActionChain.<World>startWith(() -> Chains.newWorld(runtimes))
                .withAction(3, idle(ServerActions.startServer()))
                .withAction(5, idle(ClientActions.connect()))
                .withAction(4, idle(ClientActions.echoLine()))
                .withAction(2, idle(ClientActions.echoBinary()))
                .withAction(1, idle(ClientActions.startTls()))
                .withAction(1, idle(ClientActions.tooLongLine()))
                .withAction(3, idle(ClientActions.disconnectClientSide()))
                .withAction(3, idle(ClientActions.disconnectServerSide()))
                .withAction(2, idle(ClientActions.selfDisconnect()))
                .withAction(2, idle(ClientActions.halfClose()))
                .withAction(2, idle(ClientActions.enableEvents()))
                .withAction(2, idle(ClientActions.disableEvents()))
                .withAction(1, idle(ClientActions.enableEventsOnHandlerConnection()))
                .withAction(1, idle(ServerActions.suspend()))
                .withAction(2, idle(ServerActions.resume()))
                .withAction(2, idle(ClientActions.startWork()))
                .withAction(1, idle(ServerActions.saturate()))
                .withAction(2, ServerActions.stop())
                .withAction(2, ServerActions.disconnectServer())
                .withAction(2, ServerActions.concurrentDisconnect())
                .withAction(1, idle(InetActions.staleInetHandle()))
                .withAction(1, idle(InetActions.inetBlockedRead()))
                .withAction(1, idle(ServerActions.badProxyHeader()))
                .withAction(1, closeRuntime())
                .withAction(1, idle(EventActions.disableWhileBlockedInRead()))
                .withAction(1, idle(EventActions.stubbornPastTheDeadline()))
                .withAction(1, idle(EventActions.availableFromOutside()))
                .withAction(1, idle(EventActions.inetDisableWhileBlockedInReadLine()))
                .withMaxTransformations(maxActions);
    }

    static Action.Independent<World> closeRuntime() {
        return Action.just(new Step("close the runtime (and open a new one)", w -> {
            w.closeRuntime();
            return "close the runtime (and open a new one)";
        }));
    }
}
