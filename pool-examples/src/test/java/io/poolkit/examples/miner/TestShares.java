package io.poolkit.examples.miner;

import io.poolkit.core.chain.Target;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.stratum.codec.MiningNotify;

/** Shares for tests outside this package, found with the demo miners' own {@link HeaderSearch}. */
public final class TestShares {
    private TestShares() {}

    /**
     * The first nonce from 0 whose header meets the share {@code difficulty} but not the job's network
     * target (a share that is not also a block), within a million tries.
     *
     * @throws IllegalStateException when none is found
     */
    public static int nonceForShareNotBlock(MiningNotify job, byte[] extranonce1, byte[] extranonce2,
                                            double difficulty) {
        HeaderSearch search = new HeaderSearch(job, extranonce1, extranonce2.length, difficulty, 0);
        search.prepare(extranonce2, 0);
        Target network = Target.fromCompact(job.nbits());
        int[] found = {-1};
        boolean[] done = {false};
        for (int first = 0; first < 1_000_000 && !done[0]; first += 1000) {
            search.scan(first, 1000, nonce -> {
                if (!done[0] && !network.isMetBy(Sha256d.hash(search.header(nonce)), 0)) {
                    found[0] = nonce;
                    done[0] = true;
                }
            });
        }
        if (!done[0]) {
            throw new IllegalStateException("no share below the network target in a million nonces");
        }
        return found[0];
    }
}
