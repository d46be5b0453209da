package io.poolkit.core.chain;

import java.util.List;
import java.util.Objects;

/**
 * One transaction of a {@link BlockTemplate}: its serialized bytes and what the node said about it
 * (txid, wtxid, fee, sigops, weight, dependencies). Immutable and thread-safe; {@link #data()} is a copy.
 *
 * <pre>{@code
 * TemplateTransaction tx = TemplateTransaction.of(rawTx, 2_820L, 1);  // txid, wtxid, weight computed
 * }</pre>
 */
public final class TemplateTransaction {
    private final byte[] data;
    private final Hash256 txid;
    private final Hash256 wtxid;
    private final long feeSats;
    private final int sigOps;
    private final int weight;
    private final List<Integer> depends;

    TemplateTransaction(byte[] data, Hash256 txid, Hash256 wtxid, long feeSats, int sigOps, int weight,
                        List<Integer> depends) {
        this.data = data;
        this.txid = txid;
        this.wtxid = wtxid;
        this.feeSats = feeSats;
        this.sigOps = sigOps;
        this.weight = weight;
        this.depends = List.copyOf(depends);
    }

    /**
     * A template transaction made in code: parses {@code serialized} (copied) to compute its txid, wtxid
     * and weight. {@code sigOps} is the BIP141 sigop cost the caller counted; no dependencies.
     */
    public static TemplateTransaction of(byte[] serialized, long feeSats, int sigOps) {
        return of(Transaction.parse(serialized), feeSats, sigOps);
    }

    /** A template transaction from a parsed one. */
    public static TemplateTransaction of(Transaction tx, long feeSats, int sigOps) {
        Objects.requireNonNull(tx, "tx");
        if (feeSats < 0 || feeSats > TxOutput.MAX_MONEY_SATS) {
            throw new IllegalArgumentException("fee must be 0.." + TxOutput.MAX_MONEY_SATS + " sats: " + feeSats);
        }
        if (sigOps < 0) {
            throw new IllegalArgumentException("sigops must be >= 0: " + sigOps);
        }
        return new TemplateTransaction(tx.serialize(), tx.txid(), tx.wtxid(), feeSats, sigOps, tx.weight(), List.of());
    }

    /** A copy of the serialized transaction (segwit form when it has witness data). */
    public byte[] data() {
        return data.clone();
    }

    public String dataHex() {
        return Hex.encode(data);
    }

    /** The length of {@link #data()} in bytes. */
    public int size() {
        return data.length;
    }

    /** The txid as the template gave it ({@code txid}); not recomputed from the data. */
    public Hash256 txid() {
        return txid;
    }

    /** The wtxid as the template gave it ({@code hash}); the txid when the template had none. */
    public Hash256 wtxid() {
        return wtxid;
    }

    /** True when the wtxid differs from the txid, i.e. the transaction carries witness data. */
    public boolean hasWitness() {
        return !txid.equals(wtxid);
    }

    /** The fee this transaction pays, in satoshis. */
    public long feeSats() {
        return feeSats;
    }

    /** Its sigop cost as the node counted it. */
    public int sigOps() {
        return sigOps;
    }

    /** Its BIP141 weight. */
    public int weight() {
        return weight;
    }

    /** 1-based positions, in the template's list, of the transactions this one spends from. */
    public List<Integer> depends() {
        return depends;
    }

    /** Parses {@link #data()}; computes txid and wtxid from the bytes. */
    public Transaction parse() {
        return Transaction.parse(data);
    }

    byte[] dataUnsafe() {
        return data;
    }

    @Override
    public String toString() {
        return "TemplateTransaction[" + txid + ", fee " + feeSats + " sats, weight " + weight + "]";
    }
}
