package dev.socketloom.internal.jfr;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.MetadataDefinition;
import jdk.jfr.Name;
import jdk.jfr.Relational;

/**
 * Marks the field that holds a connection's id ({@code Connection.id()}), so that JDK Mission Control can relate the
 * events of one connection (opened, closed, handler failed).
 */
@MetadataDefinition
@Relational
@Name("dev.socketloom.ConnectionId")
@Label("Connection Id")
@Description("Id of the SocketLoom connection, unique in the process: relates the events of one connection")
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ConnectionId {
}
