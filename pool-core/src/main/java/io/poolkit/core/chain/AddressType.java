package io.poolkit.core.chain;

/** The kinds of output script an {@link Address} pays to. */
public enum AddressType {
    /** Pay to public-key hash: base58check, 20-byte hash. */
    P2PKH,
    /** Pay to script hash: base58check, 20-byte hash (also wrapped segwit). */
    P2SH,
    /** Segwit v0 pay to witness public-key hash: bech32, 20-byte program. */
    P2WPKH,
    /** Segwit v0 pay to witness script hash: bech32, 32-byte program. */
    P2WSH,
    /** Segwit v1 pay to taproot: bech32m, 32-byte program. */
    P2TR,
    /**
     * A witness version and program that BIP 350 allows but that has no meaning yet (v1 with a length other
     * than 32, v2 to v16 with 2 to 40 bytes): valid to pay to, as Bitcoin Core allows.
     */
    WITNESS_UNKNOWN
}
