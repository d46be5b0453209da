package io.poolkit.core.node;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import io.poolkit.core.chain.Block;
import io.poolkit.core.chain.BlockHeader;
import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Coinbase;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.MerkleBranch;
import io.poolkit.core.chain.Target;
import io.poolkit.core.chain.TemplateTransaction;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.VarInt;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.job.BlockCandidate;
import io.poolkit.core.job.BlockVerdict;
import io.poolkit.core.job.TemplateListener;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Blocks built by hand for the embedded chain's tests: from a template's parts, with any one field changed,
 * the merkle root recomputed and the nonce searched again, so exactly one rule is broken.
 */
final class EmbeddedTestBlocks {
    static final byte[] PAYOUT_SCRIPT = Hex.decode("0014ad6176140fefbe31934a237666ef1eb2c5ccd44e");
    static final byte[] EXTRANONCE1 = Hex.decode("0badcafe");
    static final byte[] EXTRANONCE2 = Hex.decode("0000000000000001");
    /** At regtest difficulty half of all nonces pass: 200 tries fail with probability 2^-200. */
    private static final int MAX_NONCE_TRIES = 200;

    private EmbeddedTestBlocks() {}

    /** A coinbase for {@code height} paying {@code valueSats} to the test script, with {@code commitment} (or none). */
    static Transaction coinbase(long height, long valueSats, byte[] commitment) {
        return Coinbase.builder()
                .height(height)
                .poolTag("/test/")
                .extranonceSize(EXTRANONCE1.length, EXTRANONCE2.length)
                .output(PAYOUT_SCRIPT, valueSats)
                .witnessCommitment(commitment)
                .build()
                .transaction(EXTRANONCE1, EXTRANONCE2);
    }

    /** The coinbase the template asks for: its height, its whole value, its witness commitment. */
    static Transaction coinbase(BlockTemplate template) {
        return coinbase(template.height(), template.coinbaseValueSats(), template.witnessCommitmentScript().orElse(null));
    }

    static List<Transaction> transactions(BlockTemplate template) {
        List<Transaction> txs = new ArrayList<>();
        for (TemplateTransaction tx : template.transactions()) {
            txs.add(tx.parse());
        }
        return txs;
    }

    /** The coinbase followed by {@code others}. */
    static List<Transaction> withCoinbase(Transaction coinbase, List<Transaction> others) {
        List<Transaction> txs = new ArrayList<>(others.size() + 1);
        txs.add(coinbase);
        txs.addAll(others);
        return txs;
    }

    /** A solved block of {@code template} with {@code coinbase} and the template's transactions. */
    static Block solved(BlockTemplate template, Transaction coinbase) {
        return solved(template, withCoinbase(coinbase, transactions(template)));
    }

    /** A solved block on the template's parent, bits and time with {@code txs} (coinbase first). */
    static Block solved(BlockTemplate template, List<Transaction> txs) {
        return solved(template.version(), template.previousBlockHash(), template.curTime(), template.bits(), txs);
    }

    /** A block with these header fields, the merkle root of {@code txs}, and a nonce meeting its own nBits. */
    static Block solved(int version, Hash256 prev, long time, int bits, List<Transaction> txs) {
        Hash256 root = MerkleBranch.root(txids(txs));
        return solve(Block.of(BlockHeader.of(version, prev, root, time, bits, 0), txs));
    }

    /** {@code block} with the first nonce from 0 whose hash meets the target of the block's own nBits. */
    static Block solve(Block block) {
        Target target = Target.fromCompact(block.header().bits());
        for (int nonce = 0; nonce < MAX_NONCE_TRIES; nonce++) {
            BlockHeader header = block.header().withNonce(nonce);
            if (target.isMetBy(Sha256d.hash(header.serialize()), 0)) {
                return Block.of(header, block.transactions());
            }
        }
        return fail("no nonce below " + MAX_NONCE_TRIES + " meets " + target);
    }

    /** {@code block} with the first nonce from 0 whose hash misses its target: proof of work fails. */
    static Block unsolve(Block block) {
        Target target = Target.fromCompact(block.header().bits());
        for (int nonce = 0; nonce < MAX_NONCE_TRIES; nonce++) {
            BlockHeader header = block.header().withNonce(nonce);
            if (!target.isMetBy(Sha256d.hash(header.serialize()), 0)) {
                return Block.of(header, block.transactions());
            }
        }
        return fail("every nonce below " + MAX_NONCE_TRIES + " meets " + target);
    }

