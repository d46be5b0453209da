package io.poolkit.stratum.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.poolkit.stratum.testing.LeakTracking;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

class StratumCodecPropertiesTest {
    @AfterContainer
    static void releasedEveryBuffer() {
        LeakTracking.assertNoLeaks();
    }

    @Property(tries = 400)
    void anyBytesDecodeToAtMostOneMessageAndNeverCloseTheSession(@ForAll("lineBytes") byte[] line) {
        byte[] withNewline = new byte[line.length + 1];
        System.arraycopy(line, 0, withNewline, 0, line.length);
        withNewline[line.length] = '\n';
        Feed.Result result = Feed.messages().whole(withNewline);
        assertTrue(result.open());
        assertTrue(result.out().size() <= 1, result.out()::toString);
    }

    @Property(tries = 400)
    void anyMutationOfARealRequestDecodesWithoutThrowing(@ForAll("mutatedSubmits") byte[] line) {
        Feed.Result result = Feed.messages().whole(line);
        assertTrue(result.open());
        assertTrue(result.out().size() <= 1);
    }

    @Property(tries = 400)
    void anyStringReadsBackExactly(@ForAll String text) {
        String line = StratumDecoderTest.write(out -> StratumWriter.writeShowMessage(out, text));
        StratumRequest decoded = (StratumRequest) Feed.messages().whole(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)).out().get(0);
        assertEquals(text, decoded.stringParam(0));
    }

    @Property(tries = 1000)
    void anyDifficultyIsWrittenWithoutExponentAndReadsBackExactly(
            @ForAll @DoubleRange(min = 0, minIncluded = false, max = 1e30) double difficulty) {
        String text = StratumWriter.formatDifficulty(difficulty);
        assertFalse(text.contains("E") || text.contains("e"), text);
        assertEquals(difficulty, Double.parseDouble(text));
    }

    @Property(tries = 300)
    void anyRequestReadsBackAsItWasWritten(@ForAll("ids") StratumId id, @ForAll @Size(max = 6) List<@net.jqwik.api.From("values") StratumValue> params) {
        StratumRequest request = StratumRequest.of(id, "mining.test", params);
        String line = StratumDecoderTest.write(out -> StratumWriter.writeRequest(out, request));
        assertEquals(List.of(request), Feed.messages().whole(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)).out());
    }

    @Provide
    Arbitrary<byte[]> lineBytes() {
        return Arbitraries.bytes().filter(b -> b != '\n').array(byte[].class).ofMaxSize(300);
    }

    @Provide
    Arbitrary<byte[]> mutatedSubmits() {
        byte[] real = ("{\"id\": 4, \"method\": \"mining.submit\", \"params\": [\"bcrt1qsw9dlwykky7nee5rj58py9shlrnzc6y626tfh0.rig1\","
                + " \"6b0715a100000001\", \"0000000000000000\", \"6b0715a1\", \"4e37a2c3\"]}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Arbitrary<int[]> positions = Arbitraries.integers().between(0, real.length - 1).array(int[].class).ofMinSize(1).ofMaxSize(4);
        Arbitrary<byte[]> replacements = Arbitraries.of((byte) '"', (byte) '{', (byte) '}', (byte) '[', (byte) ']', (byte) ',',
                (byte) ':', (byte) '\\', (byte) 0, (byte) 0xff, (byte) 0xc3, (byte) 'e', (byte) '-', (byte) ' ')
                .array(byte[].class).ofSize(4);
        return net.jqwik.api.Combinators.combine(positions, replacements).as((at, with) -> {
            byte[] copy = real.clone();
            for (int i = 0; i < at.length; i++) {
                copy[at[i]] = with[i];
            }
            byte[] line = new byte[copy.length + 1];
            System.arraycopy(copy, 0, line, 0, copy.length);
            line[copy.length] = '\n';
            return line;
        });
    }

    @Provide
    Arbitrary<StratumId> ids() {
        return Arbitraries.oneOf(
                Arbitraries.just(StratumId.NULL),
                Arbitraries.longs().map(StratumId::of),
                Arbitraries.strings().ofMaxLength(20).map(StratumId::ofString),
                Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(19), java.math.BigInteger.TEN.pow(40))
                        .map(b -> StratumId.ofNumberText(b.toString())));
    }

    @Provide
    Arbitrary<StratumValue> values() {
        return value(3);
    }

    private Arbitrary<StratumValue> value(int depth) {
        Arbitrary<StratumValue> scalars = Arbitraries.oneOf(
                Arbitraries.just(StratumValue.NULL),
                Arbitraries.of(true, false).map(StratumValue::of),
                Arbitraries.longs().map(StratumValue::of),
                Arbitraries.doubles().between(-1e12, 1e12).map(StratumValue::of),
                Arbitraries.strings().ofMaxLength(30).map(StratumValue::of));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<StratumValue> arrays = Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(4).map(StratumValue::array);
        Arbitrary<StratumValue> objects = Arbitraries.maps(Arbitraries.strings().ofMaxLength(8), Arbitraries.lazy(() -> value(depth - 1)))
                .ofMaxSize(3).map(m -> StratumValue.object(new LinkedHashMap<String, StratumValue>(m)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, scalars), net.jqwik.api.Tuple.of(1, arrays), net.jqwik.api.Tuple.of(1, objects));
    }

}
