package io.poolkit.stratum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.core.chain.Network;
import io.poolkit.core.share.RejectReason;
import io.poolkit.core.testing.UsesSharedVectors;
import io.poolkit.stratum.codec.StratumId;
import io.poolkit.stratum.codec.StratumMessage;
import io.poolkit.stratum.codec.StratumMethods;
import io.poolkit.stratum.codec.StratumRequest;
import io.poolkit.stratum.codec.StratumResponse;
import io.poolkit.stratum.codec.StratumValue;
import io.poolkit.stratum.testing.LeakTracking;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every method and every error code, through the server's real pipeline on {@code EmbeddedChannel}s. */
@ExtendWith(LeakTracking.class)
@Timeout(60)
@UsesSharedVectors
class SessionProtocolTest {
    private static final String WORKER = TestJobs.WORKER;
    private static final String SUBSCRIBE = "{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": [\"cpuminer/2.5.1\"]}";
    private static final String AUTHORIZE = "{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"" + WORKER + "\", \"x\"]}";

    private final ScriptedValidator validator = new ScriptedValidator();
    private final List<EmbeddedMiner> miners = new ArrayList<>();
    private StratumServer server = server(StratumServer.builder());

    private StratumServer server(StratumServer.Builder builder) {
        return builder.network(Network.REGTEST).shareValidator(validator).host("127.0.0.1").port(0)
                .extranonceAllocator(ExtranonceAllocator.builder().firstIndex(0x0a0b0c).build())
                .build();
    }

    private EmbeddedMiner miner() {
        EmbeddedMiner miner = new EmbeddedMiner(server);
        miners.add(miner);
        return miner;
    }

    private EmbeddedMiner subscribedAndAuthorized() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE).send(AUTHORIZE);
        miner.lines();
        return miner;
    }

    @AfterEach
    void closeMiners() {
        miners.forEach(EmbeddedMiner::close);
        server.core().loops().forEach(LoopState::releaseJob);
    }

    private static String submit(Object id, String worker) {
        return "{\"id\": " + id + ", \"method\": \"mining.submit\", \"params\": [\"" + worker
                + "\", \"1\", \"00000001\", \"5f5e1000\", \"0000a0b1\"]}";
    }

    private static void assertError(StratumResponse response, StratumId id, int code) {
        assertEquals(id, response.id());
        assertTrue(response.isError(), response.toString());
        assertEquals(code, response.errorCode(), response.toString());
        assertEquals(StratumValue.NULL, response.result());
        assertEquals(StratumValue.NULL, response.error().asArray().get(2), "errors are [code, message, null]");
    }

    // ------------------------------------------------------------------------------------------- framing

    @Test
    void theRepliesAreTheSameForLinesWholeCoalescedOrSplitAtEveryByte() {
        List<String> script = List.of(SUBSCRIBE, AUTHORIZE, "{\"id\": 3, \"method\": \"mining.ping\", \"params\": []}",
                "{\"id\": 5, \"method\": \"mining.frobnicate\", \"params\": []}", submit(4, TestJobs.ADDRESS + ".x"),
                "{\"id\": 6, \"method\": \"mining.suggest_difficulty\", \"params\": [2]}");
        String all = String.join("\r\n", script) + "\r\n";

        server = server(StratumServer.builder());
        EmbeddedMiner whole = miner();
        script.forEach(whole::send);
        List<String> expected = whole.lines();
        assertEquals(7, expected.size(), expected.toString());

        server = server(StratumServer.builder());
        EmbeddedMiner coalesced = miner().sendRaw(all);
        assertEquals(expected, coalesced.lines());

        server = server(StratumServer.builder());
        EmbeddedMiner bytewise = miner();
        for (byte b : all.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            bytewise.channel.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals(expected, bytewise.lines());
    }

    // ---------------------------------------------------------------------------------------- subscribe

    @Test
    void subscribeAnswersBothSubscriptionsTheExtranonce1AndTheExtranonce2Size() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE);
        List<String> lines = miner.lines();
        assertEquals(2, lines.size(), lines.toString());
        StratumResponse reply = assertInstanceOf(StratumResponse.class, EmbeddedMiner.decode(lines.get(0)));
        assertEquals(StratumId.of(1), reply.id());
        assertFalse(reply.isError());
        List<StratumValue> result = reply.result().asArray();
        assertEquals(3, result.size());
        assertEquals(StratumValue.array(
                StratumValue.array(StratumValue.of("mining.set_difficulty"), StratumValue.of("000a0b0c")),
                StratumValue.array(StratumValue.of("mining.notify"), StratumValue.of("000a0b0c"))), result.get(0));
        assertEquals("000a0b0c", result.get(1).asString());
        assertEquals(4L, result.get(2).asLong());
        assertEquals("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[1]}", lines.get(1),
                "no job yet: only the difficulty follows");

        StratumSession session = sessionOf(miner);
        assertTrue(session.isSubscribed());
        assertEquals("cpuminer/2.5.1", session.userAgent());
        assertEquals(1, server.stats().sessionsSubscribed());
    }

    @Test
    void subscribeWithoutParametersIsFineAndAStringIdIsEchoedExactly() {
        EmbeddedMiner miner = miner().send("{\"id\": \"sub-1\", \"method\": \"mining.subscribe\", \"params\": []}");
        List<String> lines = miner.lines();
        assertTrue(lines.get(0).startsWith("{\"id\":\"sub-1\",\"result\":[[[\"mining.set_difficulty\""), lines.get(0));
        assertNull(sessionOf(miner).userAgent());
    }

    @Test
    void subscribingTwiceKeepsTheExtranonce1() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE);
        miner.lines();
        miner.send(SUBSCRIBE.replace("\"id\": 1", "\"id\": 9"));
        StratumResponse again = assertInstanceOf(StratumResponse.class, EmbeddedMiner.decode(miner.lines().get(0)));
        assertEquals("000a0b0c", again.result().asArray().get(1).asString());
        assertEquals(1, server.core().allocator.liveCount());
    }

    @Test
    void eachConnectionGetsItsOwnExtranonce1AndClosingGivesItBack() {
        EmbeddedMiner first = miner().send(SUBSCRIBE);
        EmbeddedMiner second = miner().send(SUBSCRIBE);
        assertEquals(0x0a0b0cL, sessionOf(first).extranonce1());
        assertEquals(0x0a0b0dL, sessionOf(second).extranonce1());
        assertEquals(2, server.core().allocator.liveCount());
        first.close();
        assertEquals(1, server.core().allocator.liveCount());
        assertEquals(1, server.stats().sessionsSubscribed());
        assertEquals(1, server.stats().connectionsOpen());
        assertEquals(2, server.stats().connectionsTotal());
    }

    @Test
    void aNonStringUserAgentIsError20() {
        EmbeddedMiner miner = miner().send("{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": [42]}");
        assertError(miner.response(), StratumId.of(1), 20);
        assertFalse(sessionOf(miner).isSubscribed());
    }

    // ---------------------------------------------------------------------------------------- authorize

    @Test
    void authorizeWithAnAddressOfTheNetworkAnswersTrue() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE);
        miner.lines();
        miner.send(AUTHORIZE);
        assertEquals("{\"id\":2,\"result\":true,\"error\":null}", miner.line());
        assertEquals(List.of(WORKER), sessionOf(miner).workerNames());
        assertEquals(1, server.stats().sessionsAuthorized());
    }

    @Test
    void authorizeWithAnAddressOfAnotherNetworkIsError24() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE);
        miner.lines();
        miner.send("{\"id\": 2, \"method\": \"mining.authorize\", \"params\": [\"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2.rig\", \"x\"]}");
        assertError(miner.response(), StratumId.of(2), 24);
        assertEquals(List.of(), sessionOf(miner).workerNames());
        assertEquals(1, server.stats().authorizationsDenied());
        assertEquals(0, server.stats().sessionsAuthorized());
    }

    @Test
    void authorizeMayComeBeforeSubscribeAndWithoutAPassword() {
        EmbeddedMiner miner = miner().send("{\"id\": 1, \"method\": \"mining.authorize\", \"params\": [\"" + WORKER + "\"]}");
        assertEquals("{\"id\":1,\"result\":true,\"error\":null}", miner.line());
        miner.send(SUBSCRIBE);
        assertEquals(2, miner.lines().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[42, \"x\"]", "[\"\", \"x\"]", "[\"" + WORKER + "\", 7]", "{\"user\": \"x\"}"})
    void authorizeWithWrongParametersIsError20(String params) {
        EmbeddedMiner miner = miner().send("{\"id\": 3, \"method\": \"mining.authorize\", \"params\": " + params + "}");
        assertError(miner.response(), StratumId.of(3), 20);
        assertTrue(miner.isOpen());
    }

    @Test
    void severalWorkersMayBeAuthorisedOnOneConnection() {
        EmbeddedMiner miner = subscribedAndAuthorized();
        String second = TestJobs.ADDRESS + ".rig2";
        miner.send("{\"id\": 3, \"method\": \"mining.authorize\", \"params\": [\"" + second + "\", \"x\"]}");
        assertEquals("{\"id\":3,\"result\":true,\"error\":null}", miner.line());
        assertEquals(List.of(WORKER, second), sessionOf(miner).workerNames());

        miner.send(submit(4, second));
        assertError(miner.response(), StratumId.of(4), 23);
        assertEquals(second, validator.last().worker());
        miner.send(submit(5, WORKER));
        miner.lines();
        assertEquals(WORKER, validator.last().worker());
        assertEquals(1, server.stats().sessionsAuthorized(), "a session counts once");
    }

    @Test
    void authorisingTheSameWorkerAgainKeepsOneEntry() {
        EmbeddedMiner miner = subscribedAndAuthorized();
        miner.send(AUTHORIZE.replace("\"id\": 2", "\"id\": 3"));
        assertEquals("{\"id\":3,\"result\":true,\"error\":null}", miner.line());
        assertEquals(List.of(WORKER), sessionOf(miner).workerNames());
    }

    // ------------------------------------------------------------------------------------------- submit

    @Test
    void submitBeforeSubscribeIsError25() {
        EmbeddedMiner miner = miner().send(AUTHORIZE);
        miner.lines();
        miner.send(submit(4, WORKER));
        StratumResponse reply = miner.response();
        assertError(reply, StratumId.of(4), 25);
        assertEquals(RejectReason.NOT_SUBSCRIBED.message(), reply.errorMessage());
        assertTrue(validator.seen.isEmpty());
        assertEquals(1, server.stats().sharesRejected(RejectReason.NOT_SUBSCRIBED));
    }

    @Test
    void submitForAWorkerNeverAuthorisedIsError24() {
        EmbeddedMiner miner = subscribedAndAuthorized();
        miner.send(submit(4, TestJobs.ADDRESS + ".other"));
        assertError(miner.response(), StratumId.of(4), 24);
        assertTrue(validator.seen.isEmpty());
        assertEquals(1, server.stats().sharesRejected(RejectReason.UNAUTHORIZED_WORKER));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[]",
        "[\"W\", \"1\", \"00000001\", \"5f5e1000\"]",
        "[\"W\", \"1\", \"00000001\", \"5f5e1000\", \"0000a0b1\", \"00002000\", \"extra\"]",
        "[\"W\", 1, \"00000001\", \"5f5e1000\", \"0000a0b1\"]",
        "[\"W\", \"1\", 1, \"5f5e1000\", \"0000a0b1\"]",
        "[\"W\", \"1\", \"00000001\", 1600000000, \"0000a0b1\"]",
        "[\"W\", \"1\", \"00000001\", \"5f5e1000\", null]",
        "[\"W\", \"1\", \"00000001\", \"5f5e1000\", \"0000a0b1\", 8192]",
        "{\"worker\": \"W\"}",
    })
    void submitWithWrongParameterTypesOrCountsIsError20(String params) {
        EmbeddedMiner miner = subscribedAndAuthorized();
        miner.send("{\"id\": 4, \"method\": \"mining.submit\", \"params\": " + params.replace("\"W\"", "\"" + WORKER + "\"") + "}");
        StratumResponse reply = miner.response();
        assertError(reply, StratumId.of(4), 20);
        if (params.startsWith("[")) { // params that are not an array do not get past the decoder
            assertEquals(RejectReason.MALFORMED.message(), reply.errorMessage());
        }
        assertTrue(validator.seen.isEmpty());
        assertTrue(miner.isOpen());
    }

    @Test
    void submitFillsTheSubmissionWithTheSessionsState() {
        EmbeddedMiner miner = subscribedAndAuthorized();
        miner.send(submit(4, WORKER));
        miner.lines();
        ScriptedValidator.Seen seen = validator.last();
        assertEquals(WORKER, seen.worker());
        assertEquals("1", seen.jobId());
        assertEquals(4, seen.extranonce1Length());
        assertEquals(4, seen.extranonce2Length());
        assertFalse(seen.malformed());
        assertFalse(seen.hasVersionBits());
        assertEquals(0, seen.versionMask(), "no version rolling was negotiated");
        assertEquals(1.0, seen.shareDifficulty());
        assertEquals(0.0, seen.previousShareDifficulty(), "no difficulty change yet");
    }

    @ParameterizedTest
    @EnumSource(RejectReason.class)
    void aRejectedShareIsAnsweredWithItsReasonsCodeAndMessage(RejectReason reason) {
        validator.reason = reason;
        EmbeddedMiner miner = subscribedAndAuthorized();
        miner.send(submit(4, WORKER));
        StratumResponse reply = miner.response();
        assertError(reply, StratumId.of(4), reason.stratumCode());
        assertEquals(reason.message(), reply.errorMessage());
        assertEquals(1, server.stats().sharesRejected(reason));
        assertEquals(0, server.stats().sharesAccepted());
    }

    @Test
    void theDeFactoCodesComeFromTheRejectReasons() {
        assertEquals(21, RejectReason.STALE.stratumCode());
        assertEquals(21, RejectReason.JOB_NOT_FOUND.stratumCode());
        assertEquals(22, RejectReason.DUPLICATE.stratumCode());
        assertEquals(23, RejectReason.LOW_DIFFICULTY.stratumCode());
    }

    @Test
    void cpuminersSubmitIdIsEchoedOnEveryReply() {
        EmbeddedMiner miner = subscribedAndAuthorized();
        for (int i = 0; i < 3; i++) {
            miner.send(submit(4, WORKER));
            assertEquals(StratumId.of(4), miner.response().id());
        }
    }

    // ------------------------------------------------------------------------------ malformed and unknown

    @Test
    void malformedJsonIsError20AndTheSessionLivesOn() {
        EmbeddedMiner miner = miner().send("{\"id\": 5, \"method\": \"mining.subscribe\", \"params\": [");
        StratumResponse reply = miner.response();
        assertTrue(reply.isError());
        assertEquals(20, reply.errorCode());
        miner.send("not json at all");
        assertEquals(20, miner.response().errorCode());
        miner.send("{\"id\": 6, \"method\": \"mining.ping\"}");
        assertEquals("{\"id\":6,\"result\":\"pong\",\"error\":null}", miner.line());
        assertEquals(2, server.stats().protocolErrors());
    }

    @Test
    void anUnknownMethodIsError20AndTheSessionLivesOn() {
        EmbeddedMiner miner = subscribedAndAuthorized();
        miner.send("{\"id\": 7, \"method\": \"mining.get_transactions\", \"params\": [\"1\"]}");
        StratumResponse reply = miner.response();
        assertError(reply, StratumId.of(7), 20);
        assertEquals("unknown method mining.get_transactions", reply.errorMessage());
        miner.send("{\"id\": 8, \"method\": \"mining.notify\", \"params\": []}");
        assertError(miner.response(), StratumId.of(8), 20);
        miner.send(submit(9, WORKER));
        assertEquals(StratumId.of(9), miner.response().id());
        assertTrue(miner.isOpen());
    }

    @Test
    void anOversizedLineClosesTheConnection() {
        server = server(StratumServer.builder().maxLineLength(256));
        EmbeddedMiner miner = subscribedAndAuthorized();
        miner.sendRaw("{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": [\"" + "a".repeat(300));
        assertFalse(miner.isOpen());
        assertEquals(List.of(), miner.lines());
        assertEquals(0, server.core().allocator.liveCount(), "the extranonce1 went back");
    }

    @Test
    void aLineJustUnderTheLimitIsServed() {
        server = server(StratumServer.builder().maxLineLength(256));
        EmbeddedMiner miner = miner();
        String prefix = "{\"id\": 1, \"method\": \"mining.subscribe\", \"params\": [\"";
        String line = prefix + "a".repeat(256 - prefix.length() - 3) + "\"]}";
        assertEquals(256, line.length());
        miner.send(line);
        assertEquals(2, miner.lines().size());
        assertTrue(miner.isOpen());
    }

    @Test
    void notificationsGetNoReply() {
        EmbeddedMiner miner = miner().send("{\"id\": null, \"method\": \"mining.ping\", \"params\": []}")
                .send("{\"id\": null, \"method\": \"mining.frobnicate\", \"params\": []}");
        assertEquals(List.of(), miner.lines());
        assertTrue(miner.isOpen());
    }

    @Test
    void responsesFromTheMinerAreIgnoredQuietly() {
        EmbeddedMiner miner = subscribedAndAuthorized();
        miner.send("{\"id\": 17, \"result\": \"cpuminer/2.5.1\", \"error\": null}");
        assertEquals(List.of(), miner.lines());
        assertTrue(miner.isOpen());
        assertEquals(0, server.stats().protocolErrors());
    }

    // ----------------------------------------------------------------------------------- small methods

    @Test
    void pingIsAnsweredWithPong() {
        EmbeddedMiner miner = miner().send("{\"id\": 3, \"method\": \"mining.ping\", \"params\": []}");
        assertEquals("{\"id\":3,\"result\":\"pong\",\"error\":null}", miner.line());
    }

    @Test
    void getVersionIsAnsweredWithTheServerVersion() {
        server = server(StratumServer.builder().serverVersion("TestPool/9"));
        EmbeddedMiner miner = miner().send("{\"id\": 3, \"method\": \"client.get_version\", \"params\": []}");
        assertEquals("{\"id\":3,\"result\":\"TestPool/9\",\"error\":null}", miner.line());
    }

    @Test
    void extranonceSubscribeAnswersTrue() {
        EmbeddedMiner miner = miner().send(SUBSCRIBE);
        miner.lines();
        miner.send("{\"id\": 3, \"method\": \"mining.extranonce.subscribe\", \"params\": []}");
        assertEquals("{\"id\":3,\"result\":true,\"error\":null}", miner.line());
        assertTrue(sessionOf(miner).isExtranonceSubscribed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[0.25]", "[\"0.25\"]", "[16]"})
    void suggestDifficultyAnswersTrueForAPositiveNumber(String params) {
        EmbeddedMiner miner = miner().send("{\"id\": 3, \"method\": \"mining.suggest_difficulty\", \"params\": " + params + "}");
        assertEquals("{\"id\":3,\"result\":true,\"error\":null}", miner.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[0]", "[-1]", "[\"lots\"]", "[[1]]", "[1e400]"})
    void suggestDifficultyWithoutAPositiveNumberIsError20(String params) {
        EmbeddedMiner miner = miner().send("{\"id\": 3, \"method\": \"mining.suggest_difficulty\", \"params\": " + params + "}");
        assertError(miner.response(), StratumId.of(3), 20);
    }

    @Test
    void suggestTargetSetsTheFloorFromATarget() {
        EmbeddedMiner miner = miner().send("{\"id\": 3, \"method\": \"mining.suggest_target\", \"params\": "
                + "[\"0000000000ffff00000000000000000000000000000000000000000000000000\"]}");
        assertEquals("{\"id\":3,\"result\":true,\"error\":null}", miner.line());
        miner.send(SUBSCRIBE);
        assertEquals("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[256]}", miner.lines().get(1));
        miner.send("{\"id\": 4, \"method\": \"mining.suggest_target\", \"params\": [\"zz\"]}");
        assertError(miner.response(), StratumId.of(4), 20);
    }

    // -------------------------------------------------------------------------------------- configure

    private static String configure(String extensions, String parameters) {
        return "{\"id\": 1, \"method\": \"mining.configure\", \"params\": [" + extensions + ", " + parameters + "]}";
    }

    private Map<String, StratumValue> configureResult(EmbeddedMiner miner) {
        StratumResponse reply = miner.response();
        assertFalse(reply.isError(), reply.toString());
        return reply.result().asObject();
    }

    @Test
    void configureVersionRollingGrantsThePoolMaskAndTheMinersMask() {
        EmbeddedMiner miner = miner().send(configure("[\"version-rolling\"]",
                "{\"version-rolling.mask\": \"ffffffff\", \"version-rolling.min-bit-count\": 2}"));
        assertEquals(Map.of("version-rolling", StratumValue.TRUE, "version-rolling.mask", StratumValue.of("1fffe000")),
                configureResult(miner));
        miner.send(SUBSCRIBE).send(AUTHORIZE);
        miner.lines();
        miner.send("{\"id\": 4, \"method\": \"mining.submit\", \"params\": [\"" + WORKER
                + "\", \"1\", \"00000001\", \"5f5e1000\", \"0000a0b1\", \"00ffe000\"]}");
        miner.lines();
        ScriptedValidator.Seen seen = validator.last();
        assertEquals(0x1fffe000, seen.versionMask());
        assertTrue(seen.hasVersionBits());
        assertEquals(0x00ffe000, seen.versionBits());
    }

    @Test
    void configureVersionRollingIntersectsANarrowerMinerMask() {
        EmbeddedMiner miner = miner().send(configure("[\"version-rolling\"]",
                "{\"version-rolling.mask\": \"00fff000\", \"version-rolling.min-bit-count\": 8}"));
        assertEquals(StratumValue.of("00ffe000"), configureResult(miner).get("version-rolling.mask"));
        assertEquals(0x00ffe000, sessionOf(miner).versionMask());
    }

    @Test
    void configureVersionRollingRefusesWhenTooFewBitsAreLeft() {
        EmbeddedMiner miner = miner().send(configure("[\"version-rolling\"]",
                "{\"version-rolling.mask\": \"1fffe000\", \"version-rolling.min-bit-count\": 17}"));
        assertEquals(StratumValue.FALSE, configureResult(miner).get("version-rolling"));
        assertEquals(0, sessionOf(miner).versionMask());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"00000000\"", "\"e0001fff\"", "\"xyz\"", "12"})
    void configureVersionRollingRefusesAnUnusableMask(String mask) {
        EmbeddedMiner miner = miner().send(configure("[\"version-rolling\"]", "{\"version-rolling.mask\": " + mask + "}"));
        assertEquals(StratumValue.FALSE, configureResult(miner).get("version-rolling"));
        assertEquals(0, sessionOf(miner).versionMask());
    }

    @Test
    void configureMinimumDifficultyAndSubscribeExtranonceAreGranted() {
        EmbeddedMiner miner = miner().send(configure("[\"minimum-difficulty\", \"subscribe-extranonce\", \"info\"]",
                "{\"minimum-difficulty.value\": 64, \"info.connection-url\": \"x\"}"));
        assertEquals(Map.of("minimum-difficulty", StratumValue.TRUE, "subscribe-extranonce", StratumValue.TRUE),
                configureResult(miner), "an unsupported extension is left out");
        assertTrue(sessionOf(miner).isExtranonceSubscribed());
        miner.send(SUBSCRIBE);
        assertEquals("{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[64]}", miner.lines().get(1),
                "the floor is the starting difficulty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[\"version-rolling\"]", "[{\"a\":1}, {}]", "[[1], {}]", "[[\"version-rolling\"], 5]"})
    void configureWithWrongParametersIsError20(String params) {
        EmbeddedMiner miner = miner().send("{\"id\": 1, \"method\": \"mining.configure\", \"params\": " + params + "}");
        assertError(miner.response(), StratumId.of(1), 20);
    }

    static StratumSession sessionOf(EmbeddedMiner miner) {
        return ((SessionHandler) miner.channel.pipeline().get(StratumPipeline.SESSION)).session();
    }

    static List<String> methods(List<StratumMessage> messages) {
        return messages.stream().map(m -> m instanceof StratumRequest r ? r.method() : "reply").toList();
    }

    static final String NOTIFY = StratumMethods.NOTIFY;
}
