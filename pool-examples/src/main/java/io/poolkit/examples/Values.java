package io.poolkit.examples;

import io.poolkit.core.chain.Address;
import io.poolkit.core.chain.AddressException;
import io.poolkit.core.chain.Network;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Parses the text of one option or configuration value, failing with a {@link ConfigException} that names
 * the option, the value and what is allowed. The command line and {@code pool.json} share these, so the same
 * mistake reads the same wherever it is made.
 *
 * <p>Stateless. {@code source} is where the value came from ({@code pool.json}), or null for the command
 * line.
 */
final class Values {
    /** The most built-in miners the demo runs. */
    static final int MAX_MINERS = 64;

    private Values() {}

    /** A TCP port 1..65535, or also 0 ("any free port") when {@code allowZero}. */
    static int port(String option, String text, boolean allowZero, String source) {
        int min = allowZero ? 0 : 1;
        String expected = allowZero ? "a port from 1 to 65535, or 0 for any free port" : "a port from 1 to 65535";
        Long value = wholeOrNull(text);
        if (value == null || value < min || value > 65535) {
            throw ConfigException.invalid(option, text, expected, source);
        }
        return value.intValue();
    }

    /** A whole number in [min, max]. */
    static int wholeNumber(String option, String text, int min, int max, String source) {
        Long value = wholeOrNull(text);
        if (value == null || value < min || value > max) {
            throw ConfigException.invalid(option, text, "a whole number from " + min + " to " + max, source);
        }
        return value.intValue();
    }

    /** A whole number of satoshis, at least {@code min}, at most 21 million BTC. */
    static long sats(String option, String text, long min, String source) {
        Long value = wholeOrNull(text);
        long max = 21_000_000L * 100_000_000L;
        if (value == null || value < min || value > max) {
            throw ConfigException.invalid(option, text, "a whole number of satoshis from " + min + " to " + max,
                    source);
        }
        return value;
    }

    /** A share difficulty: a positive finite number, fractions allowed ({@code 0.001}, {@code 1e-6}). */
    static double difficulty(String option, String text, String source) {
        double value = decimalOrNaN(text);
        if (!(value > 0) || Double.isInfinite(value) || value > 1e15) {
            throw ConfigException.invalid(option, text,
                    "a difficulty > 0 and <= 1e15 (fractions allowed, e.g. 0.001 or 1e-6)", source);
        }
        return value;
    }

