package io.poolkit.core.node;

import io.poolkit.core.chain.Hash256;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A wallet transaction as {@code gettransaction} reports it: amounts in satoshis, its confirmations, the
 * comment it was sent with, and one {@link Detail} per output the wallet sent or received.
 *
 * <p>Amounts are signed as the node gives them: sends and fees are negative.
 *
 * @param txid           the transaction id
 * @param amountSats     net effect on the wallet (0 for a payment to its own addresses), in satoshis
 * @param feeSats        the fee, negative, for transactions the wallet sent
 * @param confirmations  confirmations; 0 in the mempool; negative when conflicted
 * @param blockHash      the block it is in, once mined
 * @param blockHeight    that block's height, once mined
 * @param time           when the wallet first saw it, Unix seconds
 * @param comment        the comment it was sent with ({@code sendmany}'s comment)
 * @param walletConflicts transactions that spend the same inputs
 * @param details        one entry per output sent or received
 * @param hex            the raw transaction, hex
 */
public record WalletTransaction(Hash256 txid, long amountSats, OptionalLong feeSats, long confirmations,
                                Optional<Hash256> blockHash, OptionalLong blockHeight, long time,
                                Optional<String> comment, List<Hash256> walletConflicts, List<Detail> details,
                                String hex) {

    /**
     * One output of the transaction as the wallet sees it.
     *
     * @param address    the address paid, when it has one
     * @param category   {@code send}, {@code receive}, {@code generate}, {@code immature} or {@code orphan}
     * @param amountSats amount in satoshis, negative for {@code send}
     * @param label      the address's label; empty when it has none
     * @param vout       the output index
     * @param feeSats    the transaction's fee, negative, on {@code send} entries
     * @param abandoned  whether the wallet abandoned the transaction ({@code send} entries)
     */
    public record Detail(Optional<String> address, String category, long amountSats, Optional<String> label,
                         int vout, OptionalLong feeSats, boolean abandoned) {

        public Detail {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(category, "category");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(feeSats, "feeSats");
        }

        static Detail from(Json d) {
            return new Detail(d.optString("address"), d.string("category"), d.sats("amount"),
                    d.optString("label").filter(l -> !l.isEmpty()), d.intField("vout"), d.optSats("fee"),
                    d.bool("abandoned", false));
        }
    }

    public WalletTransaction {
        Objects.requireNonNull(txid, "txid");
        Objects.requireNonNull(feeSats, "feeSats");
        Objects.requireNonNull(blockHash, "blockHash");
        Objects.requireNonNull(blockHeight, "blockHeight");
        Objects.requireNonNull(comment, "comment");
        Objects.requireNonNull(hex, "hex");
        walletConflicts = List.copyOf(walletConflicts);
        details = List.copyOf(details);
    }

    static WalletTransaction from(Json r) {
        List<Detail> details = new ArrayList<>();
        for (Json d : r.field("details").asArray()) {
            details.add(Detail.from(d));
        }
        return new WalletTransaction(r.hash("txid"), r.sats("amount"), r.optSats("fee"),
                r.longField("confirmations"), r.optHash("blockhash"), r.optLong("blockheight"),
                r.longField("time"), r.optString("comment"),
                r.optional("walletconflicts").map(Json::asHashList).orElse(List.of()), details,
                r.field("hex").asHex());
    }
}
