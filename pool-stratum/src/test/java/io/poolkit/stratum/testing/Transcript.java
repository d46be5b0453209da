package io.poolkit.stratum.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.poolkit.core.testing.SharedVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded Stratum session from {@code shared/vectors/stratum/*.jsonl}: one JSON object per line with
 * the direction ({@code miner->pool} or {@code pool->miner}) and the exact line sent.
 */
public final class Transcript {
    public static final String CPUMINER_CKPOOL = "stratum/cpuminer-2.5.1-and-ckpool.jsonl";

    /** One recorded line. */
    public record Line(int connection, boolean fromMiner, String text) {}

    private final List<Line> lines;

    private Transcript(List<Line> lines) {
        this.lines = List.copyOf(lines);
    }

    public static Transcript load(String relative) {
        JsonFactory json = new JsonFactory();
        List<Line> lines = new ArrayList<>();
        for (String record : SharedVectors.text(relative).split("\n")) {
            if (record.isBlank()) {
                continue;
            }
            try (JsonParser p = json.createParser(record)) {
                int connection = -1;
                String dir = null;
                String text = null;
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IllegalStateException("not a transcript record: " + record);
                }
                String name;
                while ((name = p.nextFieldName()) != null) {
                    p.nextToken();
                    switch (name) {
                        case "conn" -> connection = p.getIntValue();
                        case "dir" -> dir = p.getText();
                        case "line" -> text = p.getText();
                        default -> p.skipChildren();
                    }
                }
                if (!"miner->pool".equals(dir) && !"pool->miner".equals(dir)) {
                    throw new IllegalStateException("unknown direction " + dir + " in " + record);
                }
                lines.add(new Line(connection, "miner->pool".equals(dir), text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Transcript(lines);
    }

    public List<Line> lines() {
        return lines;
    }

    public List<String> minerLines() {
        return lines.stream().filter(Line::fromMiner).map(Line::text).toList();
    }

    public List<String> poolLines() {
        return lines.stream().filter(l -> !l.fromMiner()).map(Line::text).toList();
    }
}
