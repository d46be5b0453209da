package io.poolkit.core.chain;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Difficulty for people: the difficulty of a block's {@code nBits} and a compact display form. Stateless
 * and thread-safe.
 *
 * <p>Difficulty is {@code DIFFICULTY_1 / target}, a {@code double} used only for display and vardiff
 * estimates. The conversions themselves live on {@link Target} ({@link Target#fromDifficulty},
 * {@link Target#difficulty()}, {@link Target#difficultyOfHash}), so there is one place for each.
 *
 * <pre>{@code
 * double network = Difficulty.ofBits(0x18058436);    // 199312067531.24 (mainnet block 413567)
 * String shown = Difficulty.format(network);         // "199.31G"
 * }</pre>
 */
public final class Difficulty {
    private static final String[] SUFFIXES = {"", "K", "M", "G", "T", "P", "E", "Z", "Y"};

    private Difficulty() {}

    /**
     * The difficulty of a compact {@code nBits} target, as {@code getblockheader} reports it
     * ({@code 0x1d00ffff} is 1.0).
     *
     * @throws IllegalArgumentException if the bits are negative or overflowing (see {@link CompactBits#toTarget})
     */
    public static double ofBits(int bits) {
        return CompactBits.toTarget(bits).difficulty();
    }

    /**
     * A short display form: below 0.001 in scientific notation with three significant digits
     * ({@code "4.66e-10"}), below one million with at most three decimals ({@code "0.5"}, {@code "65536"},
     * {@code "1.5"}), above that with an SI suffix and two decimals ({@code "1.05M"}, {@code "199.31G"},
     * {@code "85.35T"}). {@code "inf"} for infinity.
     *
     * @throws IllegalArgumentException if {@code difficulty} is negative or NaN
     */
    public static String format(double difficulty) {
        if (!(difficulty >= 0)) {
            throw new IllegalArgumentException("a difficulty is not negative; got " + difficulty);
        }
        if (Double.isInfinite(difficulty)) {
            return "inf";
        }
        if (difficulty == 0) {
            return "0";
        }
        if (difficulty < 0.001) {
            return String.format(Locale.ROOT, "%.2e", difficulty);
        }
        if (difficulty < 1) {
            return plain(new BigDecimal(difficulty).round(new MathContext(3, RoundingMode.HALF_EVEN)));
        }
        if (difficulty < 1e6) {
            return plain(new BigDecimal(difficulty).setScale(3, RoundingMode.HALF_EVEN));
        }
        int power = 0;
        double scaled = difficulty;
        while (scaled >= 999.995 && power < SUFFIXES.length - 1) {
            scaled /= 1000;
            power++;
        }
        return String.format(Locale.ROOT, "%.2f%s", scaled, SUFFIXES[power]);
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