    /**
     * Hashes per second, with an optional k, M, G or T suffix ({@code 500k}, {@code 2M}, {@code 1.5G}); 0 means
     * no limit.
     */
    static long hashrate(String option, String text, String source) {
        String t = text == null ? "" : text.strip();
        double scale = 1;
        if (!t.isEmpty()) {
            char last = t.charAt(t.length() - 1);
            switch (last) {
                case 'k', 'K' -> scale = 1e3;
                case 'm', 'M' -> scale = 1e6;
                case 'g', 'G' -> scale = 1e9;
                case 't', 'T' -> scale = 1e12;
                default -> { }
            }
            if (scale != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        double value = decimalOrNaN(t) * scale;
        if (!(value >= 0) || value > 1e15) {
            throw ConfigException.invalid(option, text,
                    "hashes per second >= 0 with an optional k, M, G or T suffix (e.g. 500k, 2M; 0 for no limit)",
                    source);
        }
        return Math.round(value);
    }

    /**
     * A duration: seconds as a plain number ({@code 20}, {@code 2.5}) or with a unit ({@code 500ms}, {@code 20s},
     * {@code 10m}, {@code 1h}, {@code 2d}), at least {@code minSeconds}; 0 is allowed only when {@code minSeconds}
     * is 0.
     */
    static Duration duration(String option, String text, double minSeconds, String source) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        double unit = 1;
        if (t.endsWith("ms")) {
            unit = 0.001;
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3600;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("d")) {
            unit = 86_400;
            t = t.substring(0, t.length() - 1);
        }
        double seconds = decimalOrNaN(t) * unit;
        if (!(seconds >= minSeconds) || seconds > 366 * 24 * 3600.0 || (minSeconds > 0 && seconds == 0)) {
            String least = minSeconds == 0 ? "0 or more" : "at least " + BigDecimal.valueOf(minSeconds)
                    .stripTrailingZeros().toPlainString();
            throw ConfigException.invalid(option, text, "a duration of " + least
                    + " seconds, as seconds or with a unit (e.g. 20, 500ms, 20s, 10m, 1h)", source);
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** A duration from {@code min} to {@code max}, written as {@link #duration} reads it. */
    static Duration durationBetween(String option, String text, Duration min, Duration max, String source) {
        String expected = "a duration from " + describe(min) + " to " + describe(max)
                + ", as seconds or with a unit (e.g. 20, 500ms, 20s, 10m, 1h)";
        Duration value;
        try {
            value = duration(option, text, 0, source);
        } catch (ConfigException e) {
            throw ConfigException.invalid(option, text, expected, source);
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw ConfigException.invalid(option, text, expected, source);
        }
        return value;
    }

    /** {@code 1 s}, {@code 10 min}, {@code 1 day}: a duration as a person would say it. */
    static String describe(Duration d) {
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + (d.toDays() == 1 ? " day" : " days");
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + " h";
        }
        if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
            return d.toMinutes() + " min";
        }
        if (d.toSeconds() > 0 && d.equals(Duration.ofSeconds(d.toSeconds()))) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }

    /** A decimal number in [min, max] ({@code 0.5}, {@code 20}, {@code 1e3}). */
    static double decimal(String option, String text, double min, double max, String source) {
        double value = decimalOrNaN(text);
        if (!(value >= min && value <= max)) {
            throw ConfigException.invalid(option, text, "a number from " + plain(min) + " to " + plain(max), source);
        }
        return value;
    }

    /** A rate per second: 0 for unlimited, otherwise 0.001 to 1,000,000. */
    static double ratePerSecond(String option, String text, String source) {
        double value = decimalOrNaN(text);
        if (!(value == 0 || (value >= 0.001 && value <= 1e6))) {
            throw ConfigException.invalid(option, text, "a rate per second from 0.001 to 1000000, or 0 for no limit",
                    source);
        }
        return value;
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** A network by Bitcoin Core's name. */
    static Network network(String option, String text, String source) {
        try {
            return Network.fromName(text == null ? "" : text);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(option, text, "one of main, test, signet, regtest", source);
        }
    }

    /** An address of {@code network}, returned in its canonical form. */
    static String address(String option, String text, Network network, String source) {
        try {
            return Address.parse(text == null ? "" : text.strip(), network).toString();
        } catch (AddressException e) {
            throw ConfigException.invalid(option, text, "an address of " + network.chainName() + " ("
                    + e.getMessage() + ")", source);
        }
    }

    /** An {@code http://} or {@code https://} URL with a host. */
    static URI httpUrl(String option, String text, String source) {
        String expected = "an http:// URL with a host, e.g. http://127.0.0.1:8332 or http://127.0.0.1:18443/wallet/pool";
        try {
            URI uri = new URI(text == null ? "" : text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getUserInfo() != null) {
                throw ConfigException.invalid(option, text, expected + " (credentials go in their own settings)",
                        source);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ConfigException.invalid(option, text, expected, source);
        }
    }

    /** A PostgreSQL JDBC URL. */
    static String jdbcPostgresqlUrl(String option, String text, String source) {
        String t = text == null ? "" : text.strip();
        if (!t.startsWith("jdbc:postgresql://") || t.length() <= "jdbc:postgresql://".length()) {
            throw ConfigException.invalid(option, text,
                    "a PostgreSQL JDBC URL like jdbc:postgresql://127.0.0.1:5432/pool", source);
        }
        return t;
    }

    /** A file that exists and can be read. */
    static Path readableFile(String option, String text, String source) {
        Path path = path(option, text, source);
        if (!Files.isRegularFile(path)) {
            throw ConfigException.invalid(option, text, "an existing file (" + (Files.exists(path)
                    ? "this is not a regular file" : "no such file: " + path.toAbsolutePath()) + ")", source);
        }
        if (!Files.isReadable(path)) {
            throw ConfigException.invalid(option, text, "a file this user can read", source);
        }
        return path;
    }

    /** A path (it need not exist yet). */
    static Path path(String option, String text, String source) {
        if (text == null || text.isBlank()) {
            throw ConfigException.invalid(option, text, "a file or folder path", source);
        }
        try {
            return Path.of(text.strip());
        } catch (InvalidPathException e) {
            throw ConfigException.invalid(option, text, "a valid path (" + e.getReason() + ")", source);
        }
    }

    /** {@code true} or {@code false}. */
    static boolean bool(String option, String text, String source) {
        if ("true".equals(text)) {
            return true;
        }
        if ("false".equals(text)) {
            return false;
        }
        throw ConfigException.invalid(option, text, "true or false", source);
    }

    /** A non-empty text of at most {@code maxLength} characters, without control characters. */
    static String text(String option, String text, int maxLength, String source) {
        if (text == null || text.isEmpty() || text.length() > maxLength || text.chars().anyMatch(c -> c < 0x20)) {
            throw ConfigException.invalid(option, text, "1 to " + maxLength + " printable characters", source);
        }
        return text;
    }

    private static Long wholeOrNull(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip().replace("_", "");
        if (t.isEmpty() || !t.matches("[+-]?\\d{1,18}")) {
            return null;
        }
        return Long.parseLong(t);
    }

    private static double decimalOrNaN(String text) {
        if (text == null) {
            return Double.NaN;
        }
        String t = text.strip();
        // Only plain decimal and exponent forms: no hex floats, no "NaN" or "Infinity" words.
        if (!t.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?")) {
            return Double.NaN;
        }
        return Double.parseDouble(t);
    }
}
