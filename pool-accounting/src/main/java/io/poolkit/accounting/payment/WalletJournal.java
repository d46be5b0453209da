package io.poolkit.accounting.payment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The append-only journal behind the test wallets: one record a line, fields separated by spaces, each line
 * forced to disk before {@link #append} returns and closed by an end mark, so a line that a crash cut short is
 * recognised on replay. Package-private; not thread-safe (its wallets synchronise).
 */
final class WalletJournal {
    /** Ends every complete line. */
    private static final String END = " ;";

    private final Path file;

    WalletJournal(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    Path file() {
        return file;
    }

    /**
     * Hands each complete record's fields to {@code record}, in order. A torn last line is a write the crash cut
     * short, so its operation never returned and did not happen: it is skipped. A bad line anywhere else,
     * or one that {@code record} rejects with a {@code RuntimeException}, makes the journal corrupt.
     *
     * @throws IllegalStateException naming the file and line of a corrupt journal
     * @throws UncheckedIOException  when the file cannot be read
     */
    void replay(Consumer<String[]> record) {
        if (!Files.exists(file)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read wallet journal " + file, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                if (!line.endsWith(END)) {
                    throw new IllegalArgumentException("no end mark");
                }
                record.accept(line.substring(0, line.length() - END.length()).split(" "));
            } catch (RuntimeException e) {
                if (i == lines.size() - 1) {
                    return;
                }
                throw new IllegalStateException("corrupt wallet journal " + file + " line " + (i + 1) + " ("
                        + e.getMessage() + "): '" + line + "'", e);
            }
        }
    }

    /** Appends one record and forces it to disk. */
    void append(String... fields) throws IOException {
        String line = String.join(" ", fields) + END + "\n";
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
    }
}
