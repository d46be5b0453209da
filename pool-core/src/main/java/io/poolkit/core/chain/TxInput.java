package io.poolkit.core.chain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One input of a transaction: the output it spends, its unlocking script, sequence and witness
 * stack. Immutable and thread-safe; every array handed out is a copy.
 */
public final class TxInput {
    /** The output index a coinbase input names: 0xffffffff. */
    public static final long COINBASE_INDEX = 0xffff_ffffL;

    private final Hash256 previousTxid;
    private final long previousOutputIndex;
    private final byte[] scriptSig;
    private final long sequence;
    private final byte[][] witness;

    TxInput(Hash256 previousTxid, long previousOutputIndex, byte[] scriptSig, long sequence, byte[][] witness) {
        this.previousTxid = previousTxid;
        this.previousOutputIndex = previousOutputIndex;
        this.scriptSig = scriptSig;
        this.sequence = sequence;
        this.witness = witness;
    }

    /** The txid of the transaction whose output this spends (all zero for a coinbase). */
    public Hash256 previousTxid() {
        return previousTxid;
    }

    /** The index of the spent output, unsigned 32-bit as a long ({@link #COINBASE_INDEX} for a coinbase). */
    public long previousOutputIndex() {
        return previousOutputIndex;
    }

    /** A copy of the unlocking script; in a coinbase, the free-form data that starts with the BIP34 height. */
    public byte[] scriptSig() {
        return scriptSig.clone();
    }

    public String scriptSigHex() {
        return Hex.encode(scriptSig);
    }

    /** nSequence, unsigned 32-bit as a long. */
    public long sequence() {
        return sequence;
    }

    /** The number of items on this input's witness stack (0 when it has none). */
    public int witnessSize() {
        return witness.length;
    }

    /** A copy of witness item {@code i}. */
    public byte[] witnessItem(int i) {
        return witness[i].clone();
    }

    /** Copies of the witness items, bottom of the stack first. */
    public List<byte[]> witness() {
        List<byte[]> items = new ArrayList<>(witness.length);
        for (byte[] item : witness) {
            items.add(item.clone());
        }
        return List.copyOf(items);
    }

    byte[] scriptSigUnsafe() {
        return scriptSig;
    }

    byte[][] witnessUnsafe() {
        return witness;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TxInput other
                && previousTxid.equals(other.previousTxid)
                && previousOutputIndex == other.previousOutputIndex
                && sequence == other.sequence
                && Arrays.equals(scriptSig, other.scriptSig)
                && Arrays.deepEquals(witness, other.witness);
    }

    @Override
    public int hashCode() {
        return (previousTxid.hashCode() * 31 + Long.hashCode(previousOutputIndex)) * 31 + Arrays.hashCode(scriptSig);
    }

    @Override
    public String toString() {
        return "TxInput[" + previousTxid + ":" + previousOutputIndex + "]";
    }
}
