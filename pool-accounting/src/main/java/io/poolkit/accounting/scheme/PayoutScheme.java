package io.poolkit.accounting.scheme;

import io.poolkit.core.share.Share;

/**
 * A payout scheme: a pure function from a found block's reward and a window of shares to an
 * {@link Allocation}, plus, for per-share schemes, the price of each share.
 *
 * <p>Schemes do no I/O and hold no state beyond their configuration: the ledger loads the shares the scheme's
 * {@link #window()} asks for, calls {@link #allocate}, and applies the result in the same transaction that
 * records the block, once per block hash. Implementations must be immutable and thread-safe. Built-ins are
 * found by name through {@link PayoutSchemes#byName}; a plugin is a {@link PayoutSchemeProvider} plus a
 * {@code META-INF/services/io.poolkit.accounting.scheme.PayoutSchemeProvider} line.
 *
 * <pre>{@code
 * PayoutScheme pplns = PayoutSchemes.byName("pplns", Map.of("n", "2", "fee.bps", "100"));
 * Allocation split = pplns.allocate(block.rewardSats(), window);
 * }</pre>
 */
public interface PayoutScheme {

    /** The name the scheme is found by, lower case (e.g. {@code pplns}). */
    String name();

    /** The pool fee in basis points (1/100 of a percent), 0..10000, credited to the ledger's fee account. */
    int feeBasisPoints();

    /** Which shares {@link #allocate} needs. */
    WindowSpec window();

    /**
     * Splits a found block's reward over {@code window}. Must be a pure function of its arguments and the
     * scheme's configuration.
     *
     * @param rewardSats the block's reward to the pool in satoshis
     * @param window     the shares {@link #window()} asked for, oldest first, ending at the block
     */
    Allocation allocate(long rewardSats, ShareWindow window);

    /**
     * For schemes that pay each share at once (PPS, FPPS): the reward a share of exactly network difficulty
     * earns before the fee, in satoshis. A share earns {@code difficulty / networkDifficulty} of it, priced
     * exactly by {@link PerShareCredits}. The default, 0, means the scheme pays only at block time.
     */
    default long perShareRewardSats(Share share) {
        return 0;
    }

    /** Whether {@link #perShareRewardSats} can be non-zero; the ledger prices shares only for such schemes. */
    default boolean paysPerShare() {
        return false;
    }
}
