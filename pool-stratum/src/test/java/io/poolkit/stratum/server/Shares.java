package io.poolkit.stratum.server;

import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Target;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.job.Job;
import java.util.function.Predicate;

/** Shares with a wanted hash for tests, found the slow, independent way (chain classes and {@link Sha256d}). */
final class Shares {
    private Shares() {}

    /** The real regtest template with transactions, but with difficulty 1's nBits, so no share is a block. */
    static BlockTemplate hardTemplate() {
        BlockTemplate real = TestJobs.WITH_TRANSACTIONS;
        return BlockTemplate.builder()
                .version(real.version())
                .previousBlockHash(real.previousBlockHash())
                .transactions(real.transactions())
                .coinbaseValueSats(real.coinbaseValueSats())
                .bits(0x1d00ffff)
                .targetDisplayHex(Target.fromCompact(0x1d00ffff).displayHex())
                .curTime(real.curTime())
                .minTime(real.minTime())
                .height(real.height())
                .witnessCommitmentScript(real.witnessCommitmentScript().orElseThrow())
                .build();
    }

    /** The header hash (internal order) of a share. */
    static byte[] hash(Job job, byte[] extranonce1, byte[] extranonce2, long nTime, int nonce, int version) {
        Hash256 txid = Hash256.fromInternalBytes(Sha256d.hash(job.coinbase().withExtranonce(extranonce1, extranonce2)));
        Hash256 root = job.merkleBranch().rootFrom(txid);
        return BlockHeader.of(version, job.previousBlockHash(), root, nTime, job.bits(), nonce).hash().internalBytes();
    }

    /** The first nonce from {@code from} whose share (the job's nTime and version) hashes as wanted. */
    static int findNonce(Job job, byte[] extranonce1, byte[] extranonce2, int from, Predicate<byte[]> wanted) {
        for (int nonce = from; nonce < from + 100_000; nonce++) {
            if (wanted.test(hash(job, extranonce1, extranonce2, job.nTime(), nonce, job.version()))) {
                return nonce;
            }
        }
        throw new AssertionError("no nonce in 100,000 gives the wanted hash");
    }

    static Predicate<byte[]> meets(double difficulty) {
        Target target = Target.fromDifficulty(difficulty);
        return hash -> target.isMetBy(hash, 0);
    }

    static Predicate<byte[]> misses(double difficulty) {
        return meets(difficulty).negate();
    }

    static byte[] bytes(long value, int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) {
            out[i] = (byte) (value >>> (8 * (size - 1 - i)));
        }
        return out;
    }

    static String hex8(long value) {
        return String.format("%08x", value);
    }
}
