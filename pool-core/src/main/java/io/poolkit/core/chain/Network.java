package io.poolkit.core.chain;

import java.util.Locale;

/**
 * The Bitcoin networks a pool can mine on, with the consensus and address parameters a pool needs.
 *
 * <p>Subsidies are in satoshis. {@link #powLimitBits()} is the compact form of the easiest target the
 * network allows (Bitcoin Core's {@code powLimit}, as it appears in a genesis-difficulty header).
 */
public enum Network {
    MAINNET("main", 0x00, 0x05, "bc", 0x1d00ffff, 210_000, 100),
    TESTNET("test", 0x6f, 0xc4, "tb", 0x1d00ffff, 210_000, 100),
    SIGNET("signet", 0x6f, 0xc4, "tb", 0x1e0377ae, 210_000, 100),
    REGTEST("regtest", 0x6f, 0xc4, "bcrt", 0x207fffff, 150, 100);

    /** 50 BTC, the subsidy before the first halving. */
    public static final long INITIAL_SUBSIDY_SATS = 50L * 100_000_000L;

    private final String chainName;
    private final int p2pkhVersion;
    private final int p2shVersion;
    private final String bech32Hrp;
    private final int powLimitBits;
    private final int halvingInterval;
    private final int coinbaseMaturity;

    Network(String chainName, int p2pkhVersion, int p2shVersion, String bech32Hrp, int powLimitBits,
            int halvingInterval, int coinbaseMaturity) {
        this.chainName = chainName;
        this.p2pkhVersion = p2pkhVersion;
        this.p2shVersion = p2shVersion;
        this.bech32Hrp = bech32Hrp;
        this.powLimitBits = powLimitBits;
        this.halvingInterval = halvingInterval;
        this.coinbaseMaturity = coinbaseMaturity;
    }

    /** Bitcoin Core's name for the chain, as {@code getblockchaininfo} reports it: main, test, signet, regtest. */
    public String chainName() {
        return chainName;
    }

    /** Version byte of base58check pay-to-pubkey-hash addresses. */
    public int p2pkhVersion() {
        return p2pkhVersion;
    }

    /** Version byte of base58check pay-to-script-hash addresses. */
    public int p2shVersion() {
        return p2shVersion;
    }

    /** Human-readable part of segwit (bech32 / bech32m) addresses. */
    public String bech32Hrp() {
        return bech32Hrp;
    }

    /** The easiest target allowed, in compact {@code nBits} form. */
    public int powLimitBits() {
        return powLimitBits;
    }

    /** Blocks between subsidy halvings. */
    public int halvingInterval() {
        return halvingInterval;
    }

    /** Confirmations a coinbase output needs before it can be spent (and so before pool credits mature). */
    public int coinbaseMaturity() {
        return coinbaseMaturity;
    }

    /** The block subsidy at {@code height} in satoshis: 50 BTC halved every {@link #halvingInterval()} blocks. */
    public long subsidySats(long height) {
        if (height < 0) {
            throw new IllegalArgumentException("height must be >= 0: " + height);
        }
        long halvings = height / halvingInterval;
        return halvings >= 64 ? 0 : INITIAL_SUBSIDY_SATS >> halvings;
    }

    /**
     * The network for a name: Bitcoin Core's chain names ({@code main}, {@code test}, {@code signet},
     * {@code regtest}) or this enum's constant names, in any case.
     */
    public static Network fromName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Network network : values()) {
            if (network.chainName.equals(wanted) || network.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                return network;
            }
        }
        throw new IllegalArgumentException(
                "unknown network '" + name + "': expected one of main, test, signet, regtest");
    }
}
