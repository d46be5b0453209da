package io.poolkit.stratum.server;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IP addresses and CIDR ranges ({@code 10.0.0.0/8}, {@code 192.168.1.5}, {@code 2001:db8::/32}),
 * parsed without DNS. An IPv4-mapped IPv6 address matches as its IPv4 address. Immutable.
 */
final class AddressRanges {
    private final List<Range> ranges;

    private AddressRanges(List<Range> ranges) {
        this.ranges = ranges;
    }

    /**
     * Parses each entry.
     *
     * @throws IllegalStateException naming an entry that is not an address or a range
     */
    static AddressRanges parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : entries) {
            if (entry == null) {
                throw new IllegalStateException("trusted proxy entries must not be null");
            }
            String text = entry.strip();
            int slash = text.indexOf('/');
            byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalStateException("trusted proxy '" + entry + "' is not an IP address or CIDR range");
            }
            address = unmapped(address);
            int bits = address.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalStateException("trusted proxy '" + entry + "' has a prefix length outside 0.."
                            + bits);
                }
            }
            ranges.add(new Range(address, prefix));
        }
        return new AddressRanges(List.copyOf(ranges));
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    boolean contains(InetAddress address) {
        byte[] bytes = unmapped(address.getAddress());
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address; others unchanged. */
    private static byte[] unmapped(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return address;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }

    private static final class Range {
        private final byte[] network;
        private final int prefix;

        Range(byte[] network, int prefix) {
            this.network = network;
            this.prefix = prefix;
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
