package io.poolkit.core.node;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The parts of {@code getmininginfo} a pool shows: height, difficulty, the network's hash rate estimate and
 * the mempool's size.
 *
 * @param chain              Bitcoin Core's chain name
 * @param blocks             height of the node's tip
 * @param difficulty         the tip's difficulty, for display
 * @param networkHashPs      the node's estimate of the network hash rate, hashes per second (display only)
 * @param pooledTx           transactions in the mempool
 * @param currentBlockWeight weight of the last template built, when the node has built one
 * @param currentBlockTx     transactions in the last template built, when the node has built one
 * @param warnings           the node's warnings
 */
public record MiningInfo(String chain, long blocks, double difficulty, double networkHashPs, long pooledTx,
                         OptionalLong currentBlockWeight, OptionalLong currentBlockTx, List<String> warnings) {

    public MiningInfo {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(currentBlockWeight, "currentBlockWeight");
        Objects.requireNonNull(currentBlockTx, "currentBlockTx");
        warnings = List.copyOf(warnings);
    }

    static MiningInfo from(Json r) {
        return new MiningInfo(r.string("chain"), r.longField("blocks"), r.doubleField("difficulty"),
                r.doubleField("networkhashps"), r.longField("pooledtx"), r.optLong("currentblockweight"),
                r.optLong("currentblocktx"), BlockchainInfo.warnings(r));
    }
}
