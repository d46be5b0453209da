package io.poolkit.stratum.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.poolkit.core.job.Job;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumValue;
import io.poolkit.stratum.codec.StratumWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin Netty adapter of one connection: feeds decoded messages to its {@link StratumSession} and
 * writes what the session decides. Everything the session writes during one read goes out in one buffer
 * and one flush at the end of the read.
 *
 * <p>Not sharable: one per channel. Confined to the channel's event loop.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter implements SessionOutput {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);
    private static final int INITIAL_OUT_CAPACITY = 256;

    private final ServerCore core;
    private ChannelHandlerContext ctx;
    private LoopState loop;
    private StratumSession session;
    /** Bytes written since the last flush, not yet handed to the channel; null when none. */
    private ByteBuf out;
    private boolean unflushed;
    /** Position in the loop's session list; -1 when not listed. */
    int index = -1;

    SessionHandler(ServerCore core) {
        this.core = core;
    }

    StratumSession session() {
        return session;
    }

    // ------------------------------------------------------------------------------------------ events

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        loop = core.loopFor(ctx.channel().eventLoop());
        session = new StratumSession(core, loop, this, core.clock.millis());
        loop.add(this);
        core.counters.connectionsOpen.increment();
        core.counters.connectionsTotal.increment();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof StratumMessage message)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            session.onMessage(message, core.clock.millis());
        } catch (RuntimeException e) {
            // A bug, not the miner's fault: keep the connection, answer nothing more for this line.
            LOG.error("session failed on a message from {}", ctx.channel().remoteAddress(), e);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (loop != null) {
            loop.remove(this);
            session.onClosed();
            core.counters.connectionsOpen.decrement();
        }
        if (out != null) {
            out.release();
            out = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    // ------------------------------------------------------------------------------ from the event loop

    /** Sends {@code job} (set_difficulty first when it changed) if the session takes it. */
    boolean sendJob(Job job, ByteBuf notify) {
        if (!session.beforeJob(job)) {
            return false;
        }
        writeQueued();
        ctx.write(notify.retainedDuplicate(), ctx.voidPromise());
        ctx.flush();
        unflushed = false;
        return true;
    }

    /** Closes the connection when the session timed out; otherwise lets its vardiff see the time. */
    void sweep(long nowMillis) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        String expiry = session.expiry(nowMillis);
        if (expiry != null) {
            core.counters.sessionsTimedOut.increment();
            LOG.debug("closing {}: {}", ctx.channel().remoteAddress(), expiry);
            close(expiry);
        } else {
            session.onTick(nowMillis);
        }
    }

    // ---------------------------------------------------------------------------------- SessionOutput

    @Override
    public void replyTrue(StratumId id) {
        StratumWriter.writeTrue(buffer(), id);
    }

    @Override
    public void replyResult(StratumId id, StratumValue result) {
        StratumWriter.writeResult(buffer(), id, result);
    }

    @Override
    public void replyError(StratumId id, int code, String message) {
        StratumWriter.writeError(buffer(), id, code, message);
    }

    @Override
    public void replySubscribe(StratumId id, String subscriptionId, long extranonce1, int extranonce2Size) {
        core.allocator.write(extranonce1, loop.extranonce1, 0);
        StratumWriter.writeSubscribeResult(buffer(), id, subscriptionId, loop.extranonce1, extranonce2Size);
    }

    @Override
    public void setDifficulty(double difficulty) {
        StratumWriter.writeSetDifficulty(buffer(), difficulty);
    }

    @Override
    public void setExtranonce(long extranonce1, int extranonce2Size) {
        core.allocator.write(extranonce1, loop.extranonce1, 0);
        StratumWriter.writeSetExtranonce(buffer(), loop.extranonce1, extranonce2Size);
    }

    @Override
    public void setVersionMask(int mask) {
        StratumWriter.writeSetVersionMask(buffer(), mask);
    }

    @Override
    public void reconnect(String host, int port, int waitSeconds) {
        if (host == null) {
            StratumWriter.writeReconnect(buffer());
        } else {
            StratumWriter.writeReconnect(buffer(), host, port, waitSeconds);
        }
    }

    @Override
    public Job sendCurrentJob() {
        Job job = loop.currentJob();
        if (job != null) {
            writeQueued();
            ctx.write(loop.currentNotify().retainedDuplicate(), ctx.voidPromise());
            unflushed = true;
        }
        return job;
    }

    @Override
    public void flush() {
        writeQueued();
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    @Override
    public void close(String reason) {
        flush();
        ctx.close();
    }

    private ByteBuf buffer() {
        ByteBuf buffer = out;
        if (buffer == null) {
            buffer = ctx.alloc().ioBuffer(INITIAL_OUT_CAPACITY);
            out = buffer;
        }
        return buffer;
    }

    private void writeQueued() {
        ByteBuf buffer = out;
        if (buffer != null) {
            out = null;
            ctx.write(buffer, ctx.voidPromise());
            unflushed = true;
        }
    }
}
