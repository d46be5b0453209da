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
 * <p>Listeners: plain TCP, TLS ({@link io.poolkit.stratum.server.StratumListener}, from PEM files) and the
 * PROXY protocol, several per server. Pipeline of a connection: accept-time checks on the acceptor thread
 * (trusted proxies, the admission check and the {@code ConnectionGuard}) → PROXY header (PROXY listeners,
 * whose guard check waits for it) → TLS → {@code StratumFrameDecoder} → {@code StratumDecoder} → session.
 *
 * <p>Hardening, in one place: the guard's caps, rates and bans; the line limit; subscribe and idle timeouts;
 * per-connection write buffer water marks (a client that stops reading is not read, not sent jobs, and closed
 * after a grace period); reads of at most 16 KiB; and bounds on the shares waiting for the sinks per session
 * and per server (over them, sessions are not read until the sinks catch up).
 */
package io.poolkit.stratum.server;
