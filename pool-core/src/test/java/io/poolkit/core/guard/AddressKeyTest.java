package io.poolkit.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressKeyTest {
    private static InetAddress ip(String literal) {
        return ConnectionGuardTest.ip(literal);
    }

    private static String key(String literal, int prefix) {
        InetAddress address = ip(literal);
        return AddressKey.display(AddressKey.hi(address, prefix), AddressKey.lo(address, prefix), prefix);
    }

    @Test
    void ipv4AddressesAreThemselves() {
        assertEquals("203.0.113.255", key("203.0.113.255", 64));
        assertEquals("127.0.0.1", key("127.0.0.1", 128));
        assertEquals(0, AddressKey.hi(ip("10.1.2.3"), 64));
        assertEquals(0xFFFF_0A01_0203L, AddressKey.lo(ip("10.1.2.3"), 64));
    }

    @Test
    void ipv6AddressesAreCutToThePrefix() {
        assertEquals("2001:db8:0:1:0:0:0:0/64", key("2001:db8:0:1:aaaa:bbbb:cccc:dddd", 64));
        assertEquals("2001:db8:0:0:0:0:0:0/48", key("2001:db8:0:1:aaaa:bbbb:cccc:dddd", 48));
        assertEquals("2001:db8:0:1:aaaa:bbbb:cc00:0/104", key("2001:db8:0:1:aaaa:bbbb:cccc:dddd", 104));
        assertEquals("2001:db8:0:1:aaaa:bbbb:cccc:dddd", key("2001:db8:0:1:aaaa:bbbb:cccc:dddd", 128));
        assertEquals("0:0:0:0:0:0:0:1", key("::1", 128));
    }

    @Test
    void keysAreEqualByValue() {
        AddressKey a = new AddressKey(1, 2, 3);
        AddressKey probe = new AddressKey();
        probe.set(1, 2, 3);
        assertEquals(a, probe);
        assertEquals(a.hashCode(), probe.hashCode());
        probe.set(1, 3, 3);
        assertNotEquals(a, probe);
    }
}
