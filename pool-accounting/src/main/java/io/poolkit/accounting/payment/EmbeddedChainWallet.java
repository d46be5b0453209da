package io.poolkit.accounting.payment;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.Hash256;
import io.poolkit.core.chain.Hex;
import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.TxOutput;
import io.poolkit.core.chain.VarInt;
import io.poolkit.core.hash.Sha256d;
import io.poolkit.core.node.EmbeddedChain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Wallet} that pays through an {@link EmbeddedChain}: each payment is a real transaction with one
 * output per address and an {@code OP_RETURN} output carrying the idempotency key, put into the chain's
 * mempool with {@link EmbeddedChain#submitTransaction}, so the next block confirms it. For the demo pool and
 * for tests.
 *
 * <pre>{@code
 * EmbeddedChainWallet wallet = EmbeddedChainWallet.builder(chain)
 *         .journal(Path.of("poolkit-data/wallet.journal"))   // optional: remembers payments across restarts
 *         .build();
 * String txid = wallet.sendMany(Map.of("bcrt1q...", 150_000L), "poolkit-pay-7f3a...");
 * chain.transactionConfirmations(Hash256.fromDisplayHex(txid));   // 0 in the mempool, 1 after a block
 * }</pre>
 *
 * <p>The embedded chain keeps no UTXO set and runs no scripts, so the transaction's single input spends a
 * made-up outpoint (derived from the key and a counter) and the fee is stated, {@code vsize × feeRate}.
 * Everything else is what a real wallet would send: a version 2 transaction, outputs to the addresses'
 * scripts of the chain's network, and the key in {@code OP_RETURN} where anyone reading the chain finds it.
 *
 * <p>Like a real wallet it does not deduplicate: sending twice with one key makes two transactions, and
 * {@link #findPayment} names the first. With a journal, each payment is forced to disk before
 * {@link #sendMany} returns, and a wallet opened on the same journal finds it again; a line cut short by a
 * crash is a send that never returned, so it is ignored. Thread-safe.
 */
public final class EmbeddedChainWallet implements Wallet {
    /** Bitcoin Core's standard limit on the data an {@code OP_RETURN} output carries. */
    public static final int MAX_KEY_BYTES = 80;

    private static final byte OP_RETURN = 0x6a;
    private static final byte OP_PUSHDATA1 = 0x4c;
    private static final int VERSION = 2;
    /** Opts in to replace-by-fee, as Bitcoin Core's wallet does. */
    private static final int SEQUENCE = 0xffff_fffd;

    private final EmbeddedChain chain;
    private final long feeRate;
    private final WalletJournal journal; // null: payments are not remembered across restarts
    private final Map<String, String> txidByKey = new LinkedHashMap<>();
    private long sent;

    private EmbeddedChainWallet(Builder b) {
        this.chain = b.chain;
        this.feeRate = b.feeRate;
        this.journal = b.journal == null ? null : new WalletJournal(b.journal);
    }

    /** A builder for a wallet paying through {@code chain}. */
    public static Builder builder(EmbeddedChain chain) {
        return new Builder(chain);
    }

    @Override
    public synchronized String sendMany(Map<String, Long> satsByAddress, String idempotencyKey) {
        Objects.requireNonNull(satsByAddress, "satsByAddress");
        byte[] key = keyBytes(idempotencyKey);
        if (satsByAddress.isEmpty()) {
            throw new WalletException("a payment needs at least one address; got none", true);
        }
        long total = 0;
        ByteArrayOutputStream outputs = new ByteArrayOutputStream();
        VarInt.write(satsByAddress.size() + 1L, outputs);
        for (Map.Entry<String, Long> e : satsByAddress.entrySet()) {
            Address address;
            try {
                address = Address.parse(Objects.requireNonNull(e.getKey(), "address"), chain.network());
            } catch (AddressException ex) {
                throw new WalletException("cannot pay '" + e.getKey() + "': " + ex.getMessage(), true, ex);
            }
            long sats = e.getValue() == null ? 0 : e.getValue();
            if (sats <= 0 || sats > TxOutput.MAX_MONEY_SATS) {
                throw new WalletException("the amount for " + e.getKey() + " must be 1.." + TxOutput.MAX_MONEY_SATS
                        + " sats; got " + e.getValue(), true);
            }
            total += sats;
            if (total > TxOutput.MAX_MONEY_SATS) {
                throw new WalletException("the amounts add up to more than 21,000,000 BTC", true);
            }
            writeOutput(outputs, sats, address.outputScript());
        }
        writeOutput(outputs, 0, keyScript(key));
        Transaction tx = Transaction.parse(serialize(key, sent, outputs.toByteArray()));
        long fee = Math.multiplyExact((tx.weight() + 3L) / 4, feeRate);
        Hash256 txid;
        try {
            txid = chain.submitTransaction(tx, fee);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The chain refused it before it reached the mempool (or is closed): nothing was sent.
            throw new WalletException("the embedded chain refused payment " + idempotencyKey + ": " + e.getMessage(),
                    true, e);
        }
        String txidHex = txid.displayHex();
        // Remembered before the journal write: should that fail, this process still knows it paid.
        sent++;
        txidByKey.putIfAbsent(idempotencyKey, txidHex);
        append("send", Hex.encode(key), txidHex);
        return txidHex;
    }

    @Override
    public synchronized Optional<String> findPayment(String idempotencyKey) {
        keyBytes(idempotencyKey);
        return Optional.ofNullable(txidByKey.get(idempotencyKey));
    }

    /** How many payments this wallet has sent (journaled ones included). */
    public synchronized long paymentsSent() {
        return sent;
    }

    @Override
    public String toString() {
        return "EmbeddedChainWallet[" + chain.network().chainName() + (journal == null ? "" : ", " + journal.file())
                + "]";
    }

    /**
     * One input spending a made-up outpoint (the chain does not check it), the outputs, lock time 0. The
     * outpoint depends on the key and the send count, so two payments never spend the same one.
     */
    private static byte[] serialize(byte[] key, long count, byte[] outputs) {
        ByteArrayOutputStream tx = new ByteArrayOutputStream(64 + outputs.length);
        writeInt32(tx, VERSION);
        VarInt.write(1, tx);
        byte[] seed = new byte[key.length + 8];
        System.arraycopy(key, 0, seed, 0, key.length);
        ByteBuffer.wrap(seed, key.length, 8).putLong(count);
        tx.writeBytes(Sha256d.hash(seed));
        writeInt32(tx, 0);
        // A scriptSig shaped like a P2PKH spend (signature, key) made of the seed's hash: no script runs.
        byte[] filler = Sha256d.hash(Sha256d.hash(seed));
        ByteArrayOutputStream scriptSig = new ByteArrayOutputStream();
        scriptSig.write(filler.length);
        scriptSig.writeBytes(filler);
        VarInt.write(scriptSig.size(), tx);
        tx.writeBytes(scriptSig.toByteArray());
        writeInt32(tx, SEQUENCE);
        tx.writeBytes(outputs);
        writeInt32(tx, 0);
        return tx.toByteArray();
    }

    /** {@code OP_RETURN <key>}, the push sized as Bitcoin Core's standard null-data outputs are. */
    private static byte[] keyScript(byte[] key) {
        ByteArrayOutputStream script = new ByteArrayOutputStream(key.length + 3);
        script.write(OP_RETURN);
        if (key.length > 75) {
            script.write(OP_PUSHDATA1);
        }
        script.write(key.length);
        script.writeBytes(key);
        return script.toByteArray();
    }

    private static void writeOutput(ByteArrayOutputStream out, long sats, byte[] script) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (sats >>> (8 * i)));
        }
        VarInt.write(script.length, out);
        out.writeBytes(script);
    }

    private static void writeInt32(ByteArrayOutputStream out, int value) {
        for (int i = 0; i < 4; i++) {
            out.write(value >>> (8 * i));
        }
    }

    private static byte[] keyBytes(String key) {
        Objects.requireNonNull(key, "idempotencyKey");
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (key.isBlank() || bytes.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("an idempotency key is 1.." + MAX_KEY_BYTES
                    + " bytes of UTF-8, not blank, to fit an OP_RETURN output; got '" + key + "'");
        }
        return bytes;
    }

    private void replay(String[] parts) {
        if (parts.length != 3 || !parts[0].equals("send")) {
            throw new IllegalArgumentException("not 'send KEY TXID'");
        }
        String key = new String(Hex.decode(parts[1]), StandardCharsets.UTF_8);
        txidByKey.putIfAbsent(key, Hash256.fromDisplayHex(parts[2]).displayHex());
        sent++;
    }

    private void append(String... fields) {
        if (journal == null) {
            return;
        }
        try {
            journal.append(fields);
        } catch (IOException e) {
            // The transaction is in the mempool already: the payment went out, only the record failed.
            throw new WalletException("payment sent but the wallet journal " + journal.file() + " cannot be written: "
                    + e, false, e);
        }
    }

    /** Builds an {@link EmbeddedChainWallet}; validated in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final EmbeddedChain chain;
        private long feeRate = 2;
        private Path journal;

        private Builder(EmbeddedChain chain) {
            this.chain = Objects.requireNonNull(chain, "chain");
        }

        /** The fee paid per virtual byte, in satoshis; default 2. */
        public Builder feeRateSatsPerVbyte(long satsPerVbyte) {
            this.feeRate = satsPerVbyte;
            return this;
        }

        /** Journals payments to {@code file} (created if missing) and reads back those it already holds. */
        public Builder journal(Path file) {
            this.journal = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Builds the wallet, replaying the journal when there is one.
         *
         * @throws IllegalArgumentException for a negative fee rate
         * @throws IllegalStateException    for a journal with a corrupt line before its last
         */
        public EmbeddedChainWallet build() {
            if (feeRate < 0 || feeRate > 10_000) {
                throw new IllegalArgumentException("fee rate must be 0..10000 sat/vB: " + feeRate);
            }
            EmbeddedChainWallet wallet = new EmbeddedChainWallet(this);
            if (wallet.journal != null) {
                wallet.journal.replay(wallet::replay);
            }
            return wallet;
        }
    }
}
