package io.poolkit.accounting.scheme;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A scheme's settings: string properties read through typed getters that name the bad value in their errors.
 *
 * <p>Every scheme understands {@value #FEE_BPS} (pool fee in basis points, default 0). Getters record which
 * keys were read, so {@link #rejectUnread(String)} can report a misspelt setting. Not thread-safe: confine to
 * the provider call.
 *
 * <pre>{@code
 * SchemeConfig config = SchemeConfig.of(Map.of("n", "2", "fee.bps", "150"));
 * BigDecimal n = config.positiveDecimal("n", "2");
 * }</pre>
 */
public final class SchemeConfig {
    /** The pool fee in basis points (0..10000). */
    public static final String FEE_BPS = "fee.bps";

    private final Map<String, String> values;
    private final Set<String> read = new HashSet<>();

    private SchemeConfig(Map<String, String> values) {
        this.values = values;
    }

    /** The settings in {@code properties}; keys are matched as given, values trimmed. */
    public static SchemeConfig of(Map<String, String> properties) {
        Objects.requireNonNull(properties, "properties");
        Map<String, String> copy = new TreeMap<>();
        properties.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"),
                Objects.requireNonNull(v, () -> "value of " + k).trim()));
        return new SchemeConfig(copy);
    }

    /** The raw value of {@code key}, or {@code fallback}. */
    public String string(String key, String fallback) {
        read.add(key);
        return values.getOrDefault(key, fallback);
    }

    /** The pool fee in basis points, 0..10000; 0 when not set. */
    public int feeBasisPoints() {
        String raw = string(FEE_BPS, "0");
        try {
            int bps = Integer.parseInt(raw);
            if (bps < 0 || bps > 10_000) {
                throw new IllegalArgumentException(FEE_BPS + " must be 0..10000 basis points: " + raw);
            }
            return bps;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(FEE_BPS + " must be an integer number of basis points: '" + raw + "'",
                    e);
        }
    }

    /** A decimal number {@code > 0} (e.g. {@code 2}, {@code 1.5}). */
    public BigDecimal positiveDecimal(String key, String fallback) {
        String raw = string(key, fallback);
        if (raw == null) {
            throw new IllegalArgumentException("setting '" + key + "' is required");
        }
        try {
            BigDecimal value = new BigDecimal(raw);
            if (value.signum() <= 0 || value.scale() > 9 || value.compareTo(BigDecimal.valueOf(1_000_000)) > 0) {
                throw new IllegalArgumentException(
                        "setting '" + key + "' must be > 0, <= 1000000, with at most 9 decimals: " + raw);
            }
            return value.stripTrailingZeros();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be a decimal number: '" + raw + "'", e);
        }
    }

    /**
     * A positive duration: ISO-8601 ({@code PT1H30M}) or a number with a unit {@code s}, {@code m},
     * {@code h} or {@code d} ({@code 90m}).
     */
    public Duration positiveDuration(String key, String fallback) {
        String raw = string(key, fallback);
        if (raw == null) {
            throw new IllegalArgumentException("setting '" + key + "' is required (e.g. 1h, 90m, PT1H)");
        }
        Duration duration;
        try {
            duration = parseDuration(raw);
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be a duration like 1h, 90m or PT1H: '"
                    + raw + "'", e);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("setting '" + key + "' must be a positive duration: '" + raw + "'");
        }
        return duration;
    }

    /** Fails naming every key that no getter read; {@link PayoutSchemes} calls it after the provider. */
    public void rejectUnread(String schemeName) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown setting(s) " + unknown + " for scheme '" + schemeName
                    + "'; it reads " + new TreeSet<>(read));
        }
    }

    private static Duration parseDuration(String raw) {
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.startsWith("p")) {
            return Duration.parse(raw.toUpperCase(Locale.ROOT));
        }
        if (lower.isEmpty()) {
            throw new NumberFormatException("empty");
        }
        long amount = Long.parseLong(lower.substring(0, lower.length() - 1));
        return switch (lower.charAt(lower.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            case 'd' -> Duration.ofDays(amount);
            default -> throw new NumberFormatException("no unit");
        };
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
