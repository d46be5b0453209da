package io.poolkit.stratum.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One more address a {@link StratumServer} listens on, with its own transport: plain TCP, TLS
 * ({@code stratum+ssl}) from PEM files, and optionally the PROXY protocol (v1 and v2) when it sits behind a
 * load balancer. Every listener of a server shares its sessions, jobs, guard and event loops.
 *
 * <pre>{@code
 * StratumServer server = StratumServer.builder()
 *         .port(3333)                                              // plain
 *         .listener(StratumListener.builder().port(3334)
 *                 .tls(Path.of("fullchain.pem"), Path.of("key.pem"))   // stratum+ssl
 *                 .build())
 *         .listener(StratumListener.builder().host("10.0.0.5").port(3335)
 *                 .proxyProtocol(true).trustedProxies("10.0.0.0/24")    // behind HAProxy
 *                 .build())
 *         ...
 * }</pre>
 *
 * <p>Immutable; the files are read when the server is built.
 */
public final class StratumListener {
    private final String host;
    private final int port;
    private final Path certChain;
    private final Path privateKey;
    private final char[] keyPassword;
    private final boolean proxyProtocol;
    private final List<String> trustedProxies;

    private StratumListener(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.certChain = b.certChain;
        this.privateKey = b.privateKey;
        this.keyPassword = b.keyPassword == null ? null : b.keyPassword.clone();
        this.proxyProtocol = b.proxyProtocol;
        this.trustedProxies = b.trustedProxies;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address listened on; {@code 0.0.0.0} for every interface. */
    public String host() {
        return host;
    }

    /** The port; 0 lets the system choose. */
    public int port() {
        return port;
    }

    /** Whether this listener speaks TLS. */
    public boolean isTls() {
        return certChain != null;
    }

    /** The PEM certificate chain file; null for plain TCP. */
    public Path certChain() {
        return certChain;
    }

    /** The PEM private key file; null for plain TCP. */
    public Path privateKey() {
        return privateKey;
    }

    /** Whether each connection starts with a PROXY protocol header (v1 or v2) naming the real client. */
    public boolean proxyProtocol() {
        return proxyProtocol;
    }

    /** The addresses and ranges PROXY headers are accepted from; empty when any source may send one. */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    char[] keyPassword() {
        return keyPassword;
    }

    @Override
    public String toString() {
        return (isTls() ? "stratum+ssl://" : "stratum+tcp://") + host + ":" + port + (proxyProtocol ? " (PROXY protocol"
                + (trustedProxies.isEmpty() ? "" : " from " + trustedProxies) + ")" : "");
    }

    /** Configures a {@link StratumListener}. Not thread-safe. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = -1;
        private Path certChain;
        private Path privateKey;
        private char[] keyPassword;
        private boolean proxyProtocol;
        private List<String> trustedProxies = List.of();

        private Builder() {}

        /** The address to listen on (default {@code 0.0.0.0}, every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port to listen on; required (0 lets the system choose). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Speaks TLS with the certificate chain (the server's certificate first, then intermediates) and its
         * unencrypted PKCS#8 private key, both PEM files (what {@code certbot} writes as {@code fullchain.pem}
         * and {@code privkey.pem}).
         */
        public Builder tls(Path certChain, Path privateKey) {
            return tls(certChain, privateKey, null);
        }

        /** As {@link #tls(Path, Path)}, for an encrypted PKCS#8 key ({@code BEGIN ENCRYPTED PRIVATE KEY}). */
        public Builder tls(Path certChain, Path privateKey, String keyPassword) {
            this.certChain = Objects.requireNonNull(certChain, "certChain");
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
            this.keyPassword = keyPassword == null ? null : keyPassword.toCharArray();
            return this;
        }

        /**
         * Expects a PROXY protocol header (v1 text or v2 binary) at the start of every connection, as HAProxy,
         * nginx or a cloud load balancer sends with {@code send-proxy}: bans, limits, logs and stats then see
         * the client's address from the header. A connection without a valid header is closed. Default off:
         * turn it on only behind a proxy, since any client could otherwise claim any address.
         */
        public Builder proxyProtocol(boolean on) {
            this.proxyProtocol = on;
            return this;
        }

        /**
         * Accepts connections only from these proxies: addresses ({@code 10.0.0.5}, {@code ::1}) or ranges in
         * CIDR form ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); others are closed at accept. Requires
         * {@link #proxyProtocol}. Default: any source.
         */
        public Builder trustedProxies(String... addressesOrRanges) {
            this.trustedProxies = List.copyOf(Arrays.asList(addressesOrRanges));
            return this;
        }

        /**
         * Checks the settings and makes the listener (the files are read by the server's build).
         *
         * @throws IllegalStateException naming the first bad setting
         */
        public StratumListener build() {
            if (port < 0 || port > 65535) {
                throw new IllegalStateException("listener port must be 0..65535; got " + (port == -1 ? "none" : port));
            }
            if (!trustedProxies.isEmpty() && !proxyProtocol) {
                throw new IllegalStateException("trustedProxies " + trustedProxies + " need proxyProtocol(true)");
            }
            AddressRanges.parse(trustedProxies); // throws naming a bad entry
            return new StratumListener(this);
        }
    }
}
