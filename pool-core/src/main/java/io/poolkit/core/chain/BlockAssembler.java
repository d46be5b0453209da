package io.poolkit.core.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts a template, its coinbase (with the extranonces a miner used) and a header together into the
 * complete serialized block that {@code submitblock} takes. Immutable and thread-safe.
 *
 * <p>Built once per job: {@link #of} checks that the coinbase fits the template (height, value, witness
 * commitment recomputed from the template's wtxids), computes the coinbase's merkle branch and
 * concatenates the template's transactions. A block then costs one coinbase hash and a copy.
 * The coinbase goes into the block in its segwit form, with the 32-zero-byte witness reserved value,
 * when it carries a witness commitment.
 *
 * <pre>{@code
 * BlockAssembler assembler = BlockAssembler.of(template, coinbase);
 * BlockHeader header = assembler.header(version, ntime, nonce, extranonce1, extranonce2);
 * String submitblockHex = assembler.assembleHex(header, extranonce1, extranonce2);
 * }</pre>
 */
public final class BlockAssembler {
    private final BlockTemplate template;
    private final Coinbase coinbase;
    private final MerkleBranch branch;
    private final byte[] transactionBytes;
    private final int transactionCount;

    private BlockAssembler(BlockTemplate template, Coinbase coinbase, MerkleBranch branch, byte[] transactionBytes) {
        this.template = template;
        this.coinbase = coinbase;
        this.branch = branch;
        this.transactionBytes = transactionBytes;
        this.transactionCount = 1 + template.transactions().size();
    }

    /**
     * An assembler for blocks of {@code template} with {@code coinbase}. Throws
     * {@link IllegalArgumentException} when the coinbase's height differs from the template's, its outputs
     * claim more than the coinbase value, or its witness commitment is missing (while a template
     * transaction has witness data) or does not commit to the template's wtxids.
     */
    public static BlockAssembler of(BlockTemplate template, Coinbase coinbase) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(coinbase, "coinbase");
        if (coinbase.height() != template.height()) {
            throw new IllegalArgumentException("coinbase height " + coinbase.height() + " differs from the template's "
                    + template.height());
        }
        if (coinbase.totalOutputSats() > template.coinbaseValueSats()) {
            throw new IllegalArgumentException("coinbase outputs claim " + coinbase.totalOutputSats()
                    + " sats, more than the template's coinbase value " + template.coinbaseValueSats() + " sats");
        }
        List<Hash256> txids = new ArrayList<>(template.transactions().size());
        List<Hash256> wtxids = new ArrayList<>(template.transactions().size());
        boolean anyWitness = false;
        int size = 0;
        for (TemplateTransaction tx : template.transactions()) {
            txids.add(tx.txid());
            wtxids.add(tx.wtxid());
            anyWitness |= tx.hasWitness();
            size = Math.addExact(size, tx.size());
        }
        if (coinbase.hasWitnessCommitment()) {
            Hash256 expected = WitnessCommitment.fromScript(WitnessCommitment.scriptFor(wtxids)).orElseThrow();
            Hash256 actual = WitnessCommitment.fromScript(coinbase.witnessCommitmentScript().orElseThrow()).orElseThrow();
            if (!expected.equals(actual)) {
                throw new IllegalArgumentException("coinbase witness commitment " + actual.internalHex()
                        + " does not commit to the template's wtxids (expected " + expected.internalHex() + ")");
            }
        } else if (anyWitness) {
            throw new IllegalArgumentException("the template has transactions with witness data, so the coinbase needs "
                    + "the witness commitment (template.witnessCommitmentScript())");
        }
        byte[] transactionBytes = new byte[size];
        int at = 0;
        for (TemplateTransaction tx : template.transactions()) {
            at = Bytes.put(transactionBytes, at, tx.dataUnsafe());
        }
        return new BlockAssembler(template, coinbase, MerkleBranch.forCoinbase(txids), transactionBytes);
    }

    public BlockTemplate template() {
        return template;
    }

    public Coinbase coinbase() {
        return coinbase;
    }

    /** The coinbase's merkle branch for this template (Stratum's {@code merkle_branch}). */
    public MerkleBranch merkleBranch() {
        return branch;
    }

    /** The merkle root when the coinbase carries these extranonces. */
    public Hash256 merkleRoot(byte[] extranonce1, byte[] extranonce2) {
        return branch.rootFrom(coinbase.txid(extranonce1, extranonce2));
    }

    /**
     * The header for these fields: previous hash and bits from the template, merkle root from the
     * coinbase with these extranonces. {@code timeSeconds} is unsigned 32-bit.
     */
    public BlockHeader header(int version, long timeSeconds, int nonce, byte[] extranonce1, byte[] extranonce2) {
        return BlockHeader.of(version, template.previousBlockHash(), merkleRoot(extranonce1, extranonce2),
                timeSeconds, template.bits(), nonce);
    }

    /**
     * The serialized block: {@code header}, transaction count, coinbase (segwit form when it has a witness
     * commitment), then the template's transactions in order. Throws {@link IllegalArgumentException}
     * when the header's previous hash, bits or merkle root do not belong to this template and coinbase.
     */
    public byte[] assemble(BlockHeader header, byte[] extranonce1, byte[] extranonce2) {
        if (!header.prevHash().equals(template.previousBlockHash())) {
            throw new IllegalArgumentException("header builds on " + header.prevHash() + ", the template on "
                    + template.previousBlockHash());
        }
        if (header.bits() != template.bits()) {
            throw new IllegalArgumentException(String.format("header bits %08x differ from the template's %08x",
                    header.bits(), template.bits()));
        }
        Hash256 root = merkleRoot(extranonce1, extranonce2);
        if (!header.merkleRoot().equals(root)) {
            throw new IllegalArgumentException("header merkle root " + header.merkleRoot()
                    + " is not this coinbase's with these extranonces (" + root + ")");
        }
        byte[] coinbaseBytes = coinbase.withWitness(extranonce1, extranonce2);
        byte[] block = new byte[BlockHeader.SIZE + VarInt.size(transactionCount) + coinbaseBytes.length
                + transactionBytes.length];
        int at = header.writeTo(block, 0);
        at = VarInt.write(transactionCount, block, at);
        at = Bytes.put(block, at, coinbaseBytes);
        Bytes.put(block, at, transactionBytes);
        return block;
    }

    /** {@link #assemble(BlockHeader, byte[], byte[])} with the header made by {@link #header}. */
    public byte[] assemble(int version, long timeSeconds, int nonce, byte[] extranonce1, byte[] extranonce2) {
        return assemble(header(version, timeSeconds, nonce, extranonce1, extranonce2), extranonce1, extranonce2);
    }

    /** The block as hex, ready for {@code submitblock}. */
    public String assembleHex(BlockHeader header, byte[] extranonce1, byte[] extranonce2) {
        return Hex.encode(assemble(header, extranonce1, extranonce2));
    }
}
