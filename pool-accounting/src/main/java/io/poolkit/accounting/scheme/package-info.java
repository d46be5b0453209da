/**
 * Payout schemes: pure functions from a found block's reward and a window of shares to an exact
 * {@link io.poolkit.accounting.scheme.Allocation}, found by name through
 * {@link io.poolkit.accounting.scheme.PayoutSchemes} (built-ins: pps, fpps, prop, pplns, pplns-time, solo; a
 * plugin is a {@link io.poolkit.accounting.scheme.PayoutSchemeProvider} plus a {@code META-INF/services} line).
 *
 * <p>Money is {@code long} satoshis; share difficulty becomes an exact integer weight
 * ({@link io.poolkit.accounting.scheme.ShareWeight}, unit 2<sup>-32</sup> difficulty) and remainders follow one
 * stated rule ({@link io.poolkit.accounting.scheme.Splits}).
 */
package io.poolkit.accounting.scheme;
