package io.poolkit.core.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;

/**
 * How the client authenticates: a fixed user and password, or {@code bitcoind}'s cookie file, which the
 * node rewrites with a new random password each time it starts.
 *
 * <p>Thread-safe: the cached cookie header is volatile and re-reading is idempotent.
 */
final class Credentials {
    private final Path cookieFile;
    private final String user;
    private final String fixedHeader;
    private volatile String cookieHeader;
    private volatile String cookieProblem;

    private Credentials(Path cookieFile, String user, String fixedHeader) {
        this.cookieFile = cookieFile;
        this.user = user;
        this.fixedHeader = fixedHeader;
    }

    static Credentials userPassword(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an RPC user name cannot contain ':'; got '" + user + "'");
        }
        return new Credentials(null, user, basic(user + ":" + password));
    }

    static Credentials cookie(Path cookieFile) {
        return new Credentials(Objects.requireNonNull(cookieFile, "cookieFile"), null, null);
    }

    boolean isCookie() {
        return cookieFile != null;
    }

    /** Whether the next header may need file I/O (a cookie not read yet). */
    boolean needsLoad() {
        return cookieFile != null && cookieHeader == null;
    }

    /**
     * The {@code Authorization} header value to send, reading the cookie file the first time. Null when the
     * cookie cannot be read: the request then goes without credentials, so a node that is down still shows as
     * unreachable, and a 401 explains the cookie problem.
     */
    String header() {
        if (fixedHeader != null) {
            return fixedHeader;
        }
        String cached = cookieHeader;
        return cached != null ? cached : reload();
    }

    /** Reads the cookie file again (the node may have restarted); returns the new header or null. */
    String reload() {
        try {
            String content = Files.readString(cookieFile, StandardCharsets.UTF_8).strip();
            if (content.indexOf(':') <= 0) {
                cookieProblem = "cookie file " + cookieFile + " does not hold user:password";
                return null;
            }
            String header = basic(content);
            cookieHeader = header;
            cookieProblem = null;
            return header;
        } catch (IOException | RuntimeException e) {
            cookieProblem = "cookie file " + cookieFile + " cannot be read (" + e + ")";
            return null;
        }
    }

    /** For a 401's message: which credentials the node refused. */
    String describeRefusal() {
        if (cookieFile == null) {
            return "the node refused user '" + user + "' and its password (check rpcuser/rpcpassword or rpcauth)";
        }
        String problem = cookieProblem;
        if (problem != null) {
            return "the node wants credentials and the " + problem;
        }
        return "the node refused the cookie in " + cookieFile + ", also after re-reading it (is it this node's "
                + "cookie? check -datadir, -rpccookiefile and the network's subfolder)";
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }
}
