package io.poolkit.core.guard;

import java.util.ArrayList;
import java.util.List;

/** Keeps what a guard logs, as {@code "WARN message"} and {@code "INFO message"} lines. */
final class RecordingLog implements GuardLog {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void warn(String message) {
        lines.add("WARN " + message);
    }

    @Override
    public synchronized void info(String message) {
        lines.add("INFO " + message);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines containing {@code text}. */
    synchronized List<String> matching(String text) {
        return lines.stream().filter(line -> line.contains(text)).toList();
    }

    synchronized void clear() {
        lines.clear();
    }
}
