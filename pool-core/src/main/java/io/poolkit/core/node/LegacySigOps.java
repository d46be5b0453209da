package io.poolkit.core.node;

import io.poolkit.core.chain.Transaction;
import io.poolkit.core.chain.TxInput;
import io.poolkit.core.chain.TxOutput;

/**
 * Bitcoin Core's legacy sigop count ({@code GetLegacySigOpCount}): every OP_CHECKSIG(VERIFY) counts 1 and
 * every OP_CHECKMULTISIG(VERIFY) 20, in scriptSigs and output scripts, without running them. Stateless.
 *
 * <p>The embedded chain has no previous outputs, so P2SH and witness sigops are not counted; the result
 * is the lower bound Core's {@code CheckBlock} applies ("bad-blk-sigops").
 */
final class LegacySigOps {
    static final int WITNESS_SCALE_FACTOR = 4;

    private static final int OP_PUSHDATA1 = 0x4c;
    private static final int OP_PUSHDATA2 = 0x4d;
    private static final int OP_PUSHDATA4 = 0x4e;
    private static final int OP_CHECKSIG = 0xac;
    private static final int OP_CHECKSIGVERIFY = 0xad;
    private static final int OP_CHECKMULTISIG = 0xae;
    private static final int OP_CHECKMULTISIGVERIFY = 0xaf;
    private static final int MULTISIG_SIGOPS = 20;

    private LegacySigOps() {}

    /** The legacy sigops of {@code tx}, scaled to BIP141 cost (times 4). */
    static int cost(Transaction tx) {
        return WITNESS_SCALE_FACTOR * count(tx);
    }

    /** The unscaled legacy sigop count of {@code tx}. */
    static int count(Transaction tx) {
        int count = 0;
        for (TxInput in : tx.inputs()) {
            count += count(in.scriptSig());
        }
        for (TxOutput out : tx.outputs()) {
            count += count(out.script());
        }
        return count;
    }

    /** Sigops in one script; a push running past the end ends the count, as in Core's {@code GetOp}. */
    static int count(byte[] script) {
        int count = 0;
        int at = 0;
        while (at < script.length) {
            int op = script[at++] & 0xff;
            int pushLength;
            if (op < OP_PUSHDATA1) {
                pushLength = op;
            } else if (op == OP_PUSHDATA1) {
                if (at + 1 > script.length) {
                    break;
                }
                pushLength = script[at] & 0xff;
                at += 1;
            } else if (op == OP_PUSHDATA2) {
                if (at + 2 > script.length) {
                    break;
                }
                pushLength = (script[at] & 0xff) | (script[at + 1] & 0xff) << 8;
                at += 2;
            } else if (op == OP_PUSHDATA4) {
                if (at + 4 > script.length) {
                    break;
                }
                long length = (script[at] & 0xffL) | (script[at + 1] & 0xffL) << 8 | (script[at + 2] & 0xffL) << 16
                        | (script[at + 3] & 0xffL) << 24;
                at += 4;
                if (length > script.length - at) {
                    break;
                }
                pushLength = (int) length;
            } else {
                pushLength = 0;
                if (op == OP_CHECKSIG || op == OP_CHECKSIGVERIFY) {
                    count++;
                } else if (op == OP_CHECKMULTISIG || op == OP_CHECKMULTISIGVERIFY) {
                    count += MULTISIG_SIGOPS;
                }
            }
            if (pushLength > script.length - at) {
                break;
            }
            at += pushLength;
        }
        return count;
    }
}