    /** {@code block} with a new header from these fields, nonce 0; the transactions stay. Solve it next. */
    static Block withHeader(Block block, int version, Hash256 prev, Hash256 merkleRoot, long time, int bits) {
        return Block.of(BlockHeader.of(version, prev, merkleRoot, time, bits, 0), block.transactions());
    }

    /** {@code block} with {@code txs} instead of its transactions, the merkle root recomputed, solved again. */
    static Block withTransactions(Block block, List<Transaction> txs) {
        BlockHeader h = block.header();
        return solved(h.version(), h.prevHash(), h.time(), h.bits(), txs);
    }

    /** {@code tx}'s serialized hex with the first occurrence of {@code from} replaced by {@code to}. */
    static Transaction replaceHex(Transaction tx, String from, String to) {
        String hex = tx.toHex();
        int at = hex.indexOf(from);
        if (at < 0 || at % 2 != 0) {
            return fail("'" + from + "' is not at a byte boundary of " + hex);
        }
        return Transaction.fromHex(hex.substring(0, at) + to + hex.substring(at + from.length()));
    }

    /**
     * A legacy transaction spending {@code prevTxid:index} with an empty scriptSig into one output; with
     * {@code witnessItem}, the segwit form with that single witness item.
     */
    static Transaction spend(Hash256 prevTxid, long index, byte[] outputScript, long valueSats, long lockTime,
                             long sequence, byte[] witnessItem) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeLe(out, 2, 4);
        if (witnessItem != null) {
            out.write(0x00);
            out.write(0x01);
        }
        out.write(1);
        out.writeBytes(prevTxid.internalBytes());
        writeLe(out, index, 4);
        out.write(0); // empty scriptSig
        writeLe(out, sequence, 4);
        out.write(1);
        writeLe(out, valueSats, 8);
        VarInt.write(outputScript.length, out);
        out.writeBytes(outputScript);
        if (witnessItem != null) {
            out.write(1);
            VarInt.write(witnessItem.length, out);
            out.writeBytes(witnessItem);
        }
        writeLe(out, lockTime, 4);
        return Transaction.parse(out.toByteArray());
    }

    private static void writeLe(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)));
        }
    }

    static List<Hash256> txids(List<Transaction> txs) {
        List<Hash256> txids = new ArrayList<>(txs.size());
        for (Transaction tx : txs) {
            txids.add(tx.txid());
        }
        return txids;
    }

    static List<Hash256> wtxids(List<Transaction> nonCoinbase) {
        List<Hash256> wtxids = new ArrayList<>(nonCoinbase.size());
        for (Transaction tx : nonCoinbase) {
            wtxids.add(tx.wtxid());
        }
        return wtxids;
    }

    static BlockCandidate candidate(Block block) {
        return new BlockCandidate(block.hash(), block.height().orElse(0), block.toHex());
    }

    /** Submits and waits (bounded) for the verdict. */
    static BlockVerdict submit(EmbeddedChain chain, Block block) {
        return submitHex(chain, block.toHex());
    }

    static BlockVerdict submitHex(EmbeddedChain chain, String hex) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> chain.submitBlock(new BlockCandidate(Hash256.ZERO, 0, hex)).get());
    }

    static Hash256 randomHash(long seed) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (seed >>> (8 * i));
        }
        return Hash256.fromInternalBytes(Sha256d.hash(bytes));
    }

    /** A template listener that queues what it receives, with the thread it ran on. */
    static final class Recorder implements TemplateListener {
        record Delivery(BlockTemplate template, boolean cleanJobs, String thread) {}

        private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();

        @Override
        public void onTemplate(BlockTemplate template, boolean cleanJobs) {
            deliveries.add(new Delivery(template, cleanJobs, Thread.currentThread().getName()));
        }

        /** The next delivery, waiting at most 10 s. */
        Delivery next() {
            try {
                Delivery next = deliveries.poll(10, TimeUnit.SECONDS);
                return next != null ? next : fail("no template delivered within 10 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted");
            }
        }

        /** Waits (at most 10 s) for the delivery matching {@code cleanJobs} and skips the others. */
        Delivery next(boolean cleanJobs) {
            for (int i = 0; i < 1_000; i++) {
                Delivery next = next();
                if (next.cleanJobs() == cleanJobs) {
                    return next;
                }
            }
            return fail("no delivery with cleanJobs=" + cleanJobs);
        }

        /** What has arrived so far without waiting. */
        List<Delivery> drain() {
            List<Delivery> drained = new ArrayList<>();
            deliveries.drainTo(drained);
            return drained;
        }
    }
}
