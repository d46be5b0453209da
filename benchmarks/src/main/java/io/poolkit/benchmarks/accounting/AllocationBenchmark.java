package io.poolkit.benchmarks.accounting;

import io.poolkit.accounting.scheme.Allocation;
import io.poolkit.accounting.scheme.PerShareCredits;
import io.poolkit.accounting.scheme.PplnsScheme;
import io.poolkit.accounting.scheme.PpsScheme;
import io.poolkit.accounting.scheme.PropScheme;
import io.poolkit.accounting.scheme.ShareWindow;
import io.poolkit.accounting.scheme.TimePplnsScheme;
import io.poolkit.benchmarks.PoolKitBenchmark;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.Share;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Splitting one found block over a window of 1,000,000 shares from 1,000 accounts: PPLNS (the window exactly
 * covers all 1 M shares, the oldest in part), time-window PPLNS, PROP; and pricing 1 M shares for PPS.
 * The score is milliseconds per split.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AllocationBenchmark extends PoolKitBenchmark {
    static final int SHARES = 1_000_000;
    static final int ACCOUNTS = 1_000;
    static final long REWARD = 312_500_000L + 23_456_789L;

    private ShareWindow window;
    private Share[] shares;
    private final PplnsScheme pplns = PplnsScheme.of(BigDecimal.valueOf(2), 100);
    private final TimePplnsScheme pplnsTime = TimePplnsScheme.of(Duration.ofHours(1), 100);
    private final PropScheme prop = PropScheme.withFee(100);
    private final PpsScheme pps = PpsScheme.withFee(200);

    @Setup
    public void build() {
        SplittableRandom random = new SplittableRandom(42);
        String[] accounts = new String[ACCOUNTS];
        for (int i = 0; i < ACCOUNTS; i++) {
            accounts[i] = "bc1qminer" + i;
        }
        double[] difficulty = new double[SHARES];
        double total = 0;
        for (int i = 0; i < SHARES; i++) {
            // Vardiff-like: powers of two with a random fraction, 1 K .. 1 M.
            difficulty[i] = Math.scalb(1.0 + random.nextInt(1_000) / 1_000.0, 10 + random.nextInt(10));
            total += difficulty[i];
        }
        long start = 1_700_000_000_000L;
        // N = 2: network difficulty just under half of all the difficulty, so the window reaches the oldest share.
        double networkDifficulty = total / 2 * 0.9999999;
        FoundBlock block = new FoundBlock(Hash256.ZERO, 900_000, accounts[7], accounts[7] + ".rig", REWARD,
                networkDifficulty, Instant.ofEpochMilli(start + SHARES));
        ShareWindow.Builder builder = ShareWindow.builder(block);
        shares = new Share[SHARES];
        for (int i = 0; i < SHARES; i++) {
            String account = accounts[random.nextInt(ACCOUNTS)];
            // A share per 3.6 ms: the hour-long time window holds every share.
            builder.add(account, difficulty[i], start + i * 36L / 10);
            shares[i] = new Share(account, account + ".rig", difficulty[i], 1.2e14, 900_000, 312_500_000L,
                    23_456_789L, Instant.ofEpochMilli(start + i));
        }
        window = builder.build();
        Allocation check = pplns.allocate(REWARD, window);
        if (pplns.countedWeights(window).size() != ACCOUNTS || check.residualSats() != 0) {
            throw new IllegalStateException("the PPLNS window should span all shares: " + check);
        }
    }

    @Benchmark
    public Allocation pplns1M() {
        return pplns.allocate(REWARD, window);
    }

    @Benchmark
    public Allocation pplnsTime1M() {
        return pplnsTime.allocate(REWARD, window);
    }

    @Benchmark
    public Allocation prop1M() {
        return prop.allocate(REWARD, window);
    }

    @Benchmark
    public PerShareCredits.Settlement pps1M() {
        PerShareCredits credits = new PerShareCredits(pps);
        for (Share share : shares) {
            credits.add(share);
        }
        return credits.settle(new HashMap<>(), 0);
    }
}
