package io.poolkit.stratum.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.poolkit.core.guard.ProtocolViolation;
import io.poolkit.core.job.Job;
import io.poolkit.stratum.codec.StratumFrameDecoder;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumValue;
import io.poolkit.stratum.codec.StratumWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin Netty adapter of one connection: feeds decoded messages to its {@link StratumSession} and
 * writes what the session decides. Everything the session writes during one read goes out in one buffer
 * and one flush at the end of the read.
 *
 * <p>Backpressure: while the channel is not writable (its outbound bytes passed the high-water mark, the
 * miner is not reading) the connection is not read, jobs are not sent to it (it gets the newest one, marked
 * clean if it missed a clean one, when it is writable again), and if it stays so for the server's
 * {@code unwritableTimeout} the sweep closes it. The session may also stop reading while too many of its
 * shares wait for the sinks ({@link SessionOutput#pauseReading}).
 *
 * <p>Not sharable: one per channel. Confined to the channel's event loop.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter implements SessionOutput {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);
    private static final int INITIAL_OUT_CAPACITY = 256;
    /** A reason to stop reading of the adapter's own: the channel is not writable. */
    private static final int PAUSED_UNWRITABLE = 1 << 8;
    private static final RareLog SLOW_LOG = new RareLog();

    private final ServerCore core;
    /** The miner's address: the TCP peer, or the client a PROXY header named; null when not an IP peer. */
    private final InetSocketAddress peer;
    private ChannelHandlerContext ctx;
    private LoopState loop;
    private StratumSession session;
    /** Bytes written since the last flush, not yet handed to the channel; null when none. */
    private ByteBuf out;
    private boolean unflushed;
    /** Reasons not to read (bits), 0 when reading. */
    private int paused;
    /** When the channel became unwritable; 0 while writable. */
    private long unwritableSinceMillis;
    /** Whether a job was not sent because the channel was unwritable, and whether one of those was clean. */
    private boolean missedJob;
    private boolean missedCleanJob;
    /** The address the guard counts this connection under until it is told of its close; null when none. */
    private InetAddress guarded;
    /** Position in the loop's session list; -1 when not listed. */
    int index = -1;

    SessionHandler(ServerCore core) {
        this(core, null);
    }

    /** @param peer the miner's address, or null to use the channel's remote address */
    SessionHandler(ServerCore core, InetSocketAddress peer) {
        this.core = core;
        this.peer = peer;
    }

    StratumSession session() {
        return session;
    }

    /** The connection (for tests and stats). */
    io.netty.channel.Channel channel() {
        return ctx.channel();
    }

    // ------------------------------------------------------------------------------------------ events

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // Made for a connection the accept-time checks (or the PROXY header's) admitted: the guard counts it.
        InetSocketAddress address = peer != null ? peer : inet(ctx.channel().remoteAddress());
        guarded = address == null ? null : address.getAddress();
        // Added after the connection became active (a PROXY listener adds it once the header is read).
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (session == null) {
            start();
        }
        ctx.fireChannelActive();
    }

    private void start() {
        loop = core.loopFor(ctx.channel().eventLoop());
        InetSocketAddress address = peer != null ? peer : inet(ctx.channel().remoteAddress());
        InetAddress ip = address == null ? null : address.getAddress();
        session = new StratumSession(core, loop, this, core.clock.millis(), ip);
        loop.add(this);
        core.counters.connectionsOpen.increment();
        core.counters.connectionsTotal.increment();
    }

    private static InetSocketAddress inet(SocketAddress address) {
        return address instanceof InetSocketAddress inet && !inet.isUnresolved() ? inet : null;
    }

    /** The miner's address for logs. */
    SocketAddress remote() {
        return peer != null ? peer : ctx.channel().remoteAddress();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof StratumMessage message) || !ctx.channel().isOpen()) {
            // Lines read in the same batch after the session closed the connection (a ban, say) are dropped.
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            session.onMessage(message, core.clock.millis());
        } catch (RuntimeException e) {
            // A bug, not the miner's fault: keep the connection, answer nothing more for this line.
            core.counters.internalErrors.increment();
            LOG.error("session failed on a message from {}", remote(), e);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof StratumFrameDecoder.LineTooLong) {
            core.counters.oversizedLines.increment();
            InetAddress ip = session == null ? null : session.peer();
            if (ip != null) {
                core.guard.onProtocolViolation(ip, ProtocolViolation.OVERSIZED_LINE); // the framer closes anyway
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null) {
            if (!ctx.channel().isWritable()) {
                if (unwritableSinceMillis == 0) {
                    unwritableSinceMillis = Math.max(1, core.clock.millis());
                }
                pauseReading(PAUSED_UNWRITABLE);
            } else {
                unwritableSinceMillis = 0;
                resumeReading(PAUSED_UNWRITABLE);
                sendMissedJob();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseGuard();
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
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseGuard(); // in case the connection never became inactive with this handler in place
    }

    private void releaseGuard() {
        InetAddress address = guarded;
        if (address != null) {
            guarded = null;
            core.guard.onDisconnect(address);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing {}: {}", remote(), cause.toString());
        ctx.close();
    }

    // ------------------------------------------------------------------------------ from the event loop

    /**
     * Sends {@code job} (set_difficulty first when it changed) if the session takes it; while the channel is
     * not writable, only notes that the session missed a job.
     */
    boolean sendJob(Job job, ByteBuf notify) {
        if (unwritableSinceMillis != 0) {
            if (session.takesJob(job)) {
                missedJob = true;
                missedCleanJob |= job.cleanJobs();
                core.counters.notifiesSkipped.increment();
            }
            return false;
        }
        if (!session.beforeJob(job)) {
            return false;
        }
        writeQueued();
        if (missedCleanJob && !job.cleanJobs()) {
            // Writable again before the writability event came: it missed a clean job, so this one says clean.
            notify = StratumWriter.encodeNotify(ctx.alloc(), ServerCore.notifyOf(job, true));
        } else {
            notify = notify.retainedDuplicate();
        }
        missedJob = false;
        missedCleanJob = false;
        ctx.write(notify, ctx.voidPromise());
        ctx.flush();
        unflushed = false;
        return true;
    }

    /** The newest job for a session that missed some while it was not writable; clean if one it missed was. */
    private void sendMissedJob() {
        if (!missedJob) {
            return;
        }
        boolean clean = missedCleanJob;
        missedJob = false;
        missedCleanJob = false;
        Job job = loop.currentJob();
        if (job == null || !session.beforeJob(job)) {
            return;
        }
        writeQueued();
        ByteBuf notify = clean && !job.cleanJobs()
                ? StratumWriter.encodeNotify(ctx.alloc(), ServerCore.notifyOf(job, true))
                : loop.currentNotify().retainedDuplicate();
        ctx.write(notify, ctx.voidPromise());
        ctx.flush();
        unflushed = false;
    }

    /**
     * Closes the connection when the session timed out or left its outbound buffer full too long; otherwise
     * lets its vardiff see the time, and reads it again if the server's share bound let go.
     */
    void sweep(long nowMillis) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        if (unwritableSinceMillis != 0 && nowMillis - unwritableSinceMillis >= core.unwritableTimeoutMillis) {
            core.counters.sessionsClosedSlow.increment();
            long pending = ctx.channel().unsafe().outboundBuffer() == null ? 0
                    : ctx.channel().unsafe().outboundBuffer().totalPendingWriteBytes();
            if (SLOW_LOG.due(nowMillis)) {
                LOG.warn("closing {}: it has not read what the server sent for {} ms ({} bytes waiting); such closes"
                        + " are counted in sessionsClosedSlow and logged at most once a minute", remote(),
                        nowMillis - unwritableSinceMillis, pending);
            }
            ctx.close(); // what waits for the miner is dropped with the connection
            return;
        }
        if ((paused & SessionOutput.PAUSED_FOR_SERVER_SHARES) != 0 && core.inFlight.get() <= core.resumeMark()) {
            resumeReading(SessionOutput.PAUSED_FOR_SERVER_SHARES);
        }
        String expiry = session.expiry(nowMillis);
        if (expiry != null) {
            core.counters.sessionsTimedOut.increment();
            LOG.debug("closing {}: {}", remote(), expiry);
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

    @Override
    public void pauseReading(int reason) {
        if ((paused & reason) != 0) {
            return;
        }
        if (paused == 0) {
            ctx.channel().config().setAutoRead(false);
        }
        paused |= reason;
        if (reason == SessionOutput.PAUSED_FOR_SESSION_SHARES || reason == SessionOutput.PAUSED_FOR_SERVER_SHARES) {
            core.counters.readsPaused.increment();
        }
        if (reason == SessionOutput.PAUSED_FOR_SERVER_SHARES) {
            core.sharesPaused.set(true);
            // The shares may have settled between the count and the flag: do not wait for the next one.
            if (core.inFlight.get() <= core.resumeMark()) {
                resumeReading(reason);
            }
        }
    }

    @Override
    public void resumeReading(int reason) {
        if ((paused & reason) == 0) {
            return;
        }
        paused &= ~reason;
        if (paused == 0 && ctx.channel().isOpen()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** Whether the connection is being read. */
    boolean isReading() {
        return paused == 0;
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
