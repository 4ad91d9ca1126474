package dev.socketloom.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** {@code dev.socketloom.HandlerFailed}; see the {@linkplain dev.socketloom.internal.jfr package} catalogue. */
@Name("dev.socketloom.HandlerFailed")
@Label("Handler Failed")
@Category("SocketLoom")
@Description("A ConnectionHandler or an EventHandler callback threw while its connection was still open")
@StackTrace(false) // the emitting thread's stack is the runtime's call into the handler; the origin field says where
final class HandlerFailedEvent extends Event {
    @ConnectionId
    @Label("Connection Id")
    long connectionId;

    @Label("Remote Address")
    String remoteAddress;

    @Label("Server Port")
    @Description("Port of the server that accepted the connection; 0 for a client-side connection")
    int serverPort;

    @Label("Handler")
    @Description("ConnectionHandler, or EventHandler and the event being delivered (e.g. EventHandler READ)")
    String handler;

    @Label("Exception Class")
    String exceptionClass;

    @Label("Message")
    String message;

    @Label("Inet Error")
    @Description("The InetError code when the exception is an InetException; otherwise empty")
    String inetError;

    @Label("Origin")
    @Description("Top frame of the exception's stack trace")
    String origin;
}
