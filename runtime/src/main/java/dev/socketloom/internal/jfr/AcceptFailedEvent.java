package dev.socketloom.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** {@code dev.socketloom.AcceptFailed}; see the {@linkplain dev.socketloom.internal.jfr package} catalogue. */
@Name("dev.socketloom.AcceptFailed")
@Label("Accept Failed")
@Category("SocketLoom")
@Description("accept() failed (for example EMFILE); the acceptor backs off and retries (L12)")
@StackTrace(false)
final class AcceptFailedEvent extends Event {
    @Label("Server Port")
    int serverPort;

    @Label("Error")
    @Description("The exception, as its toString(): class and message")
    String error;

    @Label("Back-off")
    @Description("How long the acceptor waits before the next accept()")
    @Timespan(Timespan.NANOSECONDS)
    long backoff;

    @Label("Failures")
    @Description("Failed accepts of this server so far, this one included (ServerStats.acceptFailures)")
    long failures;
}
