package io.poolkit.stratum.server;

import io.netty.channel.EventLoopGroup;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Target;
import io.poolkit.core.hash.HeaderHasher;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.stratum.client.ConfigureRequest;
import io.poolkit.stratum.client.ConfigureResult;
import io.poolkit.stratum.client.StratumClient;
import io.poolkit.stratum.client.SubmitResult;
import io.poolkit.stratum.client.SubscribeResult;
import io.poolkit.stratum.codec.MiningNotify;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CPU miner for tests over real TCP: a {@link StratumClient} plus a nonce search with {@link HeaderHasher}
 * (midstate, so one compression per nonce is saved). Like cpuminer it applies a new difficulty from the next
 * job. With version rolling it varies the version bits the pool granted, as ASICs do.
 *
 * <p>{@link #mine(int)} runs on the caller's thread; the client's callbacks update the job under it.
 */
final class CpuMiner implements StratumClient.Listener {
    /** An accepted or refused share, as the pool answered it. */
    record Answer(long atNanos, String jobId, double difficulty, int versionBits, int code) {}

    final String worker;
    final StratumClient client;
    final List<Answer> answers = new CopyOnWriteArrayList<>();
    final List<Double> difficulties = new CopyOnWriteArrayList<>();
    /** Every job received, by id, so tests can submit on old ones. */
    final Map<String, MiningNotify> jobs = new ConcurrentHashMap<>();
    final AtomicInteger pendingSubmits = new AtomicInteger();

    private final boolean rollVersion;
    private final HeaderHasher hasher = new HeaderHasher();
    private final byte[] hash = new byte[32];
    private final byte[] node = new byte[64];
    private volatile MiningNotify job;
    private volatile double jobDifficulty;
    private volatile double nextDifficulty;
    private byte[] extranonce1;
    private int extranonce2Size;
    private int versionMask;

    // Confined to the mining thread.
    private MiningNotify working;
    private long extranonce2;
    private int nonce;
    private int versionCounter;
    private Target target;
    private double targetDifficulty;
    private int rolledBits;

    CpuMiner(String worker, boolean rollVersion, int port, EventLoopGroup group) {
        this.worker = worker;
        this.rollVersion = rollVersion;
        this.client = StratumClient.builder().host("127.0.0.1").port(port).eventLoopGroup(group).listener(this)
                .requestTimeout(Duration.ofSeconds(20)).build();
    }

    /** Connects, negotiates version rolling if asked, subscribes and authorises. */
    void logIn() throws Exception {
        client.connect().get(10, TimeUnit.SECONDS);
        if (rollVersion) {
            ConfigureResult configured = client.configure(ConfigureRequest.builder().versionRolling(0xffffffff, 2).build())
                    .get(10, TimeUnit.SECONDS);
            if (!configured.versionRolling()) {
                throw new AssertionError("version rolling refused: " + configured);
            }
            versionMask = configured.versionRollingMask();
        }
        SubscribeResult subscribed = client.subscribe("poolkit-cpuminer/1").get(10, TimeUnit.SECONDS);
        extranonce1 = subscribed.extranonce().extranonce1();
        extranonce2Size = subscribed.extranonce().extranonce2Size();
        if (!client.authorize(worker, "x").get(10, TimeUnit.SECONDS)) {
            throw new AssertionError("not authorised: " + worker);
        }
    }

    @Override
    public void onSetDifficulty(double difficulty) {
        nextDifficulty = difficulty;
        difficulties.add(difficulty);
    }

    @Override
    public void onNotify(MiningNotify notify) {
        jobs.put(notify.jobId(), notify);
        if (nextDifficulty > 0) {
            jobDifficulty = nextDifficulty;
        }
        job = notify;
    }

    double difficulty() {
        return jobDifficulty;
    }

    int versionMask() {
        return versionMask;
    }

    /** Hashes up to {@code nonces} nonces of the current job, submitting every share found; returns the hashes done. */
    int mine(int nonces) {
        MiningNotify current = job;
        if (current == null || jobDifficulty <= 0) {
            return 0;
        }
        if (current != working || jobDifficulty != targetDifficulty) {
            working = current;
            targetDifficulty = jobDifficulty;
            target = Target.fromDifficulty(targetDifficulty);
            startWork();
        }
        int done = 0;
        while (done < nonces) {
            hasher.hashWithMidstate(working.ntime(), nonce, hash, 0);
            if (target.isMetBy(hash, 0)) {
                submit(working, nonce);
            }
            done++;
            if (++nonce == 0x10000000) { // a quarter of the range is plenty: next extranonce2
                startWork();
            }
        }
        return done;
    }

    /** A fresh header: the next extranonce2 (and version bits when rolling), nonce from 0. */
    private void startWork() {
        extranonce2++;
        nonce = 0;
        int version = working.version();
        if (rollVersion) {
            versionCounter++;
            rolledBits = (versionCounter << Integer.numberOfTrailingZeros(versionMask)) & versionMask;
            version = (version & ~versionMask) | rolledBits;
        }
        byte[] coinbase1 = working.coinbase1();
        byte[] coinbase2 = working.coinbase2();
        byte[] coinbase = new byte[coinbase1.length + extranonce1.length + extranonce2Size + coinbase2.length];
        System.arraycopy(coinbase1, 0, coinbase, 0, coinbase1.length);
        System.arraycopy(extranonce1, 0, coinbase, coinbase1.length, extranonce1.length);
        byte[] e2 = extranonce2Bytes();
        System.arraycopy(e2, 0, coinbase, coinbase1.length + extranonce1.length, e2.length);
        System.arraycopy(coinbase2, 0, coinbase, coinbase.length - coinbase2.length, coinbase2.length);
        System.arraycopy(Sha256d.hash(coinbase), 0, node, 0, 32);
        for (Hash256 step : working.merkleBranch()) {
            step.copyInternalBytes(node, 32);
            hasher.hashMerkleNode(node, 0, node, 32, node, 0);
        }
        byte[] header = BlockHeader.of(version, working.prevHash(), Hash256.fromInternalBytes(node, 0),
                Integer.toUnsignedLong(working.ntime()), working.nbits(), 0).serialize();
        hasher.setMidstate(header, 0);
    }

    private byte[] extranonce2Bytes() {
        byte[] e2 = new byte[extranonce2Size];
        for (int i = 0; i < e2.length && i < 8; i++) {
            e2[e2.length - 1 - i] = (byte) (extranonce2 >>> (8 * i));
        }
        return e2;
    }

    private void submit(MiningNotify on, int foundNonce) {
        double difficulty = targetDifficulty;
        int bits = rolledBits;
        pendingSubmits.incrementAndGet();
        CompletableFuture<SubmitResult> reply = rollVersion
                ? client.submit(worker, on.jobId(), extranonce2Bytes(), on.ntime(), foundNonce, bits)
                : client.submit(worker, on.jobId(), extranonce2Bytes(), on.ntime(), foundNonce);
        reply.whenComplete((result, failure) -> {
            pendingSubmits.decrementAndGet();
            int code = failure != null ? -1 : result.isAccepted() ? 0 : result.code();
            answers.add(new Answer(System.nanoTime(), on.jobId(), difficulty, bits, code));
        });
    }

    /** A submit of an arbitrary nonce on {@code jobId}, as a stale miner would send it. */
    CompletableFuture<SubmitResult> submitOn(MiningNotify on) {
        return client.submit(worker, on.jobId(), extranonce2Bytes(), on.ntime(), 1);
    }

    long accepted() {
        return answers.stream().filter(a -> a.code() == 0).count();
    }
}
