package io.poolkit.core.node;

import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.VarInt;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;

/**
 * Makes the embedded chain's filler transactions: well-formed spends of made-up outputs, alternating a
 * legacy P2PKH spend and a segwit v0 P2WPKH spend (so templates carry witness data and the witness
 * commitment matters), each paying a fee of 1 to 25 sat/vB.
 *
 * <p>The signatures and keys are random bytes shaped like DER signatures and compressed keys: nothing
 * checks them, since the embedded chain runs no scripts. Deterministic for a seed.
 *
 * <p>Not thread-safe: the chain calls it under its lock.
 */
final class SyntheticTransactions {
    private static final int VERSION = 2;
    /** Opts in to replace-by-fee, as Bitcoin Core's wallet does. */
    private static final long SEQUENCE = 0xffff_fffdL;
    private static final int SIGNATURE_LENGTH = 71;
    private static final int PUBKEY_LENGTH = 33;

    private final SplittableRandom random;
    private long made;

    SyntheticTransactions(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next transaction: even-numbered ones are legacy, odd-numbered ones segwit. */
    MempoolEntry next() {
        boolean segwit = made++ % 2 == 1;
        Transaction tx = Transaction.parse(segwit ? segwitSpend() : legacySpend());
        long vsize = (tx.weight() + 3) / 4;
        long feeRate = 1 + random.nextInt(25);
        return MempoolEntry.of(tx, vsize * feeRate);
    }

    private byte[] legacySpend() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        writeInt32(out, VERSION);
        VarInt.write(1, out);
        writeOutpoint(out);
        ByteArrayOutputStream scriptSig = new ByteArrayOutputStream(SIGNATURE_LENGTH + PUBKEY_LENGTH + 2);
        scriptSig.write(SIGNATURE_LENGTH);
        scriptSig.writeBytes(signature());
        scriptSig.write(PUBKEY_LENGTH);
        scriptSig.writeBytes(pubkey());
        writeVarBytes(out, scriptSig.toByteArray());
        writeInt32(out, (int) SEQUENCE);
        writeOutputs(out);
        writeInt32(out, 0);
        return out.toByteArray();
    }

    private byte[] segwitSpend() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        writeInt32(out, VERSION);
        out.write(0x00); // BIP144 marker
        out.write(0x01); // and flag
        VarInt.write(1, out);
        writeOutpoint(out);
        VarInt.write(0, out); // empty scriptSig: the witness unlocks a P2WPKH output
        writeInt32(out, (int) SEQUENCE);
        writeOutputs(out);
        VarInt.write(2, out);
        writeVarBytes(out, signature());
        writeVarBytes(out, pubkey());
        writeInt32(out, 0);
        return out.toByteArray();
    }

    private void writeOutpoint(ByteArrayOutputStream out) {
        out.writeBytes(randomBytes(32));
        writeInt32(out, random.nextInt(4));
    }

    /** A P2WPKH payment and a P2PKH change output. */
    private void writeOutputs(ByteArrayOutputStream out) {
        VarInt.write(2, out);
        writeInt64(out, 10_000 + random.nextLong(100_000_000L));
        byte[] p2wpkh = new byte[22];
        p2wpkh[0] = 0x00;
        p2wpkh[1] = 0x14;
        System.arraycopy(randomBytes(20), 0, p2wpkh, 2, 20);
        writeVarBytes(out, p2wpkh);
        writeInt64(out, 10_000 + random.nextLong(100_000_000L));
        byte[] p2pkh = new byte[25];
        p2pkh[0] = 0x76; // OP_DUP
        p2pkh[1] = (byte) 0xa9; // OP_HASH160
        p2pkh[2] = 0x14;
        System.arraycopy(randomBytes(20), 0, p2pkh, 3, 20);
        p2pkh[23] = (byte) 0x88; // OP_EQUALVERIFY
        p2pkh[24] = (byte) 0xac; // OP_CHECKSIG
        writeVarBytes(out, p2pkh);
    }

    /** DER: 30 44 02 20 r 02 20 s, then SIGHASH_ALL. */
    private byte[] signature() {
        byte[] sig = new byte[SIGNATURE_LENGTH];
        sig[0] = 0x30;
        sig[1] = 0x44;
        sig[2] = 0x02;
        sig[3] = 0x20;
        System.arraycopy(randomBytes(32), 0, sig, 4, 32);
        sig[4] &= 0x7f; // a positive r needs no padding byte
        sig[36] = 0x02;
        sig[37] = 0x20;
        System.arraycopy(randomBytes(32), 0, sig, 38, 32);
        sig[38] &= 0x7f;
        sig[70] = 0x01;
        return sig;
    }

    private byte[] pubkey() {
        byte[] key = randomBytes(PUBKEY_LENGTH);
        key[0] = (byte) (random.nextBoolean() ? 0x02 : 0x03);
        return key;
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void writeVarBytes(ByteArrayOutputStream out, byte[] bytes) {
        VarInt.write(bytes.length, out);
        out.writeBytes(bytes);
    }

    private static void writeInt32(ByteArrayOutputStream out, int value) {
        for (int i = 0; i < 4; i++) {
            out.write(value >>> (8 * i));
        }
    }

    private static void writeInt64(ByteArrayOutputStream out, long value) {
        writeInt32(out, (int) value);
        writeInt32(out, (int) (value >>> 32));
    }
}
