package io.poolkit.accounting.testing;

import io.poolkit.core.chain.Hash256;
import io.poolkit.core.share.FoundBlock;
import io.poolkit.core.share.Share;
import java.time.Instant;

/** Small factories for shares and blocks in tests. */
public final class TestShares {
    public static final long SUBSIDY = 312_500_000L;

    private TestShares() {}

    public static Share share(String account, double difficulty, double networkDifficulty, Instant time) {
        return new Share(account, account + ".rig", difficulty, networkDifficulty, 800_000, SUBSIDY, 12_345_678L,
                time);
    }

    /** A block hash made from {@code n}, distinct per {@code n}. */
    public static Hash256 hash(long n) {
        byte[] bytes = new byte[32];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (n >>> (8 * i));
        }
        bytes[31] = 0x5a;
        return Hash256.fromInternalBytes(bytes);
    }

    public static FoundBlock block(long n, String finder, long reward, double networkDifficulty, Instant time) {
        return new FoundBlock(hash(n), 800_000 + n, finder, finder + ".rig", reward, networkDifficulty, time);
    }
}
