package io.poolkit.core.node;

import io.poolkit.core.chain.Hash256;
import java.util.List;
import java.util.Objects;

/**
 * The parts of {@code getblockchaininfo} a pool uses: which chain, how far the node is, and whether it is
 * still syncing (a pool should not hand out work from a node in initial block download).
 *
 * @param chain                 Bitcoin Core's chain name: {@code main}, {@code test}, {@code signet}, {@code regtest}...
 * @param blocks                height of the node's best validated block
 * @param headers               height of the best header the node knows
 * @param bestBlockHash         the node's tip
 * @param difficulty            the tip's difficulty, for display
 * @param medianTime            median time past of the tip, in Unix seconds
 * @param verificationProgress  estimate of the fraction of the chain verified, 0 to 1
 * @param initialBlockDownload  whether the node considers itself still syncing
 * @param pruned                whether the node prunes old blocks
 * @param warnings              the node's warnings (older nodes give one string; it becomes one element)
 */
public record BlockchainInfo(String chain, long blocks, long headers, Hash256 bestBlockHash, double difficulty,
                             long medianTime, double verificationProgress, boolean initialBlockDownload,
                             boolean pruned, List<String> warnings) {

    public BlockchainInfo {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(bestBlockHash, "bestBlockHash");
        warnings = List.copyOf(warnings);
    }

    static BlockchainInfo from(Json r) {
        return new BlockchainInfo(r.string("chain"), r.longField("blocks"), r.longField("headers"),
                r.hash("bestblockhash"), r.doubleField("difficulty"), r.longField("mediantime"),
                r.doubleField("verificationprogress"), r.bool("initialblockdownload"), r.bool("pruned"),
                warnings(r));
    }

    /** {@code warnings} is an array since Bitcoin Core 28 and a (possibly empty) string before. */
    static List<String> warnings(Json r) {
        return r.optional("warnings").map(w -> w.type() == Json.Type.STRING
                ? (w.asString().isEmpty() ? List.<String>of() : List.of(w.asString()))
                : w.asStringList()).orElse(List.of());
    }
}
