package io.poolkit.stratum.codec;

import java.util.Objects;

/**
 * A line that is not a usable Stratum message: malformed JSON, invalid UTF-8, not an object, no
 * method, nesting too deep, a number too long. Answer it with {@link StratumError#OTHER} and keep the
 * session:
 *
 * <pre>{@code
 * StratumWriter.writeError(out, error.id(), StratumError.OTHER, error.reason());
 * }</pre>
 *
 * @param id the request's id when it was read before the problem, else {@link StratumId#NULL}
 * @param reason what was wrong, for the error reply and the log (never contains the whole line)
 */
public record StratumDecodeError(StratumId id, String reason) implements StratumMessage {
    public StratumDecodeError {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reason, "reason");
    }
}
