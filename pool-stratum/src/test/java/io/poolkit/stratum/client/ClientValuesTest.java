package io.poolkit.stratum.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.stratum.codec.StratumError;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumResponse;
import io.poolkit.stratum.codec.StratumValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientValuesTest {
    @Test
    void readsSubscribeResultsWithAListOfPairsOrASinglePair() {
        SubscribeResult listed = SubscribeResult.fromResult(StratumValue.array(
                StratumValue.array(
                        StratumValue.array(StratumValue.of("mining.set_difficulty"), StratumValue.of("a")),
                        StratumValue.array(StratumValue.of("mining.notify"), StratumValue.of("b"))),
                StratumValue.of("08000002"), StratumValue.of(4)));
        assertEquals(Map.of("mining.set_difficulty", "a", "mining.notify", "b"), listed.subscriptions());
        assertEquals(Extranonce.of("08000002", 4), listed.extranonce());

        SubscribeResult single = SubscribeResult.fromResult(StratumValue.array(
                StratumValue.array(StratumValue.of("mining.notify"), StratumValue.of("ae6812eb4cd7735a302a8a9dd95cf71f")),
                StratumValue.of("f8002c90"), StratumValue.of(4)));
        assertEquals(Map.of("mining.notify", "ae6812eb4cd7735a302a8a9dd95cf71f"), single.subscriptions());
    }

    @Test
    void refusesSubscribeResultsItCannotUseNamingTheProblem() {
        assertMessage(() -> SubscribeResult.fromResult(StratumValue.TRUE), "a subscribe result is");
        assertMessage(() -> SubscribeResult.fromResult(StratumValue.array(StratumValue.array(), StratumValue.of(5), StratumValue.of(4))),
                "extranonce1 must be a hex string");
        assertMessage(() -> SubscribeResult.fromResult(StratumValue.array(StratumValue.array(), StratumValue.of("0g"), StratumValue.of(4))),
                "not hex");
        assertMessage(() -> SubscribeResult.fromResult(StratumValue.array(StratumValue.array(), StratumValue.of("00"), StratumValue.of(33))),
                "extranonce2_size must be 0..32; got 33");
        assertMessage(() -> SubscribeResult.fromResult(StratumValue.array(StratumValue.array(), StratumValue.of("00"), StratumValue.of(1.5))),
                "extranonce2_size must be an integer");
    }

    @Test
    void turnsResponsesIntoSubmitVerdicts() {
        assertTrue(SubmitResult.fromResponse(StratumResponse.success(StratumId.of(4), StratumValue.TRUE)).isAccepted());
        SubmitResult duplicate = SubmitResult.fromResponse(StratumResponse.error(StratumId.of(4), StratumError.DUPLICATE_SHARE));
        assertEquals(SubmitResult.rejected(22, "Duplicate share"), duplicate);
        assertEquals(StratumError.DUPLICATE_SHARE, duplicate.error());
        SubmitResult codeOnly = SubmitResult.fromResponse(StratumResponse.of(StratumId.of(4), StratumValue.NULL,
                StratumValue.array(StratumValue.of(24), StratumValue.NULL, StratumValue.NULL)));
        assertEquals(SubmitResult.rejected(24, "Unauthorized worker"), codeOnly, "the standard message fills a missing one");
        SubmitResult falseOnly = SubmitResult.fromResponse(StratumResponse.success(StratumId.of(4), StratumValue.FALSE));
        assertFalse(falseOnly.isAccepted());
        assertEquals(20, falseOnly.code());
        assertEquals(0, SubmitResult.accepted().code());
    }

    @Test
    void readsTheConfigureAnswerStrictly() {
        ConfigureResult rolled = ConfigureResult.fromResult(StratumValue.object(Map.of(
                "version-rolling", StratumValue.TRUE, "version-rolling.mask", StratumValue.of("1fffe000"),
                "minimum-difficulty", StratumValue.TRUE)));
        assertEquals(0x1fffe000, rolled.versionRollingMask());
        assertTrue(rolled.minimumDifficulty());
        assertFalse(rolled.subscribeExtranonce());
        ConfigureResult signed = ConfigureResult.fromResult(StratumValue.object(Map.of(
                "version-rolling", StratumValue.TRUE, "version-rolling.mask", StratumValue.of("+1fffe00"))));
        assertEquals(0, signed.versionRollingMask(), "a mask that is not 8 hex digits is no mask");
        ConfigureResult refused = ConfigureResult.fromResult(StratumValue.object(Map.of(
                "version-rolling", StratumValue.of("not supported"), "version-rolling.mask", StratumValue.of("1fffe000"))));
        assertFalse(refused.versionRolling());
        assertEquals(0, refused.versionRollingMask());
        assertMessage(() -> ConfigureResult.fromResult(StratumValue.array()), "a configure result is an object");
    }

    @Test
    void buildsConfigureRequestsOnlyWithSomethingToAsk() {
        assertEquals(List.of(StratumValue.array(StratumValue.of("subscribe-extranonce")), StratumValue.object(Map.of())),
                ConfigureRequest.builder().subscribeExtranonce().build().params());
        assertThrows(IllegalStateException.class, () -> ConfigureRequest.builder().build());
        assertMessage(() -> ConfigureRequest.builder().minimumDifficulty(-2), "-2.0");
        assertMessage(() -> ConfigureRequest.builder().versionRolling(0x1fffe000, 33), "33");
    }

    @Test
    void copiesTheExtranonceAndChecksItsSize() {
        Extranonce extranonce = Extranonce.of("a215076b", 8);
        extranonce.extranonce1()[0] = 0;
        assertEquals("a215076b", extranonce.extranonce1Hex());
        assertMessage(() -> Extranonce.of("00", -1), "got -1");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
