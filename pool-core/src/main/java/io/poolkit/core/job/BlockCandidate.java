package io.poolkit.core.job;

import io.poolkit.core.chain.Hash256;
import java.util.Objects;

/**
 * A block that meets the network target, assembled and ready for {@code submitblock}.
 *
 * @param hash     the block's hash
 * @param height   its height
 * @param blockHex the whole serialized block (with witness data), as hex
 */
public record BlockCandidate(Hash256 hash, long height, String blockHex) {

    public BlockCandidate {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(blockHex, "blockHex");
        if (height < 0) {
            throw new IllegalArgumentException("height must be >= 0: " + height);
        }
    }
}
