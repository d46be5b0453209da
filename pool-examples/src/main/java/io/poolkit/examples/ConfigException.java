package io.poolkit.examples;

/**
 * A bad command-line option or configuration value: its message is the one line the reference pool prints
 * before it exits with status 2, naming the option (or the key in {@code pool.json}), the value given and
 * what is allowed.
 *
 * <pre>{@code
 * invalid --miners 'abc': expected a whole number from 0 to 64
 * invalid stratum.port 70000 in pool.json: expected a port from 1 to 65535
 * }</pre>
 *
 * <p>Immutable.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String option;

    ConfigException(String option, String message) {
        super(message);
        this.option = option;
    }

    /**
     * {@code invalid OPTION 'VALUE'[ in SOURCE]: expected EXPECTED}: a value that is not allowed.
     *
     * @param source where it came from ({@code pool.json}), or null for the command line
     */
    static ConfigException invalid(String option, Object value, String expected, String source) {
        return new ConfigException(option, "invalid " + option + " " + quote(value)
                + (source == null ? "" : " in " + source) + ": expected " + expected);
    }

    /** An option or key the pool does not know, with the ones it does. */
    static ConfigException unknown(String what, String option, String known, String source) {
        return new ConfigException(option, "unknown " + what + " '" + option + "'"
                + (source == null ? "" : " in " + source) + ": expected one of " + known);
    }

    /** A required option or key that was not given. */
    static ConfigException missing(String option, String expected, String source) {
        return new ConfigException(option, "missing " + option + (source == null ? "" : " in " + source)
                + ": expected " + expected);
    }

    /** The option or key the message is about. */
    public String option() {
        return option;
    }

    private static String quote(Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        String text = String.valueOf(value).replace("\n", "\\n");
        if (text.length() > 120) {
            text = text.substring(0, 117) + "...";
        }
        return "'" + text + "'";
    }
}
