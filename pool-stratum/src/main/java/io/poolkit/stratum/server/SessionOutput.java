package io.poolkit.stratum.server;

import io.poolkit.core.job.Job;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumValue;

/**
 * What a {@link StratumSession} sends: the session decides, this writes. The Netty adapter
 * ({@link SessionHandler}) encodes each call into the connection's outbound buffer; tests record them.
 *
 * <p>Calls only queue; nothing reaches the peer before {@link #flush()}, which the adapter also does by
 * itself at the end of every read. Not thread-safe: called on the session's event loop only.
 */
interface SessionOutput {

    /** {@code {"id":<id>,"result":true,"error":null}}. */
    void replyTrue(StratumId id);

    /** {@code {"id":<id>,"result":<result>,"error":null}}. */
    void replyResult(StratumId id, StratumValue result);

    /** {@code {"id":<id>,"result":null,"error":[code,"message",null]}}. */
    void replyError(StratumId id, int code, String message);

    /** The {@code mining.subscribe} result with both subscriptions named {@code subscriptionId}. */
    void replySubscribe(StratumId id, String subscriptionId, long extranonce1, int extranonce2Size);

    /** {@code mining.set_difficulty}. */
    void setDifficulty(double difficulty);

    /** {@code mining.set_extranonce}. */
    void setExtranonce(long extranonce1, int extranonce2Size);

    /** {@code mining.set_version_mask}. */
    void setVersionMask(int mask);

    /** {@code client.reconnect}: to {@code host:port} after {@code waitSeconds}, or to this server when {@code host} is null. */
    void reconnect(String host, int port, int waitSeconds);

    /** Sends the {@code mining.notify} of the newest job this event loop knows; returns that job, or null when there is none yet. */
    Job sendCurrentJob();

    /** Writes everything queued to the peer. */
    void flush();

    /** Flushes what is queued, then closes the connection. */
    void close(String reason);
}
