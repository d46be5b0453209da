package io.poolkit.core.node;

import io.poolkit.core.chain.Hash256;
import java.util.List;
import java.util.Objects;

/**
 * A block as {@code getblock} with verbosity 1 reports it: its header and the ids of its transactions, the
 * first being the coinbase (which tells a pool whether a block at some height is its own).
 *
 * @param header       the header fields and the block's standing on the chain
 * @param size         serialized size in bytes, with witness data
 * @param strippedSize serialized size without witness data
 * @param weight       BIP141 weight
 * @param txids        the transaction ids in block order, the coinbase first
 */
public record BlockInfo(BlockHeaderInfo header, long size, long strippedSize, long weight, List<Hash256> txids) {

    public BlockInfo {
        Objects.requireNonNull(header, "header");
        txids = List.copyOf(txids);
    }

    /** The block's hash. */
    public Hash256 hash() {
        return header.hash();
    }

    /** The coinbase transaction's id. */
    public Hash256 coinbaseTxid() {
        return txids.get(0);
    }

    static BlockInfo from(Json r) {
        List<Hash256> txids = r.field("tx").asHashList();
        if (txids.isEmpty()) {
            throw new Json.Shape(r.path() + ".tx: a block has at least its coinbase; got an empty list");
        }
        return new BlockInfo(BlockHeaderInfo.from(r), r.longField("size"), r.longField("strippedsize"),
                r.longField("weight"), txids);
    }
}
