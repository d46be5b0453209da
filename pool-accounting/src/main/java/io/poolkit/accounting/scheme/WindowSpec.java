package io.poolkit.accounting.scheme;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;

/**
 * Which shares a scheme needs to split a found block: the ledger loads exactly these into the
 * {@link ShareWindow} it hands to {@link PayoutScheme#allocate}, and prunes shares no window can need.
 *
 * <p>Immutable. Made by the factories: {@link #none()}, {@link #round()}, {@link #difficulty(BigDecimal)},
 * {@link #time(Duration)}.
 */
public final class WindowSpec {

    /** The kinds of window. */
    public enum Kind {
        /** No shares: the scheme pays per share or pays the finder. */
        NONE,
        /** Every share since the previous found block (PROP). */
        ROUND,
        /** The newest shares whose difficulty adds up to a multiple of the block's network difficulty (PPLNS). */
        DIFFICULTY,
        /** The shares of the last fixed stretch of time before the block (time-window PPLNS). */
        TIME
    }

    private static final WindowSpec NONE = new WindowSpec(Kind.NONE, null, null);
    private static final WindowSpec ROUND = new WindowSpec(Kind.ROUND, null, null);

    private final Kind kind;
    private final BigDecimal multiplier;
    private final Duration duration;

    private WindowSpec(Kind kind, BigDecimal multiplier, Duration duration) {
        this.kind = kind;
        this.multiplier = multiplier;
        this.duration = duration;
    }

    public static WindowSpec none() {
        return NONE;
    }

    public static WindowSpec round() {
        return ROUND;
    }

    /** The newest shares adding up to {@code multiplier} × the block's network difficulty; {@code multiplier > 0}. */
    public static WindowSpec difficulty(BigDecimal multiplier) {
        Objects.requireNonNull(multiplier, "multiplier");
        if (multiplier.signum() <= 0) {
            throw new IllegalArgumentException("window multiplier must be > 0: " + multiplier);
        }
        return new WindowSpec(Kind.DIFFICULTY, multiplier, null);
    }

    /** The shares of the last {@code duration} before the block; {@code duration > 0}. */
    public static WindowSpec time(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("window duration must be > 0: " + duration);
        }
        return new WindowSpec(Kind.TIME, null, duration);
    }

    public Kind kind() {
        return kind;
    }

    /** The multiple of network difficulty, for {@link Kind#DIFFICULTY}; otherwise an exception. */
    public BigDecimal multiplier() {
        if (kind != Kind.DIFFICULTY) {
            throw new IllegalStateException("a " + kind + " window has no multiplier");
        }
        return multiplier;
    }

    /** The window's length, for {@link Kind#TIME}; otherwise an exception. */
    public Duration duration() {
        if (kind != Kind.TIME) {
            throw new IllegalStateException("a " + kind + " window has no duration");
        }
        return duration;
    }

    /**
     * For a {@link Kind#DIFFICULTY} window, its size in {@link ShareWeight} units for a block of
     * {@code networkDifficulty}: {@code floor(weight(networkDifficulty) × multiplier)}, exact.
     */
    public BigInteger targetWeight(double networkDifficulty) {
        BigDecimal m = multiplier();
        BigInteger net = ShareWeight.of(networkDifficulty);
        if (m.scale() <= 0) {
            return net.multiply(m.toBigIntegerExact());
        }
        return net.multiply(m.unscaledValue()).divide(BigInteger.TEN.pow(m.scale()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowSpec other && kind == other.kind && Objects.equals(multiplier, other.multiplier)
                && Objects.equals(duration, other.duration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, multiplier, duration);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE, ROUND -> kind.name().toLowerCase(java.util.Locale.ROOT);
            case DIFFICULTY -> "difficulty(" + multiplier.toPlainString() + " x network difficulty)";
            case TIME -> "time(" + duration + ")";
        };
    }
}
