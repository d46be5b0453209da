package io.poolkit.core.node;

import io.poolkit.core.chain.Hash256;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of {@code listtransactions}: one output of one wallet transaction, with the transaction's
 * standing. A payment to several addresses is several entries with the same txid.
 *
 * @param txid          the transaction id
 * @param address       the address paid, when it has one
 * @param category      {@code send}, {@code receive}, {@code generate}, {@code immature} or {@code orphan}
 * @param amountSats    amount in satoshis, negative for {@code send}
 * @param feeSats       the transaction's fee, negative, on {@code send} entries
 * @param vout          the output index
 * @param confirmations confirmations; 0 in the mempool; negative when conflicted
 * @param generated     whether it is a coinbase output
 * @param blockHash     the block it is in, once mined
 * @param blockHeight   that block's height, once mined
 * @param time          when the wallet first saw it, Unix seconds
 * @param comment       the comment it was sent with
 * @param label         the address's label; empty when it has none
 * @param abandoned     whether the wallet abandoned it ({@code send} entries)
 */
public record WalletTransactionEntry(Hash256 txid, Optional<String> address, String category, long amountSats,
                                     OptionalLong feeSats, int vout, long confirmations, boolean generated,
                                     Optional<Hash256> blockHash, OptionalLong blockHeight, long time,
                                     Optional<String> comment, Optional<String> label, boolean abandoned) {

    public WalletTransactionEntry {
        Objects.requireNonNull(txid, "txid");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(feeSats, "feeSats");
        Objects.requireNonNull(blockHash, "blockHash");
        Objects.requireNonNull(blockHeight, "blockHeight");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(label, "label");
    }

    static List<WalletTransactionEntry> listFrom(Json r) {
        List<WalletTransactionEntry> entries = new ArrayList<>();
        for (Json e : r.asArray()) {
            entries.add(new WalletTransactionEntry(e.hash("txid"), e.optString("address"), e.string("category"),
                    e.sats("amount"), e.optSats("fee"), e.intField("vout"), e.longField("confirmations"),
                    e.bool("generated", false), e.optHash("blockhash"), e.optLong("blockheight"),
                    e.longField("time"), e.optString("comment"), e.optString("label").filter(l -> !l.isEmpty()),
                    e.bool("abandoned", false)));
        }
        return List.copyOf(entries);
    }
}
