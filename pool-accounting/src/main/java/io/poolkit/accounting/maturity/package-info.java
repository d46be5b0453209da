/**
 * Block maturity: {@link io.poolkit.accounting.maturity.BlockMaturity} follows found blocks on the chain and
 * moves their credits to balances at coinbase maturity, or voids them when a block is orphaned.
 */
package io.poolkit.accounting.maturity;
