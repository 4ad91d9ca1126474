/** Stress scenarios and the SocketLoom command-line demo. */
package dev.socketloom.stress;
