package io.poolkit.core.chain;

import java.util.Objects;

/**
 * Why a text is not an address of the expected network, or why an output script has no address form.
 *
 * <p>Checked on purpose: addresses come from people (miners' worker names, operators' configuration),
 * so a bad one is an expected outcome, not a bug. The compiler makes every caller decide what a bad
 * address means for it (reject an authorization, refuse to start), so none escapes through an event loop
 * by accident. The message names the address and the problem and is fit to show to the person who typed
 * it; {@link #kind()} lets code react without parsing messages.
 */
public final class AddressException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of problem, each with its own message. */
    public enum Kind {
        /** Not an address at all: bad characters, length, encoding, version, program or prefix. */
        MALFORMED,
        /** Well formed but the checksum does not match, usually a typo (or bech32 vs bech32m mixed up). */
        BAD_CHECKSUM,
        /** A valid address, but of another network (e.g. a testnet address given to a mainnet pool). */
        WRONG_NETWORK,
        /** An output script with no address form (P2PK, bare multisig, OP_RETURN, non-standard). */
        UNSUPPORTED_SCRIPT
    }

    private final Kind kind;

    AddressException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
