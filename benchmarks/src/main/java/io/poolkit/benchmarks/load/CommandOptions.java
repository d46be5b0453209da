package io.poolkit.benchmarks.load;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A tool's options in one table, which {@code --help} prints with each default, so the two cannot drift apart;
 * and the value readers whose errors name the option, the value and what is allowed.
 *
 * @param <D> the mutable draft the options are read into
 */
final class CommandOptions<D> {
    /**
     * One option.
     *
     * @param name        e.g. {@code --connections}
     * @param arg         what its value is, for {@code --help}; empty for a flag, which takes no value
     * @param defaultText its default, as {@code --help} shows it
     * @param help        what it does
     * @param apply       reads the value into a draft (the value is null for a flag)
     */
    record Option<D>(String name, String arg, String defaultText, String help, BiConsumer<D, String> apply) {
        boolean isFlag() {
            return arg.isEmpty();
        }
    }

    private final String usage;
    private final Map<String, Option<D>> byName = new LinkedHashMap<>();

    /** {@code usage}: the first lines of {@code --help}, ending with a newline. */
    CommandOptions(String usage, List<Option<D>> options) {
        this.usage = usage;
        for (Option<D> option : options) {
            byName.put(option.name(), option);
        }
    }

    static boolean wantsHelp(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    String help() {
        StringBuilder out = new StringBuilder(usage).append("\nOptions:\n");
        for (Option<D> o : byName.values()) {
            String usageOf = o.isFlag() ? o.name() : o.name() + " " + o.arg();
            out.append(String.format(Locale.ROOT, "  %-28s %s%n", usageOf, o.help()));
            out.append(String.format(Locale.ROOT, "  %-28s (default: %s)%n", "", o.defaultText()));
        }
        out.append(String.format(Locale.ROOT, "  %-28s %s%n", "-h, --help", "this text"));
        return out.toString();
    }

    /** Reads {@code args} ({@code --name VALUE} or {@code --name=VALUE}) into {@code draft}. */
    void parse(String[] args, D draft) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Option<D> option = byName.get(name);
            if (option == null) {
                throw new UsageException("unknown " + (arg.startsWith("-") ? "option '" + name : "argument '" + arg)
                        + "': expected one of " + String.join(", ", byName.keySet()) + ", --help");
            }
            if (option.isFlag()) {
                if (value != null) {
                    throw UsageException.invalid(name, value, "no value: " + name + " is a flag");
                }
            } else if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("missing value for " + name + ": expected " + option.arg()
                            + " (default: " + option.defaultText() + ")");
                }
                value = args[++i];
            }
            option.apply().accept(draft, value);
        }
    }

    // ---- value readers

    static int wholeNumber(String option, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw UsageException.invalid(option, text, "a whole number from " + min + " to " + max);
    }

    static long positiveLong(String option, String text) {
        try {
            long value = Long.parseLong(text.strip());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw UsageException.invalid(option, text, "a whole number above 0");
    }

    static double decimal(String option, String text, double minExclusive, double max) {
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            value = Double.NaN;
        }
        if (!(value > minExclusive) || value > max) {
            throw UsageException.invalid(option, text, "a number above " + plain(minExclusive) + " and at most "
                    + plain(max));
        }
        return value;
    }

    /** Seconds, or a number with {@code ms}, {@code s}, {@code m} or {@code h}: {@code 20}, {@code 500ms}, {@code 2m}. */
    static Duration duration(String option, String text, double minSeconds, double maxSeconds) {
        String t = text.strip().toLowerCase(Locale.ROOT);
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
        }
        double seconds;
        try {
            seconds = Double.parseDouble(t) * unit;
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds >= minSeconds) || seconds > maxSeconds) {
            throw UsageException.invalid(option, text, "a duration from " + plain(minSeconds) + " to "
                    + plain(maxSeconds) + " seconds, as seconds or with a unit (500ms, 20s, 2m)");
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    static String nonEmpty(String option, String text, int maxLength) {
        if (text.isEmpty() || text.length() > maxLength) {
            throw UsageException.invalid(option, text, "a text of 1 to " + maxLength + " characters");
        }
        return text;
    }

    static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
