package io.poolkit.stratum.client;

/**
 * A pool's {@code client.reconnect}: where to reconnect and after how long.
 *
 * @param host the host to reconnect to; {@code null} means the same server
 * @param port the port; 0 means the same port
 * @param waitSeconds seconds to wait before reconnecting (0 when the pool gave none)
 */
public record Reconnect(String host, int port, int waitSeconds) {
}
