package io.poolkit.core.chain;

import io.poolkit.core.hash.Sha256d;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A parsed Bitcoin transaction: version, inputs (with their witness stacks), outputs and lock time,
 * with its txid and wtxid. Immutable and thread-safe; arrays in and out are copies.
 *
 * <p>Both serializations are kept exact: {@link #serialize()} gives back the bytes that were parsed
 * (the BIP144 segwit form when the transaction has witness data), {@link #serializeWithoutWitness()}
 * the legacy form that the txid hashes.
 *
 * <pre>{@code
 * Transaction tx = Transaction.fromHex(rawHex);
 * Hash256 txid = tx.txid();      // display with txid.displayHex()
 * boolean coinbase = tx.isCoinbase();
 * }</pre>
 */
public final class Transaction {
    /** No transaction can be larger than a block's weight limit allows (4,000,000 bytes). */
    public static final int MAX_SIZE = 4_000_000;

    /** The script prefix of a BIP141 witness commitment output: OP_RETURN, push 36, 0xaa21a9ed. */
    static final byte[] WITNESS_COMMITMENT_PREFIX = {0x6a, 0x24, (byte) 0xaa, 0x21, (byte) 0xa9, (byte) 0xed};
    /** BIP141's MINIMUM_WITNESS_COMMITMENT: the prefix plus the 32-byte commitment. */
    static final int WITNESS_COMMITMENT_SCRIPT_LENGTH = 38;

    private static final int MIN_INPUT_BYTES = 32 + 4 + 1 + 4;
    private static final int MIN_OUTPUT_BYTES = 8 + 1;

    private final byte[] raw;
    private final int version;
    private final List<TxInput> inputs;
    private final List<TxOutput> outputs;
    private final long lockTime;
    private final boolean witness;
    private final int bodyStart;
    private final int bodyEnd;
    private final Hash256 txid;
    private final Hash256 wtxid;

    private Transaction(byte[] raw, int version, List<TxInput> inputs, List<TxOutput> outputs, long lockTime,
                        boolean witness, int bodyStart, int bodyEnd) {
        this.raw = raw;
        this.version = version;
        this.inputs = inputs;
        this.outputs = outputs;
        this.lockTime = lockTime;
        this.witness = witness;
        this.bodyStart = bodyStart;
        this.bodyEnd = bodyEnd;
        this.txid = Hash256.fromInternalBytes(Sha256d.hash(witness ? stripped() : raw));
        this.wtxid = witness ? Hash256.fromInternalBytes(Sha256d.hash(raw)) : txid;
    }

    /**
     * Parses one transaction that fills {@code serialized} exactly, in either the legacy or the BIP144
     * segwit form. Throws {@link IllegalArgumentException} naming the field and offset when the input is
     * truncated, oversized, has trailing bytes or a non-canonical varint.
     */
    public static Transaction parse(byte[] serialized) {
        if (serialized.length > MAX_SIZE) {
            throw new IllegalArgumentException("oversized transaction: " + serialized.length + " bytes, the limit is "
                    + MAX_SIZE);
        }
        ByteReader reader = new ByteReader(serialized, "transaction");
        Transaction tx = read(reader, "transaction");
        reader.requireEnd();
        return tx;
    }

    /** Parses the hex of one serialized transaction (as {@code getrawtransaction} or a template gives it). */
    public static Transaction fromHex(String hex) {
        return parse(Hex.decode(hex));
    }

    /** Reads one transaction at the reader's position; {@code label} names it in errors ("tx 12"). */
    static Transaction read(ByteReader reader, String label) {
        int start = reader.position();
        int version = reader.int32(label + " version");
        boolean witness = false;
        if (reader.peek(0) == 0x00) {
            // A zero input count is the BIP144 marker; the flag after it must be 1.
            int flag = reader.peek(1);
            if (flag != 0x01) {
                reader.skip(1, label + " segwit marker");
                throw reader.error(label + " has the segwit marker but flag "
                        + (flag < 0 ? "<missing>" : String.format("0x%02x", flag)) + "; only 0x01 is defined");
            }
            reader.skip(2, label + " segwit marker and flag");
            witness = true;
        }
        int bodyStart = reader.position() - start;
        int inputCount = reader.count(label + " input count", MIN_INPUT_BYTES);
        if (inputCount == 0) {
            throw reader.error(label + " has no inputs");
        }
        Hash256[] prevTxids = new Hash256[inputCount];
        long[] prevIndexes = new long[inputCount];
        byte[][] scriptSigs = new byte[inputCount][];
        long[] sequences = new long[inputCount];
        for (int i = 0; i < inputCount; i++) {
            String in = label + " input " + i;
            prevTxids[i] = reader.hash(in + " previous txid");
            prevIndexes[i] = reader.uint32(in + " previous output index");
            scriptSigs[i] = reader.varBytes(in + " scriptSig");
            sequences[i] = reader.uint32(in + " sequence");
        }
        int outputCount = reader.count(label + " output count", MIN_OUTPUT_BYTES);
        List<TxOutput> outputs = new ArrayList<>(outputCount);
        for (int i = 0; i < outputCount; i++) {
            String out = label + " output " + i;
            long value = reader.int64(out + " value");
            outputs.add(TxOutput.owned(value, reader.varBytes(out + " script")));
        }
        int bodyEnd = reader.position() - start;
        byte[][][] stacks = new byte[inputCount][][];
        boolean anyWitness = false;
        for (int i = 0; i < inputCount; i++) {
            if (!witness) {
                stacks[i] = new byte[0][];
                continue;
            }
            int items = reader.count(label + " input " + i + " witness item count", 1);
            stacks[i] = new byte[items][];
            for (int k = 0; k < items; k++) {
                stacks[i][k] = reader.varBytes(label + " input " + i + " witness item " + k);
            }
            anyWitness |= items > 0;
        }
        if (witness && !anyWitness) {
            // Bitcoin Core refuses this too ("Superfluous witness record"): the legacy form is the only one.
            throw reader.error(label + " has the segwit marker but every witness stack is empty");
        }
        long lockTime = reader.uint32(label + " lock time");
        List<TxInput> inputs = new ArrayList<>(inputCount);
        for (int i = 0; i < inputCount; i++) {
            inputs.add(new TxInput(prevTxids[i], prevIndexes[i], scriptSigs[i], sequences[i], stacks[i]));
        }
        byte[] raw = Arrays.copyOfRange(reader.data(), start, reader.position());
        return new Transaction(raw, version, List.copyOf(inputs), List.copyOf(outputs), lockTime, witness,
                bodyStart, bodyEnd);
    }

    /** nVersion (signed 32-bit as serialized). */
    public int version() {
        return version;
    }

    public List<TxInput> inputs() {
        return inputs;
    }

    public List<TxOutput> outputs() {
        return outputs;
    }

    /** nLockTime, unsigned 32-bit as a long. */
    public long lockTime() {
        return lockTime;
    }

    /** True when the transaction was serialized with BIP144 witness data. */
    public boolean hasWitness() {
        return witness;
    }

    /** The hash of the legacy serialization (internal byte order; {@code displayHex()} is what explorers show). */
    public Hash256 txid() {
        return txid;
    }

    /**
     * The hash of the full serialization including witness (BIP141); equal to {@link #txid()} without
     * witness data. Note the witness merkle tree uses all zeros in place of the coinbase's wtxid.
     */
    public Hash256 wtxid() {
        return wtxid;
    }

    /** A copy of the bytes this transaction was parsed from: the segwit form when it has witness data. */
    public byte[] serialize() {
        return raw.clone();
    }

    /** The legacy serialization, without marker, flag and witness: what the txid hashes. */
    public byte[] serializeWithoutWitness() {
        return witness ? stripped() : raw.clone();
    }

    public String toHex() {
        return Hex.encode(raw);
    }

    /** Size in bytes of {@link #serialize()}. */
    public int size() {
        return raw.length;
    }

    /** Size in bytes of {@link #serializeWithoutWitness()}. */
    public int strippedSize() {
        return witness ? 4 + (bodyEnd - bodyStart) + 4 : raw.length;
    }

    /** BIP141 weight: three times the stripped size plus the full size. */
    public int weight() {
        return 3 * strippedSize() + size();
    }

    /** True for a coinbase: one input that spends output 0xffffffff of the all-zero txid. */
    public boolean isCoinbase() {
        if (inputs.size() != 1) {
            return false;
        }
        TxInput in = inputs.get(0);
        return in.previousOutputIndex() == TxInput.COINBASE_INDEX && in.previousTxid().equals(Hash256.ZERO);
    }

    /**
     * The block height a coinbase commits to under BIP34: its scriptSig must begin with exactly
     * {@code CScript() << height}, which Bitcoin Core writes as OP_1..OP_16 for heights 1 to 16 and as a
     * minimal little-endian number push otherwise. Empty when this is not a coinbase or its scriptSig
     * does not start that way. Only meaningful once BIP34 is active (mainnet height 227,931, testnet
     * 21,111, regtest from height 1): older coinbases start with arbitrary data.
     */
    public OptionalLong bip34Height() {
        if (!isCoinbase()) {
            return OptionalLong.empty();
        }
        return Script.readHeight(inputs.get(0).scriptSigUnsafe());
    }

    /**
     * The BIP141 witness commitment of a coinbase: the 32 bytes after {@code 6a24aa21a9ed} in the last
     * output whose script starts with them and is at least 38 bytes long, as they appear in the script
     * (so {@code internalBytes()} are the script's bytes). Empty for a non-coinbase or without one.
     */
    public Optional<Hash256> witnessCommitment() {
        if (!isCoinbase()) {
            return Optional.empty();
        }
        for (int i = outputs.size() - 1; i >= 0; i--) {
            TxOutput out = outputs.get(i);
            if (out.scriptLength() >= WITNESS_COMMITMENT_SCRIPT_LENGTH
                    && out.scriptStartsWith(WITNESS_COMMITMENT_PREFIX)) {
                return Optional.of(Hash256.fromInternalBytes(out.scriptUnsafe(), WITNESS_COMMITMENT_PREFIX.length));
            }
        }
        return Optional.empty();
    }

    /**
     * A copy of a coinbase's witness reserved value: the single 32-byte item of its input's witness
     * stack (BIP141). Empty for a non-coinbase or when the stack is not exactly one 32-byte item.
     */
    public Optional<byte[]> witnessReservedValue() {
        if (!isCoinbase()) {
            return Optional.empty();
        }
        byte[][] stack = inputs.get(0).witnessUnsafe();
        if (stack.length != 1 || stack[0].length != 32) {
            return Optional.empty();
        }
        return Optional.of(stack[0].clone());
    }

    /** The sum of the outputs' values in satoshis. */
    public long totalOutputSats() {
        long sum = 0;
        for (TxOutput out : outputs) {
            sum = Math.addExact(sum, out.valueSats());
        }
        return sum;
    }

    byte[] rawUnsafe() {
        return raw;
    }

    private byte[] stripped() {
        int bodyLength = bodyEnd - bodyStart;
        byte[] out = new byte[4 + bodyLength + 4];
        System.arraycopy(raw, 0, out, 0, 4);
        System.arraycopy(raw, bodyStart, out, 4, bodyLength);
        System.arraycopy(raw, raw.length - 4, out, 4 + bodyLength, 4);
        return out;
    }

    /** Equal when the serialized bytes are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Transaction other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return wtxid.hashCode();
    }

    @Override
    public String toString() {
        return "Transaction[" + txid + ", " + inputs.size() + " in, " + outputs.size() + " out"
                + (witness ? ", witness" : "") + "]";
    }
}
