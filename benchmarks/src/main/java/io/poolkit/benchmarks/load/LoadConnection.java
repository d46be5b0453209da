package io.poolkit.benchmarks.load;

import io.netty.channel.EventLoopGroup;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.client.StratumClientException;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.codec.MiningNotify;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection of the harness: a {@link StratumClient} logged in as its own worker, the newest job the pool
 * sent it, and its shares in flight. A share is the job's id and ntime, an extranonce2 from a counter (so no two
 * shares of a connection are alike) and a random nonce: at a share difficulty below 2<sup>-32</sup> nearly
 * every one meets the target, at difficulty 1 nearly none does.
 *
 * <p>Thread-safe: the harness's thread opens it and may submit; the client's event loop delivers jobs and
 * answers, and in the closed loop submits the next share from there.
 */
final class LoadConnection implements StratumClient.Listener {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The job a share is built on: its id and ntime as sent. */
    private record Work(String jobId, String ntimeHex) {}

    private final int index;
    private final String worker;
    private final LoadRun run;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong extranonce2 = new AtomicLong();
    private volatile StratumClient client;
    private volatile Work work;
    private volatile int extranonce2Size;
    private volatile boolean ready;
    private volatile boolean closed;

    LoadConnection(int index, LoadRun run) {
        this.index = index;
        this.worker = run.options.worker(index);
        this.run = run;
    }

    /**
     * Connects, subscribes and authorises; the future completes once the worker is authorised, or fails with
     * a {@link HandshakeException} saying which step failed.
     */
    CompletableFuture<Void> open(EventLoopGroup group) {
        LoadOptions o = run.options;
        StratumClient c = StratumClient.builder()
                .host(o.host).port(o.port)
                .localAddress(o.sourceAddress(index))
                .eventLoopGroup(group)
                .connectTimeout(o.requestTimeout)
                .requestTimeout(o.requestTimeout)
                .listener(this)
                .build();
        client = c;
        return c.connect()
                .handle((ok, e) -> step(e, "connect"))
                .thenCompose(ignored -> c.subscribe(o.agent))
                .handle((subscribed, e) -> {
                    step(e, "subscribe");
                    extranonce2Size = subscribed.extranonce().extranonce2Size();
                    return null;
                })
                .thenCompose(ignored -> c.authorize(worker, o.password))
                .handle((authorized, e) -> {
                    step(e, "authorize");
                    if (!authorized) {
                        throw new HandshakeException("authorize refused");
                    }
                    ready = true;
                    return null;
                });
    }

    /** Rethrows a failed step as a {@link HandshakeException} naming it. */
    private static Void step(Throwable e, String what) {
        if (e == null) {
            return null;
        }
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof HandshakeException handshake) {
            throw handshake;
        }
        throw new HandshakeException(what + (cause instanceof TimeoutException ? " timed out" : " failed"));
    }

    boolean isReady() {
        return ready && !closed;
    }

    boolean hasJob() {
        return work != null;
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Submits shares until {@code max} are in flight (closed loop); returns how many it sent. */
    int fill() {
        int sent = 0;
        while (trySubmit()) {
            sent++;
        }
        return sent;
    }

    /** Submits one share unless the connection is not ready, has no job or has its maximum in flight. */
    boolean trySubmit() {
        Work w = work;
        StratumClient c = client;
        if (!ready || closed || w == null || c == null) {
            return false;
        }
        int max = run.options.inFlight;
        int n;
        do {
            n = inFlight.get();
            if (n >= max) {
                return false;
            }
        } while (!inFlight.compareAndSet(n, n + 1));
        String extranonce2Hex = hexOfCounter(extranonce2.getAndIncrement(), extranonce2Size);
        String nonceHex = hex8(ThreadLocalRandom.current().nextInt());
        run.stats.sent.increment();
        long start = System.nanoTime();
        c.submitHex(worker, w.jobId, extranonce2Hex, w.ntimeHex, nonceHex, null)
                .whenComplete((result, error) -> answered(result, error, start, w, extranonce2Hex, nonceHex));
        return true;
    }

    private void answered(SubmitResult result, Throwable error, long start, Work w, String extranonce2Hex,
                          String nonceHex) {
        if (error != null) {
            run.stats.failed(error instanceof TimeoutException ? "no answer within the request timeout"
                    : error instanceof StratumClientException ? "connection closed before the answer"
                    : error.getClass().getSimpleName());
            inFlight.decrementAndGet();
            return;
        }
        run.stats.answered(System.nanoTime() - start);
        if (result.isAccepted()) {
            run.stats.accepted.increment();
            if (run.acceptedLog != null) {
                run.acceptedLog.append(worker, w.jobId, extranonce2Hex, w.ntimeHex, nonceHex,
                        System.currentTimeMillis());
            }
        } else {
            run.stats.rejected(result.code(), result.message());
        }
        // Counted before it leaves the in-flight count: a harness that sees none in flight sees its figures whole.
        inFlight.decrementAndGet();
        if (run.closedLoopRunning()) {
            fill();
        }
    }

    @Override
    public void onNotify(MiningNotify notify) {
        run.fanOut.arrived(notify.jobId(), notify.cleanJobs(), System.nanoTime());
        work = new Work(notify.jobId(), hex8(notify.ntime()));
        if (run.closedLoopRunning() && inFlight.get() == 0) {
            fill(); // a connection that had no job when the run started
        }
    }

    @Override
    public void onDisconnect(Throwable cause) {
        if (ready && !closed) {
            run.disconnected.increment();
        }
        closed = true;
    }

    /** Closes the connection; the future completes once it is closed. */
    CompletableFuture<Void> close() {
        closed = true;
        StratumClient c = client;
        return c == null ? CompletableFuture.completedFuture(null) : c.close();
    }

    static String hex8(int value) {
        char[] out = new char[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = HEX[value & 0xf];
            value >>>= 4;
        }
        return new String(out);
    }

    /** {@code counter} as {@code size} bytes, big-endian, its low bytes (the rest zero). */
    static String hexOfCounter(long counter, int size) {
        char[] out = new char[size * 2];
        long value = counter;
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        return new String(out);
    }

    /** Why a connection did not get ready: the step, and whether it failed or timed out. */
    static final class HandshakeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandshakeException(String message) {
            super(message, null, false, false);
        }
    }
}
