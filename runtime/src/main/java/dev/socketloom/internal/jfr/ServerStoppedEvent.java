package dev.socketloom.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * {@code dev.socketloom.ServerStopped}: a duration event from the start of the stop to its return; see the
 * {@linkplain dev.socketloom.internal.jfr package} catalogue.
 */
@Name("dev.socketloom.ServerStopped")
@Label("Server Stopped")
@Category("SocketLoom")
@Description("A server stopped: its duration is the stop's, from the call to its return")
@StackTrace(false)
@Threshold("0 ms") // a stop is rare and always worth seeing; raise it to see only slow stops
final class ServerStoppedEvent extends Event {
    @Label("Server Port")
    int serverPort;

    @Label("How")
    @Description("DISCONNECT (Server.disconnect/close), STOP (Server.stop(grace)) or RUNTIME_CLOSE "
            + "(SocketRuntime.close)")
    String how;

    @Label("Grace")
    @Description("The grace period of STOP; 0 otherwise")
    @Timespan(Timespan.NANOSECONDS)
    long grace;

    @Label("Graceful")
    @Description("Clients whose handlers returned on their own during the grace period")
    int graceful;

    @Label("Forced")
    @Description("Clients that were still connected and were disconnected by the stop")
    int forced;

    @Label("Straggler Count")
    @Description("Threads that outlived the join deadline (THREAD_NOT_TERMINATED)")
    int stragglerCount;

    @Label("Stragglers")
    @Description("Names of those threads, comma-separated")
    String stragglers;
}
