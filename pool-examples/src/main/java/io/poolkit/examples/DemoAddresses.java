package io.poolkit.examples;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.Network;
import io.poolkit.core.hash.Sha256d;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The demo's regtest addresses: the pool's own and one per built-in miner, each a hash of a fixed label, so
 * they are the same on every run (the ledger keeps their balances across restarts). Nobody holds their keys:
 * they exist for the demo only.
 *
 * <p>The miners' addresses cycle through the four kinds a real miner may log in with: segwit v0 (bcrt1q…),
 * legacy P2PKH (m… or n…), taproot (bcrt1p…) and P2SH (2…). Stateless.
 */
final class DemoAddresses {
    private DemoAddresses() {}

    /** The pool's coinbase address (P2WPKH). */
    static String pool() {
        return address(0, "poolkit demo pool");
    }

    /** The address of built-in miner {@code index} (from 0). */
    static String miner(int index) {
        return address(index % 4, "poolkit demo miner " + index);
    }

    private static String address(int kind, String label) {
        byte[] hash = Sha256d.hash(label.getBytes(StandardCharsets.UTF_8));
        byte[] script = switch (kind) {
            case 0 -> concat(new byte[] {0x00, 0x14}, Arrays.copyOf(hash, 20), new byte[0]);
            case 1 -> concat(new byte[] {0x76, (byte) 0xa9, 0x14}, Arrays.copyOf(hash, 20),
                    new byte[] {(byte) 0x88, (byte) 0xac});
            case 2 -> concat(new byte[] {0x51, 0x20}, hash, new byte[0]);
            default -> concat(new byte[] {(byte) 0xa9, 0x14}, Arrays.copyOf(hash, 20), new byte[] {(byte) 0x87});
        };
        try {
            return Address.fromOutputScript(script, Network.REGTEST).toString();
        } catch (AddressException e) {
            throw new IllegalStateException("a demo address script has no address form: " + e.getMessage(), e);
        }
    }

    private static byte[] concat(byte[] head, byte[] body, byte[] tail) {
        byte[] out = new byte[head.length + body.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        System.arraycopy(tail, 0, out, head.length + body.length, tail.length);
        return out;
    }
}
