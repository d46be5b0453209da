package io.poolkit.core.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Reads the real test data in {@code ../shared/vectors} in place, beside the repository.
 *
 * <p>A fresh clone has no {@code ../shared}: tests that need it are then skipped with a message. When the
 * environment variable {@code CI} is set, a missing folder fails the test instead, so CI never goes green
 * by skipping. The folder comes from the system property {@code poolkit.shared.dir} (the build sets it) or
 * is looked for beside the repository.
 *
 * <pre>{@code
 * byte[] block = SharedVectors.bytes("bitcoin-core/block413567.raw");
 * }</pre>
 */
public final class SharedVectors {
    private static final String PROPERTY = "poolkit.shared.dir";

    private SharedVectors() {}

    /** The file at {@code relative} under {@code shared/vectors}; skips (or fails under CI) when absent. */
    public static Path path(String relative) {
        Path vectors = vectorsDir();
        Path file = vectors.resolve(relative);
        requirePresent(Files.isRegularFile(file), "vector file " + file);
        return file;
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String relative) {
        return new String(bytes(relative), StandardCharsets.UTF_8);
    }

    /** The {@code shared} folder itself (holding {@code vectors/} and {@code tools/}). */
    public static Path sharedDir() {
        Path found = locateShared();
        requirePresent(found != null, "../shared (set -D" + PROPERTY + " or clone beside it)");
        return found;
    }

    /** Whether {@code ../shared/vectors} was found. */
    public static boolean isPresent() {
        return locateShared() != null;
    }

    private static Path vectorsDir() {
        return sharedDir().resolve("vectors");
    }

    private static Path locateShared() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && Files.isDirectory(Paths.get(configured, "vectors"))) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        // Walk up from the working directory: the module folder, then the repository, then beside it.
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isDirectory(candidate.resolve("vectors"))) {
                return candidate.normalize();
            }
        }
        return null;
    }

    /** Skips the calling test when {@code present} is false, or fails it when {@code CI} is set. */
    public static void requirePresent(boolean present, String what) {
        if (present) {
            return;
        }
        String message = "missing " + what + ": the shared test data lives beside the repository";
        if (System.getenv("CI") != null) {
            fail(message + " and CI is set, so this is a failure, not a skip");
        }
        assumeTrue(false, message + "; skipping");
    }
}
