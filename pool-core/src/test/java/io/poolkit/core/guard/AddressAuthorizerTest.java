package io.poolkit.core.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Network;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class AddressAuthorizerTest {
    // Regtest addresses from the real node's validateaddress answers in shared/vectors/bitcoind-regtest.
    private static final String BECH32 = "bcrt1q44shv9q0a7lrry62ydmxdmc7ktzue4zwrwrqxh";
    private final AddressAuthorizer authorizer = new AddressAuthorizer(Network.REGTEST);

    @Test
    void grantsAnAddressWithAWorkerSuffixToTheAddressAccount() {
        var granted = assertInstanceOf(Authorization.Granted.class, authorizer.authorize(BECH32 + ".rig7", "x"));
        assertEquals(BECH32, granted.account());
        assertEquals(BECH32 + ".rig7", granted.worker());
        assertEquals(OptionalDouble.empty(), granted.difficultyHint());
    }

    @Test
    void readsADifficultyHintFromThePassword() {
        var granted = assertInstanceOf(Authorization.Granted.class, authorizer.authorize(BECH32, "x,d=0.000001"));
        assertEquals(OptionalDouble.of(0.000001), granted.difficultyHint());
        var plain = assertInstanceOf(Authorization.Granted.class, authorizer.authorize(BECH32, "d=512"));
        assertEquals(OptionalDouble.of(512), plain.difficultyHint());
    }

    @Test
    void ignoresADifficultyHintThatIsNotAPositiveNumber() {
        for (String password : new String[] {"d=abc", "d=-5", "d=0", "d=Infinity", "d=NaN"}) {
            var granted = assertInstanceOf(Authorization.Granted.class, authorizer.authorize(BECH32, password));
            assertEquals(OptionalDouble.empty(), granted.difficultyHint(), password);
        }
    }

    @Test
    void deniesAMainnetAddressOnRegtestSayingWhy() {
        var denied = assertInstanceOf(Authorization.Denied.class,
                authorizer.authorize("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4.w1", "x"));
        assertTrue(denied.reason().contains("mainnet"), denied.reason());
    }

    @Test
    void deniesNamesThatAreNotAddresses() {
        assertInstanceOf(Authorization.Denied.class, authorizer.authorize("", "x"));
        assertInstanceOf(Authorization.Denied.class, authorizer.authorize("worker1", "x"));
        assertInstanceOf(Authorization.Denied.class, authorizer.authorize("x".repeat(300), "x"));
    }
}
