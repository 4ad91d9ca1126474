/** JMH benchmarks of SocketLoom against side-by-side baselines. */
package dev.socketloom.jmh;
