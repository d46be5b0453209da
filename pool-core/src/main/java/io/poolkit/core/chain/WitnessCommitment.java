package io.poolkit.core.chain;

import io.poolkit.core.hash.Sha256d;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * BIP141's witness commitment: the coinbase output that commits a block to its transactions' wtxids.
 *
 * <p>{@code commitment = SHA256d(witnessRoot ‖ reservedValue)}, where the witness root is the merkle
 * root of the wtxids with the coinbase's counted as 32 zero bytes, and the reserved value is the
 * coinbase input's single 32-byte witness item (all zero today). The output script is
 * {@code 6a24aa21a9ed} followed by the 32 commitment bytes. Stateless; thread-safe.
 *
 * <pre>{@code
 * byte[] script = WitnessCommitment.scriptFor(nonCoinbaseWtxids);  // what default_witness_commitment holds
 * }</pre>
 */
public final class WitnessCommitment {
    /** The witness reserved value PoolKit writes: 32 zero bytes. */
    private static final byte[] ZERO_RESERVED_VALUE = new byte[32];

    private WitnessCommitment() {}

    /** The witness merkle root for a block whose non-coinbase transactions have {@code nonCoinbaseWtxids}. */
    public static Hash256 witnessRoot(List<Hash256> nonCoinbaseWtxids) {
        List<Hash256> all = new ArrayList<>(nonCoinbaseWtxids.size() + 1);
        all.add(Hash256.ZERO);
        all.addAll(nonCoinbaseWtxids);
        return MerkleBranch.root(all);
    }

    /** SHA256d(witnessRoot ‖ reservedValue); the reserved value must be 32 bytes. */
    public static Hash256 commitment(Hash256 witnessRoot, byte[] reservedValue) {
        if (reservedValue.length != 32) {
            throw new IllegalArgumentException("the witness reserved value is 32 bytes; got " + reservedValue.length);
        }
        byte[] preimage = new byte[64];
        witnessRoot.copyInternalBytes(preimage, 0);
        System.arraycopy(reservedValue, 0, preimage, 32, 32);
        return Hash256.fromInternalBytes(Sha256d.hash(preimage));
    }

    /** The 38-byte output script carrying {@code commitment}. */
    public static byte[] script(Hash256 commitment) {
        byte[] script = Arrays.copyOf(Transaction.WITNESS_COMMITMENT_PREFIX, Transaction.WITNESS_COMMITMENT_SCRIPT_LENGTH);
        commitment.copyInternalBytes(script, Transaction.WITNESS_COMMITMENT_PREFIX.length);
        return script;
    }

    /** The commitment script for these wtxids with the all-zero reserved value, as Bitcoin Core's template has it. */
    public static byte[] scriptFor(List<Hash256> nonCoinbaseWtxids) {
        return script(commitment(witnessRoot(nonCoinbaseWtxids), ZERO_RESERVED_VALUE));
    }

    /**
     * The commitment in {@code script}, if it is a commitment script (at least 38 bytes starting with
     * {@code 6a24aa21a9ed}).
     */
    public static Optional<Hash256> fromScript(byte[] script) {
        if (script.length < Transaction.WITNESS_COMMITMENT_SCRIPT_LENGTH
                || !Arrays.equals(script, 0, 6, Transaction.WITNESS_COMMITMENT_PREFIX, 0, 6)) {
            return Optional.empty();
        }
        return Optional.of(Hash256.fromInternalBytes(script, Transaction.WITNESS_COMMITMENT_PREFIX.length));
    }

    static byte[] zeroReservedValue() {
        return ZERO_RESERVED_VALUE.clone();
    }
}
