package io.poolkit.core.node;

import io.poolkit.core.chain.Hash256;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The wallet's own balances from {@code getbalances}, in satoshis.
 *
 * @param trustedSats              spendable: confirmed, or unconfirmed from the wallet itself
 * @param untrustedPendingSats     unconfirmed from others
 * @param immatureSats             coinbase outputs not yet mature (a pool's recent block rewards)
 * @param lastProcessedBlockHash   the block the wallet had processed when it answered (newer nodes)
 * @param lastProcessedBlockHeight that block's height (newer nodes)
 */
public record WalletBalances(long trustedSats, long untrustedPendingSats, long immatureSats,
                             Optional<Hash256> lastProcessedBlockHash, OptionalLong lastProcessedBlockHeight) {

    public WalletBalances {
        Objects.requireNonNull(lastProcessedBlockHash, "lastProcessedBlockHash");
        Objects.requireNonNull(lastProcessedBlockHeight, "lastProcessedBlockHeight");
    }

    static WalletBalances from(Json r) {
        Json mine = r.field("mine");
        Optional<Json> last = r.optional("lastprocessedblock");
        return new WalletBalances(mine.sats("trusted"), mine.sats("untrusted_pending"), mine.sats("immature"),
                last.map(l -> l.hash("hash")),
                last.isPresent() ? OptionalLong.of(last.get().longField("height")) : OptionalLong.empty());
    }
}
