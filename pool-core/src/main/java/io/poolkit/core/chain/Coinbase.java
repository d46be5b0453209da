package io.poolkit.core.chain;

import io.poolkit.core.hash.Sha256d;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A coinbase transaction with an empty slot for Stratum's extranonce1 ‖ extranonce2, split around that
 * slot into {@link #coinb1()} and {@link #coinb2()}. Immutable and thread-safe; arrays in and out are
 * copies.
 *
 * <p>Layout of the scriptSig: the BIP34 height ({@code CScript() << height}: OP_1..OP_16 for heights
 * 1..16, a minimal little-endian number push otherwise), then one push of the extranonce slot
 * (its length byte ends coinb1), then the pool tag as a push if there is one. The outputs are the payout
 * outputs in the order given, then the witness commitment (value 0) when there is one. Sequence
 * 0xffffffff and lock time 0 unless set.
 *
 * <p>coinb1 and coinb2 are the legacy (non-witness) serialization: what the txid hashes and what
 * Stratum's {@code mining.notify} sends. A block carries the coinbase in its segwit form, with the
 * 32-zero-byte witness reserved value, when it has a witness commitment: {@link #withWitness}.
 *
 * <pre>{@code
 * Coinbase coinbase = Coinbase.builder()
 *         .forTemplate(template)                 // height, value limit, witness commitment
 *         .poolTag("/PoolKit/")
 *         .extranonceSize(4, 4)
 *         .output(payoutScript, template.coinbaseValueSats())
 *         .build();
 * String coinb1 = Hex.encode(coinbase.coinb1());
 * Hash256 txid = coinbase.txid(extranonce1, extranonce2);
 * }</pre>
 */
public final class Coinbase {
    /** Consensus bounds of a coinbase scriptSig ("bad-cb-length"). */
    public static final int MIN_SCRIPT_SIG_SIZE = 2;
    public static final int MAX_SCRIPT_SIG_SIZE = 100;

    private final long height;
    private final int extranonce1Size;
    private final int extranonce2Size;
    private final byte[] poolTag;
    private final List<TxOutput> outputs;
    private final byte[] witnessCommitmentScript;
    private final byte[] coinb1;
    private final byte[] coinb2;

    private Coinbase(Builder b, List<TxOutput> outputs, byte[] coinb1, byte[] coinb2) {
        this.height = b.height;
        this.extranonce1Size = b.extranonce1Size;
        this.extranonce2Size = b.extranonce2Size;
        this.poolTag = b.poolTag.clone();
        this.outputs = List.copyOf(outputs);
        this.witnessCommitmentScript = b.witnessCommitmentScript == null ? null : b.witnessCommitmentScript.clone();
        this.coinb1 = coinb1;
        this.coinb2 = coinb2;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The height committed under BIP34. */
    public long height() {
        return height;
    }

    public int extranonce1Size() {
        return extranonce1Size;
    }

    public int extranonce2Size() {
        return extranonce2Size;
    }

    /** A copy of the pool tag bytes (empty when none). */
    public byte[] poolTag() {
        return poolTag.clone();
    }

    /** All outputs in order: the payouts, then the witness commitment if any. */
    public List<TxOutput> outputs() {
        return outputs;
    }

    /** The sum of the outputs' values in satoshis (the commitment output is worth 0). */
    public long totalOutputSats() {
        long sum = 0;
        for (TxOutput out : outputs) {
            sum += out.valueSats();
        }
        return sum;
    }

    public boolean hasWitnessCommitment() {
        return witnessCommitmentScript != null;
    }

    /** A copy of the witness commitment output script, if the coinbase has one. */
    public Optional<byte[]> witnessCommitmentScript() {
        return witnessCommitmentScript == null ? Optional.empty() : Optional.of(witnessCommitmentScript.clone());
    }

    /** A copy of the legacy serialization up to the extranonce slot (ends with the slot's push length). */
    public byte[] coinb1() {
        return coinb1.clone();
    }

    /** A copy of the legacy serialization from right after the extranonce slot to the end. */
    public byte[] coinb2() {
        return coinb2.clone();
    }

    public String coinb1Hex() {
        return Hex.encode(coinb1);
    }

    public String coinb2Hex() {
        return Hex.encode(coinb2);
    }

    /** The full legacy serialization: coinb1 ‖ extranonce1 ‖ extranonce2 ‖ coinb2. */
    public byte[] withExtranonce(byte[] extranonce1, byte[] extranonce2) {
        checkExtranonce(extranonce1, extranonce2);
        return Bytes.concat(coinb1, extranonce1, extranonce2, coinb2);
    }

    /**
     * The serialization that goes into a block: with a witness commitment, the BIP144 segwit form whose
     * only witness is the 32-zero-byte reserved value; without one, the same as {@link #withExtranonce}.
     */
    public byte[] withWitness(byte[] extranonce1, byte[] extranonce2) {
        byte[] legacy = withExtranonce(extranonce1, extranonce2);
        if (witnessCommitmentScript == null) {
            return legacy;
        }
        // version ‖ marker, flag ‖ inputs and outputs ‖ witness: 1 item of 32 zero bytes ‖ lock time
        byte[] out = new byte[legacy.length + 2 + 2 + 32];
        System.arraycopy(legacy, 0, out, 0, 4);
        out[4] = 0x00;
        out[5] = 0x01;
        int body = legacy.length - 8;
        System.arraycopy(legacy, 4, out, 6, body);
        int at = 6 + body;
        out[at] = 0x01;
        out[at + 1] = 0x20;
        System.arraycopy(legacy, legacy.length - 4, out, at + 2 + 32, 4);
        return out;
    }

    /** The coinbase's txid with these extranonces: SHA-256d of {@link #withExtranonce}. */
    public Hash256 txid(byte[] extranonce1, byte[] extranonce2) {
        return Hash256.fromInternalBytes(Sha256d.hash(withExtranonce(extranonce1, extranonce2)));
    }

    /** The coinbase as a parsed {@link Transaction}, in its block form ({@link #withWitness}). */
    public Transaction transaction(byte[] extranonce1, byte[] extranonce2) {
        return Transaction.parse(withWitness(extranonce1, extranonce2));
    }

    private void checkExtranonce(byte[] extranonce1, byte[] extranonce2) {
        if (extranonce1.length != extranonce1Size) {
            throw new IllegalArgumentException("extranonce1 must be " + extranonce1Size + " bytes; got "
                    + extranonce1.length + " (" + Hex.encode(extranonce1) + ")");
        }
        if (extranonce2.length != extranonce2Size) {
            throw new IllegalArgumentException("extranonce2 must be " + extranonce2Size + " bytes; got "
                    + extranonce2.length + " (" + Hex.encode(extranonce2) + ")");
        }
    }

    @Override
    public String toString() {
        return "Coinbase[height " + height + ", coinb1 " + coinb1Hex() + ", extranonce " + extranonce1Size + "+"
                + extranonce2Size + ", coinb2 " + coinb2Hex() + "]";
    }

    /**
     * Builds a {@link Coinbase}. Required: {@link #height}, at least one {@link #output}. Defaults:
     * extranonce 4 + 4 bytes, no tag, version 2, sequence 0xffffffff, lock time 0, no value limit, no
     * witness commitment. Not thread-safe: confine to one thread.
     */
    public static final class Builder {
        private long height;
        private boolean heightSet;
        private byte[] poolTag = new byte[0];
        private int extranonce1Size = 4;
        private int extranonce2Size = 4;
        private final List<TxOutput> payouts = new ArrayList<>();
        private byte[] witnessCommitmentScript;
        private long coinbaseValueSats = -1;
        private int version = 2;
        private long sequence = 0xffff_ffffL;
        private long lockTime;

        private Builder() {}

        /** Height, coinbase value limit and witness commitment (if any) from {@code template}. */
        public Builder forTemplate(BlockTemplate template) {
            height(template.height());
            coinbaseValueSats(template.coinbaseValueSats());
            witnessCommitment(template.witnessCommitmentScriptUnsafe());
            return this;
        }

        /** The block height, written first in the scriptSig as BIP34 requires (1..2^31-1). */
        public Builder height(long height) {
            this.height = height;
            this.heightSet = true;
            return this;
        }

        /** Free-form bytes after the extranonce slot, such as {@code "/PoolKit/"} (copied). */
        public Builder poolTag(byte[] tag) {
            this.poolTag = tag.clone();
            return this;
        }

        /** The tag as UTF-8. */
        public Builder poolTag(String tag) {
            return poolTag(tag.getBytes(StandardCharsets.UTF_8));
        }

        /** The sizes of Stratum's extranonce1 (per session) and extranonce2 (the miner's), in bytes. */
        public Builder extranonceSize(int extranonce1Size, int extranonce2Size) {
            this.extranonce1Size = extranonce1Size;
            this.extranonce2Size = extranonce2Size;
            return this;
        }

        /** Adds a payout output; outputs keep the order they were added in. The script is copied. */
        public Builder output(byte[] script, long valueSats) {
            payouts.add(TxOutput.of(script, valueSats));
            return this;
        }

        public Builder output(TxOutput output) {
            payouts.add(Objects.requireNonNull(output, "output"));
            return this;
        }

        /**
         * The witness commitment output script, e.g. the template's {@code default_witness_commitment}; it
         * becomes the last output, worth 0. {@code null} removes it.
         */
        public Builder witnessCommitment(byte[] commitmentScript) {
            this.witnessCommitmentScript = commitmentScript == null ? null : commitmentScript.clone();
            return this;
        }

        /** The most the outputs may claim together (the template's coinbase value); unchecked when unset. */
        public Builder coinbaseValueSats(long coinbaseValueSats) {
            this.coinbaseValueSats = coinbaseValueSats;
            return this;
        }

        public Builder version(int version) {
            this.version = version;
            return this;
        }

        /** nSequence of the coinbase input, unsigned 32-bit. */
        public Builder sequence(long sequence) {
            this.sequence = sequence;
            return this;
        }

        /** nLockTime, unsigned 32-bit. */
        public Builder lockTime(long lockTime) {
            this.lockTime = lockTime;
            return this;
        }

        /** Validates and builds; a failure's message names the bad value. */
        public Coinbase build() {
            if (!heightSet) {
                throw new IllegalArgumentException("coinbase needs a height");
            }
            if (height < 1 || height > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("coinbase height must be 1.." + Integer.MAX_VALUE + ": " + height);
            }
            if (extranonce1Size < 0 || extranonce2Size < 0 || extranonce1Size + extranonce2Size < 1) {
                throw new IllegalArgumentException("extranonce sizes must be >= 0 with at least 1 byte in total: "
                        + extranonce1Size + " + " + extranonce2Size);
            }
            if (payouts.isEmpty()) {
                throw new IllegalArgumentException("coinbase needs at least one payout output");
            }
            checkUint32("sequence", sequence);
            checkUint32("lockTime", lockTime);
            long payoutSum = 0;
            for (TxOutput out : payouts) {
                payoutSum += out.valueSats(); // each <= MAX_MONEY, so no overflow for any realistic count
            }
            if (payoutSum > TxOutput.MAX_MONEY_SATS) {
                throw new IllegalArgumentException("payout outputs sum to more than 21 million BTC: " + payoutSum);
            }
            if (coinbaseValueSats >= 0 && payoutSum > coinbaseValueSats) {
                throw new IllegalArgumentException("payout outputs sum to " + payoutSum
                        + " sats, more than the coinbase value " + coinbaseValueSats + " sats");
            }
            if (witnessCommitmentScript != null && WitnessCommitment.fromScript(witnessCommitmentScript).isEmpty()) {
                throw new IllegalArgumentException("witness commitment script must be >= 38 bytes starting 6a24aa21a9ed: "
                        + Hex.encode(witnessCommitmentScript));
            }

            int slot = extranonce1Size + extranonce2Size;
            if (slot > MAX_SCRIPT_SIG_SIZE || poolTag.length > MAX_SCRIPT_SIG_SIZE) {
                throw new IllegalArgumentException("coinbase scriptSig is at most " + MAX_SCRIPT_SIG_SIZE
                        + " bytes; the extranonce slot is " + slot + " and the pool tag " + poolTag.length);
            }
            byte[] heightPush = Script.heightPush(height);
            byte[] slotPrefix = Script.pushPrefix(slot);
            byte[] tagPush = poolTag.length == 0 ? new byte[0] : Script.push(poolTag);
            int scriptSigLength = heightPush.length + slotPrefix.length + slot + tagPush.length;
            if (scriptSigLength > MAX_SCRIPT_SIG_SIZE) {
                throw new IllegalArgumentException("coinbase scriptSig would be " + scriptSigLength
                        + " bytes (height push " + heightPush.length + ", extranonce slot " + slotPrefix.length + "+"
                        + slot + ", pool tag push " + tagPush.length + "); consensus allows " + MIN_SCRIPT_SIG_SIZE
                        + ".." + MAX_SCRIPT_SIG_SIZE);
            }

            List<TxOutput> outputs = new ArrayList<>(payouts);
            if (witnessCommitmentScript != null) {
                outputs.add(TxOutput.of(witnessCommitmentScript, 0));
            }

            int outputsSize = VarInt.size(outputs.size());
            for (TxOutput out : outputs) {
                outputsSize += out.serializedSize();
            }
            int coinb1Length = 4 + 1 + 32 + 4 + VarInt.size(scriptSigLength) + heightPush.length + slotPrefix.length;
            byte[] coinb1 = new byte[coinb1Length];
            int at = Bytes.putInt32(coinb1, 0, version);
            coinb1[at++] = 1; // one input
            at += 32; // previous txid: all zero
            at = Bytes.putInt32(coinb1, at, (int) TxInput.COINBASE_INDEX);
            at = VarInt.write(scriptSigLength, coinb1, at);
            at = Bytes.put(coinb1, at, heightPush);
            Bytes.put(coinb1, at, slotPrefix);

            byte[] coinb2 = new byte[tagPush.length + 4 + outputsSize + 4];
            at = Bytes.put(coinb2, 0, tagPush);
            at = Bytes.putInt32(coinb2, at, (int) sequence);
            at = VarInt.write(outputs.size(), coinb2, at);
            for (TxOutput out : outputs) {
                at = out.writeTo(coinb2, at);
            }
            Bytes.putInt32(coinb2, at, (int) lockTime);
            return new Coinbase(this, outputs, coinb1, coinb2);
        }

        private static void checkUint32(String field, long value) {
            if (value < 0 || value > 0xffff_ffffL) {
                throw new IllegalArgumentException(field + " must fit in 32 unsigned bits: " + value);
            }
        }
    }
}
