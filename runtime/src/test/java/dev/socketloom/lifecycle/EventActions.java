package dev.socketloom.lifecycle;

import dev.socketloom.inet.Inet;
import dev.socketloom.lifecycle.EventSteps.Ending;
import dev.socketloom.lifecycle.EventSteps.ReadKind;
import dev.socketloom.lifecycle.EventSteps.Stubborn;
import dev.socketloom.lifecycle.ChainSteps.Step;
import dev.socketloom.lifecycle.Model.ClientModel;
import dev.socketloom.lifecycle.Model.ClientState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/**
 * Event actions of the lifecycle chains ({@link EventSteps} does the work): disable events from this or another
 * thread while the callback is blocked in each kind of read, past stubborn callbacks (ignoring interrupts, blocked in
 * a write) with a disconnect or a release after, {@code available}/{@code peek} from outside while a callback left
 * bytes buffered, and the facade's {@code Inet.disableEvents} with its callback blocked in {@code Inet.readLine}.
 * Low weights: the stubborn ones wait out a (short) join deadline.
 */
final class EventActions {
    private EventActions() {
    }

    /** A world client that is open on both sides, idle, without events: a callback may block on it. */
    private static boolean quiet(ClientModel c) {
        return c.state == ClientState.ESTABLISHED && c.events == null && c.rec != null && !c.outputShut
                && c.busy == null;
    }

    static Action.Independent<World> disableWhileBlockedInRead() {
        Arbitrary<ChainSteps.ClientBody> bodies = Combinators.combine(
                Arbitraries.of(ReadKind.class), Arbitraries.of(true, false)).as((kind, other) ->
                (x, c) -> x.eventSteps.disableWhileBlockedInRead(x, c, kind, other));
        return ChainSteps.onClient(EventActions::quiet, "disable events while the callback blocks in a read",
                bodies);
    }

    static Action.Independent<World> availableFromOutside() {
        return ChainSteps.onClient(EventActions::quiet, "available/peek from outside while events are on",
                Arbitraries.of(true, false).map(other -> (x, c) -> x.eventSteps.availableFromOutside(x, c, other)));
    }

    static Action.Independent<World> stubbornPastTheDeadline() {
        return independent(Combinators.combine(Arbitraries.of(Stubborn.class), Arbitraries.of(Ending.class),
                Arbitraries.of(true, false)).as((kind, ending, other) ->
                new Step("disable events past a stubborn callback",
                        x -> x.eventSteps.stubbornPastTheDeadline(x, kind, ending, other))));
    }

    static Action.Independent<World> inetDisableWhileBlockedInReadLine() {
        return independent(Arbitraries.of(true, false).map(other ->
                new Step("Inet.disableEvents while the callback blocks in Inet.readLine",
                        x -> x.eventSteps.inetDisableWhileBlockedInReadLine(x, other))));
    }

    /** A step on its own connection and peer, possible in any world whose runtime is open. */
    private static Action.Independent<World> independent(Arbitrary<Step> steps) {
        return new Action.Independent<>() {
            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return steps.map(s -> s);
            }
        };
    }
}
