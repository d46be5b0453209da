package io.poolkit.core.node;

import io.poolkit.core.chain.BlockTemplate;
import io.poolkit.core.chain.Network;
import io.poolkit.core.chain.Target;
import io.poolkit.core.chain.WitnessCommitment;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The coinbase-only template a {@link GbtJobSource} hands out the moment it sees a new tip, before the node's
 * own template for that tip arrives: a block with no transactions is valid on any tip, so miners can leave
 * the stale tip at once.
 *
 * <p>The fields are those Bitcoin Core's {@code getblocktemplate} would give for an empty mempool:
 * <ul>
 *   <li>{@code previousblockhash} = the new tip, {@code height} = the tip's height + 1;</li>
 *   <li>{@code bits} (and the target) as Core's {@code GetNextWorkRequired} gives them: the tip's own bits
 *       between difficulty adjustments. On an adjustment boundary (every 2016 blocks, except on regtest,
 *       which never retargets) there is no template: computing the new bits needs the timestamps of the
 *       period's first block, so the source waits for the node's template instead of guessing. On testnet
 *       the 20-minute minimum-difficulty rule applies: past the tip's time + 20 minutes the bits are the
 *       proof-of-work limit; before it, the tip's bits when the tip is a normal block, and no template when
 *       the tip is itself a minimum-difficulty block (Core then walks back through earlier blocks);</li>
 *   <li>{@code mintime} = the tip's median time past + 1, {@code curtime} = max(now, mintime);</li>
 *   <li>{@code coinbasevalue} = the subsidy at that height (no fees without transactions);</li>
 *   <li>{@code default_witness_commitment}: kept when the previous template had one. With no transactions
 *       Core still gives one, for a witness root of the coinbase alone; it is the same 38 bytes for every
 *       empty block ({@code 6a24aa21a9ede2f61c3f…}, as in the real empty-mempool answer), and a block
 *       without witness data may carry it harmlessly;</li>
 *   <li>version, rules, version-bits fields, limits and {@code coinbaseaux} from the previous template
 *       (version bits are not consensus-checked, and deployments only change at period boundaries);</li>
 *   <li>no {@code longpollid}: long polls use the ids of the node's real templates.</li>
 * </ul>
 *
 * <p>Stateless; thread-safe.
 */
final class GbtTipTemplates {
    /** Blocks between difficulty adjustments on every network that retargets. */
    static final int RETARGET_INTERVAL = 2016;
    /** Testnet's minimum-difficulty rule: a block this long after its parent may use the proof-of-work limit. */
    static final long MIN_DIFFICULTY_GAP_SECONDS = 20 * 60;

    private GbtTipTemplates() {}

    /**
     * The coinbase-only template on {@code tip}, or empty when its bits cannot be known without the node.
     *
     * @param previous   the last real template (for the fields that do not change with the tip)
     * @param nowSeconds the current time, Unix seconds
     */
    static Optional<BlockTemplate> coinbaseOnly(Network network, BlockTemplate previous, BlockHeaderInfo tip,
                                                long nowSeconds) {
        long height = tip.height() + 1;
        long minTime = tip.medianTime() + 1;
        long curTime = Math.max(nowSeconds, minTime);
        OptionalInt bits = nextBits(network, tip, height, curTime);
        if (bits.isEmpty()) {
            return Optional.empty();
        }
        BlockTemplate.Builder b = BlockTemplate.builder()
                .version(previous.version())
                .previousBlockHash(tip.hash())
                .height(height)
                .bits(bits.getAsInt())
                .targetDisplayHex(Target.fromCompact(bits.getAsInt()).displayHex())
                .minTime(minTime)
                .curTime(curTime)
                .coinbaseValueSats(network.subsidySats(height))
                .rules(previous.rules())
                .capabilities(previous.capabilities())
                .vbAvailable(previous.vbAvailable())
                .vbRequired(previous.vbRequired())
                .mutable(previous.mutable())
                .nonceRangeHex(previous.nonceRangeHex())
                .sigOpLimit(previous.sigOpLimit())
                .sizeLimit(previous.sizeLimit())
                .weightLimit(previous.weightLimit())
                .coinbaseAux(previous.coinbaseAux());
        if (previous.hasWitnessCommitment()) {
            b.witnessCommitmentScript(WitnessCommitment.scriptFor(List.of()));
        }
        return Optional.of(b.build());
    }

    /** The bits a block at {@code height} on {@code tip} with time {@code curTime} must carry, when knowable. */
    static OptionalInt nextBits(Network network, BlockHeaderInfo tip, long height, long curTime) {
        if (network == Network.REGTEST) {
            return OptionalInt.of(tip.bits()); // fPowNoRetargeting: regtest stays at its genesis bits
        }
        if (height % RETARGET_INTERVAL == 0) {
            return OptionalInt.empty();
        }
        if (network == Network.TESTNET) {
            if (curTime > tip.time() + MIN_DIFFICULTY_GAP_SECONDS) {
                return OptionalInt.of(network.powLimitBits());
            }
            return tip.bits() == network.powLimitBits() ? OptionalInt.empty() : OptionalInt.of(tip.bits());
        }
        return OptionalInt.of(tip.bits());
    }
}
