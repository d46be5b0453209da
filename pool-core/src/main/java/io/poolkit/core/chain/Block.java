package io.poolkit.core.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A full block: its header and its transactions, the first of which is the coinbase. Immutable and
 * thread-safe.
 *
 * <p>Parsing checks structure only (lengths, varints, trailing bytes), not consensus: the merkle root,
 * proof of work and witness commitment can be recomputed with {@link #computeMerkleRoot()},
 * {@link #computeWitnessCommitment()} and the header's hash.
 *
 * <pre>{@code
 * Block block = Block.fromHex(submitblockHex);
 * boolean rootOk = block.computeMerkleRoot().equals(block.header().merkleRoot());
 * long height = block.height().orElseThrow();
 * }</pre>
 */
public final class Block {
    /** A serialized block cannot exceed the weight limit's 4,000,000 bytes. */
    public static final int MAX_SIZE = 4_000_000;

    /** The smallest possible transaction: version, one input with empty script, no outputs, lock time. */
    private static final int MIN_TRANSACTION_BYTES = 4 + 1 + 41 + 1 + 4;

    private final BlockHeader header;
    private final List<Transaction> transactions;

    private Block(BlockHeader header, List<Transaction> transactions) {
        this.header = header;
        this.transactions = transactions;
    }

    /** A block from a header and its transactions (coinbase first); at least one transaction. */
    public static Block of(BlockHeader header, List<Transaction> transactions) {
        Objects.requireNonNull(header, "header");
        if (transactions.isEmpty()) {
            throw new IllegalArgumentException("a block has at least one transaction (the coinbase)");
        }
        return new Block(header, List.copyOf(transactions));
    }

    /**
     * Parses a serialized block that fills {@code serialized} exactly. Throws {@link IllegalArgumentException}
     * naming the field and offset for truncated, oversized or trailing input and for bad varints.
     */
    public static Block parse(byte[] serialized) {
        if (serialized.length > MAX_SIZE) {
            throw new IllegalArgumentException("oversized block: " + serialized.length + " bytes, the limit is "
                    + MAX_SIZE);
        }
        ByteReader reader = new ByteReader(serialized, "block");
        BlockHeader header = BlockHeader.read(reader);
        int count = reader.count("transaction count", MIN_TRANSACTION_BYTES);
        if (count == 0) {
            throw reader.error("a block has at least one transaction (the coinbase); the count is 0");
        }
        List<Transaction> transactions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            transactions.add(Transaction.read(reader, "tx " + i));
        }
        reader.requireEnd();
        return new Block(header, List.copyOf(transactions));
    }

    /** Parses the hex of a serialized block, as {@code getblock <hash> 0} returns and {@code submitblock} takes. */
    public static Block fromHex(String hex) {
        return parse(Hex.decode(hex));
    }

    public BlockHeader header() {
        return header;
    }

    /** All transactions, coinbase first (unmodifiable). */
    public List<Transaction> transactions() {
        return transactions;
    }

    /** The first transaction. Whether it really is a coinbase: {@code coinbase().isCoinbase()}. */
    public Transaction coinbase() {
        return transactions.get(0);
    }

    /** The block hash (the header's SHA-256d). */
    public Hash256 hash() {
        return header.hash();
    }

    /** The height the coinbase commits to under BIP34; see {@link Transaction#bip34Height()}. */
    public OptionalLong height() {
        return coinbase().bip34Height();
    }

    /** The merkle root of the transactions' txids, recomputed (compare with {@code header().merkleRoot()}). */
    public Hash256 computeMerkleRoot() {
        return MerkleBranch.root(txids());
    }

    /**
     * The BIP141 commitment recomputed from the wtxids (the coinbase's counted as zero) and the
     * coinbase's witness reserved value; empty when the coinbase has no reserved value. Compare with
     * {@code coinbase().witnessCommitment()}.
     */
    public Optional<Hash256> computeWitnessCommitment() {
        Optional<byte[]> reserved = coinbase().witnessReservedValue();
        if (reserved.isEmpty()) {
            return Optional.empty();
        }
        List<Hash256> wtxids = new ArrayList<>(transactions.size() - 1);
        for (int i = 1; i < transactions.size(); i++) {
            wtxids.add(transactions.get(i).wtxid());
        }
        return Optional.of(WitnessCommitment.commitment(WitnessCommitment.witnessRoot(wtxids), reserved.get()));
    }

    /** The txids in block order. */
    public List<Hash256> txids() {
        List<Hash256> txids = new ArrayList<>(transactions.size());
        for (Transaction tx : transactions) {
            txids.add(tx.txid());
        }
        return List.copyOf(txids);
    }

    /** The serialized block: header, transaction count, transactions in their parsed (segwit) form. */
    public byte[] serialize() {
        int size = size();
        byte[] out = new byte[size];
        int at = header.writeTo(out, 0);
        at = VarInt.write(transactions.size(), out, at);
        for (Transaction tx : transactions) {
            at = Bytes.put(out, at, tx.rawUnsafe());
        }
        return out;
    }

    /** The serialized block as hex, ready for {@code submitblock}. */
    public String toHex() {
        return Hex.encode(serialize());
    }

    /** The serialized size in bytes. */
    public int size() {
        int size = BlockHeader.SIZE + VarInt.size(transactions.size());
        for (Transaction tx : transactions) {
            size += tx.size();
        }
        return size;
    }

    /** BIP141 block weight: three times the size without witness data plus the full size. */
    public int weight() {
        int stripped = BlockHeader.SIZE + VarInt.size(transactions.size());
        for (Transaction tx : transactions) {
            stripped += tx.strippedSize();
        }
        return 3 * stripped + size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Block other && header.equals(other.header) && transactions.equals(other.transactions);
    }

    @Override
    public int hashCode() {
        return header.hashCode();
    }

    @Override
    public String toString() {
        return "Block[" + hash() + ", " + transactions.size() + " transactions]";
    }
}
