/**
 * The Stratum V1 server: {@link io.poolkit.stratum.server.StratumServer} (builder, start, graceful stop,
 * job publication, stats) and {@link io.poolkit.stratum.server.ExtranonceAllocator}.
 *
 * <p>Inside, each connection is a thin Netty adapter ({@code SessionHandler}) around a
 * {@code StratumSession}, the protocol logic without I/O: it takes a decoded message and tells its output
 * what to send. The sessions of one event loop share a {@code LoopState} (the share workspace, the current
 * job's encoded {@code mining.notify}, the list that job fan-out and the timeout sweep walk), so a job costs
 * one task per event loop and an idle session no scheduled task of its own.
 *
 * <p>Pipeline of a connection, with the slots later layers fill (TLS, PROXY protocol, guards):
 * admission check → transport handlers → {@code StratumFrameDecoder} → {@code StratumDecoder} → message
 * handlers → session.
 */
package io.poolkit.stratum.server;
