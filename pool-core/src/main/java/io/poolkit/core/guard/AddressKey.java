package io.poolkit.core.guard;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address as the guard counts it: 128 bits, IPv4 as its IPv4-mapped IPv6 form, IPv6 cut to the
 * configured prefix. A mutable instance is a stripe's probe for look-ups (so finding a known address
 * allocates nothing); the instances stored in the table are never changed.
 */
final class AddressKey {
    /** The {@code ::ffff:0:0/96} prefix of IPv4-mapped addresses, in the low half. */
    private static final long V4_MAPPED = 0xFFFF_0000_0000L;
    /**
     * {@link Inet4Address#hashCode()} is the address itself on every JDK we know; checked once here so
     * the IPv4 path needs no {@code getAddress()} copy, and falls back to the copy if it ever is not.
     */
    private static final boolean IPV4_HASH_IS_ADDRESS = ipv4HashIsAddress();

    long hi;
    long lo;
    int hash;

    AddressKey() {}

    AddressKey(long hi, long lo, int hash) {
        this.hi = hi;
        this.lo = lo;
        this.hash = hash;
    }

    void set(long hi, long lo, int hash) {
        this.hi = hi;
        this.lo = lo;
        this.hash = hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressKey other && other.hi == hi && other.lo == lo;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** The high 64 bits of {@code address}'s key. */
    static long hi(InetAddress address, int ipv6Prefix) {
        if (address instanceof Inet4Address) {
            return 0;
        }
        byte[] bytes = address.getAddress();
        long hi = read(bytes, 0);
        if (hi == 0 && (read(bytes, 8) >>> 32) == 0xFFFF) {
            return 0; // IPv4-mapped: the same key as the IPv4 address
        }
        return ipv6Prefix >= 64 ? hi : hi & mask(ipv6Prefix);
    }

    /** The low 64 bits of {@code address}'s key. */
    static long lo(InetAddress address, int ipv6Prefix) {
        if (address instanceof Inet4Address v4) {
            return V4_MAPPED | ipv4(v4);
        }
        byte[] bytes = address.getAddress();
        long lo = read(bytes, 8);
        if (read(bytes, 0) == 0 && (lo >>> 32) == 0xFFFF) {
            return lo;
        }
        return ipv6Prefix <= 64 ? 0 : lo & mask(ipv6Prefix - 64);
    }

    /** The address (or prefix) a key stands for, for logs and operators. */
    static String display(long hi, long lo, int ipv6Prefix) {
        if (hi == 0 && (lo >>> 32) == 0xFFFF) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (hi >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            String text = InetAddress.getByAddress(bytes).getHostAddress();
            return ipv6Prefix == 128 ? text : text + "/" + ipv6Prefix;
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are an IPv6 address", e);
        }
    }

    private static long ipv4(Inet4Address address) {
        if (IPV4_HASH_IS_ADDRESS) {
            return address.hashCode() & 0xFFFF_FFFFL;
        }
        byte[] bytes = address.getAddress();
        return ((bytes[0] & 0xFFL) << 24) | ((bytes[1] & 0xFFL) << 16) | ((bytes[2] & 0xFFL) << 8) | (bytes[3] & 0xFFL);
    }

    private static long read(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFFL);
        }
        return value;
    }

    /** The top {@code bits} (1..64) of a long set. */
    private static long mask(int bits) {
        return bits == 64 ? -1L : ~(-1L >>> bits);
    }

    private static boolean ipv4HashIsAddress() {
        try {
            byte[][] samples = {{1, 2, 3, 4}, {(byte) 203, 0, 113, (byte) 255}, {127, 0, 0, 1}};
            for (byte[] sample : samples) {
                int expected = ((sample[0] & 0xFF) << 24) | ((sample[1] & 0xFF) << 16) | ((sample[2] & 0xFF) << 8)
                        | (sample[3] & 0xFF);
                if (InetAddress.getByAddress(sample).hashCode() != expected) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
