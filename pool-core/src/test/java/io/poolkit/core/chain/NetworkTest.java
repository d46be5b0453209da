package io.poolkit.core.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NetworkTest {

    @Test
    void mainnetSubsidyHalvesEvery210000BlocksUntilNothingIsLeft() {
        Network main = Network.MAINNET;
        assertEquals(5_000_000_000L, main.subsidySats(0));
        assertEquals(5_000_000_000L, main.subsidySats(209_999));
        assertEquals(2_500_000_000L, main.subsidySats(210_000));
        assertEquals(312_500_000L, main.subsidySats(840_000)); // the April 2024 halving
        assertEquals(1L, main.subsidySats(32 * 210_000));
        assertEquals(0L, main.subsidySats(33 * 210_000));
        assertEquals(0L, main.subsidySats(6_930_000));
        assertEquals(0L, main.subsidySats(64L * 210_000));
        assertEquals(0L, main.subsidySats(Long.MAX_VALUE));
    }

    @Test
    void regtestSubsidyHalvesEvery150Blocks() {
        Network regtest = Network.REGTEST;
        assertEquals(5_000_000_000L, regtest.subsidySats(149));
        assertEquals(2_500_000_000L, regtest.subsidySats(150));
        assertEquals(2_500_000_000L, regtest.subsidySats(205)); // the real regtest template's coinbasevalue less fees
        assertEquals(1_250_000_000L, regtest.subsidySats(300));
        assertEquals(0L, regtest.subsidySats(150L * 64));
    }

    @Test
    void rejectsNegativeHeights() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.MAINNET.subsidySats(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void proofOfWorkLimitsAreCanonicalCompactTargets() {
        assertEquals("00000000ffff0000000000000000000000000000000000000000000000000000",
                Target.fromCompact(Network.MAINNET.powLimitBits()).displayHex());
        assertEquals(Target.DIFFICULTY_1, Target.fromCompact(Network.TESTNET.powLimitBits()));
        assertEquals("00000377ae000000000000000000000000000000000000000000000000000000",
                Target.fromCompact(Network.SIGNET.powLimitBits()).displayHex());
        assertEquals("7fffff0000000000000000000000000000000000000000000000000000000000",
                Target.fromCompact(Network.REGTEST.powLimitBits()).displayHex());
        for (Network network : Network.values()) {
            assertEquals(network.powLimitBits(), Target.fromCompact(network.powLimitBits()).toCompact(), network.name());
            assertEquals(100, network.coinbaseMaturity(), network.name());
        }
    }

    @Test
    void namesAreBitcoinCoresChainNamesOrTheConstants() {
        assertEquals(Network.MAINNET, Network.fromName("main"));
        assertEquals(Network.MAINNET, Network.fromName(" MainNet "));
        assertEquals(Network.TESTNET, Network.fromName("test"));
        assertEquals(Network.SIGNET, Network.fromName("signet"));
        assertEquals(Network.REGTEST, Network.fromName("regtest"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Network.fromName("litecoin"));
        assertTrue(e.getMessage().contains("'litecoin'"), e.getMessage());
    }

    @Test
    void addressParametersAreBitcoinCores() {
        assertEquals(0x00, Network.MAINNET.p2pkhVersion());
        assertEquals(0x05, Network.MAINNET.p2shVersion());
        assertEquals("bc", Network.MAINNET.bech32Hrp());
        for (Network network : new Network[] {Network.TESTNET, Network.SIGNET, Network.REGTEST}) {
            assertEquals(0x6f, network.p2pkhVersion(), network.name());
            assertEquals(0xc4, network.p2shVersion(), network.name());
        }
        assertEquals("tb", Network.TESTNET.bech32Hrp());
        assertEquals("tb", Network.SIGNET.bech32Hrp());
        assertEquals("bcrt", Network.REGTEST.bech32Hrp());
    }
}
