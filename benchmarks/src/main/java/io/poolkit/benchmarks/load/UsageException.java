package io.poolkit.benchmarks.load;

/**
 * A bad command line: its message is the one line a tool prints before it exits with status 2, naming the
 * option, the value given and what is allowed.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }

    /** {@code invalid OPTION 'VALUE': expected EXPECTED}. */
    static UsageException invalid(String option, String value, String expected) {
        return new UsageException("invalid " + option + " '" + value + "': expected " + expected);
    }
}
