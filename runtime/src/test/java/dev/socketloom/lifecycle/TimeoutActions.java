package dev.socketloom.lifecycle;

import dev.socketloom.lifecycle.TimeoutProbes.Read;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.Transformer;

/**
 * Timeout actions of the lifecycle chains: a read timeout in the middle of {@code readFully}, {@code readLine} or
 * {@code read}, the idle timeout in the middle of a read, the write timeout in the middle of a write (to a peer that
 * never reads, and to one that keeps reading slowly), each followed by a retry. The steps are {@link TimeoutProbes}'s;
 * each runs the world's invariants afterwards, {@link TimeoutProbes#check} among them.
 *
 * <p>They wait for real timeouts (100-500 ms; the slow write takes some 0.7 s), so their weights are low.
 */
final class TimeoutActions {
    private TimeoutActions() {
    }

    /** A frame and where the peer pauses in it: ASCII text for readLine, any bytes otherwise. */
    private record Frame(byte[] bytes, int split) {
    }

    private static Arbitrary<Frame> frames(Read op) {
        Arbitrary<byte[]> bytes = op == Read.READ_LINE
                ? Arbitraries.strings().withCharRange(' ', '~').ofMinLength(2).ofMaxLength(3000)
                        .map(s -> s.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                : Arbitraries.bytes().array(byte[].class).ofMinSize(2).ofMaxSize(70_000);
        return bytes.flatMap(b -> Arbitraries.integers().between(1, b.length - 1).map(k -> new Frame(b, k)));
    }

    /** A read timeout fires mid-read; the connection stays open; the retry gets every byte in order. */
    static Action.Independent<World> readTimeoutMidRead() {
        return action("read timeout mid-read, then retry", Arbitraries.of(Read.values()).flatMap(op ->
                Combinators.combine(Arbitraries.of(false, true), frames(op)).as((tls, f) ->
                        (ChainSteps.Body) w -> w.timeouts.readTimeoutMidRead(w, tls, op, f.bytes(), f.split()))));
    }

    /** The idle timeout closes a connection mid-read: TIMEOUT for that read, NOT_CONNECTED for the retry. */
    static Action.Independent<World> idleTimeoutMidRead() {
        return action("idle timeout mid-read, then retry", Arbitraries.of(Read.values()).flatMap(op ->
                Combinators.combine(Arbitraries.of(false, true), frames(op)).as((tls, f) ->
                        (ChainSteps.Body) w -> w.timeouts.idleTimeoutMidRead(w, tls, op, f.bytes(), f.split()))));
    }

    /** The write timeout mid-write: it fires on a peer that never reads, not on one that keeps reading. */
    static Action.Independent<World> writeTimeoutMidWrite() {
        return action("write timeout mid-write, then retry", Combinators.combine(Arbitraries.of(false, true),
                Arbitraries.of(false, true)).as((tls, reads) -> (ChainSteps.Body) w -> w.timeouts.writeTimeoutMidWrite(w, tls,
                reads)));
    }

    private static Action.Independent<World> action(String generic, Arbitrary<ChainSteps.Body> bodies) {
        // the same step as every other action: journal, invariants after it (ChainSteps.Step)
        return new Action.Independent<>() {
            @Override
            public Arbitrary<Transformer<World>> transformer() {
                return bodies.map(body -> new ChainSteps.Step(generic, body));
            }
        };
    }
}
