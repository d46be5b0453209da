package io.poolkit.accounting.ledger;

import io.poolkit.accounting.scheme.ShareWeight;
import io.poolkit.accounting.scheme.ShareWindow;
import io.poolkit.accounting.scheme.WindowSpec;
import io.poolkit.core.share.FoundBlock;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Loads the shares a scheme's {@link WindowSpec} asks for, inside the writer's transaction. */
final class WindowLoader {
    private static final int FETCH = 10_000;

    private WindowLoader() {}

    /**
     * The window for {@code block}, which came after the share numbered {@code shareSeq} (and before any
     * later one).
     */
    static ShareWindow load(Connection c, WindowSpec spec, FoundBlock block, long shareSeq) throws SQLException {
        ShareWindow.Builder window = ShareWindow.builder(block);
        switch (spec.kind()) {
            case NONE -> {
                return window.build();
            }
            case ROUND -> {
                long previous;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT COALESCE(MAX(share_seq), 0) FROM blocks WHERE share_seq <= ? AND hash <> ?")) {
                    ps.setLong(1, shareSeq);
                    ps.setString(2, block.hash().displayHex());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        previous = rs.getLong(1);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT account, difficulty, time_ms FROM shares"
                        + " WHERE seq > ? AND seq <= ? ORDER BY seq")) {
                    ps.setFetchSize(FETCH);
                    ps.setLong(1, previous);
                    ps.setLong(2, shareSeq);
                    addAll(ps, window);
                }
            }
            case TIME -> {
                long start = block.time().toEpochMilli() - spec.duration().toMillis();
                try (PreparedStatement ps = c.prepareStatement("SELECT account, difficulty, time_ms FROM shares"
                        + " WHERE seq <= ? AND time_ms > ? ORDER BY seq")) {
                    ps.setFetchSize(FETCH);
                    ps.setLong(1, shareSeq);
                    ps.setLong(2, start);
                    addAll(ps, window);
                }
            }
            case DIFFICULTY -> loadNewestUpTo(c, spec.targetWeight(block.networkDifficulty()), shareSeq, window);
            default -> throw new IllegalStateException("unknown window " + spec);
        }
        return window.build();
    }

    private static void addAll(PreparedStatement ps, ShareWindow.Builder window) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                window.add(rs.getString(1), rs.getDouble(2), rs.getLong(3));
            }
        }
    }

    /** Newest shares back from {@code shareSeq} until their weight reaches {@code target} (or none are left). */
    private static void loadNewestUpTo(Connection c, BigInteger target, long shareSeq, ShareWindow.Builder window)
            throws SQLException {
        List<String> accounts = new ArrayList<>();
        double[] difficulty = new double[1024];
        long[] time = new long[1024];
        int n = 0;
        BigInteger capped = target.bitLength() > 126 ? BigInteger.ONE.shiftLeft(126) : target;
        long targetHigh = capped.shiftRight(64).longValue();
        long targetLow = capped.longValue();
        long sumHigh = 0;
        long sumLow = 0;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT account, difficulty, time_ms FROM shares WHERE seq <= ? ORDER BY seq DESC")) {
            ps.setFetchSize(FETCH);
            ps.setLong(1, shareSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (n == difficulty.length) {
                        difficulty = Arrays.copyOf(difficulty, n * 2);
                        time = Arrays.copyOf(time, n * 2);
                    }
                    accounts.add(rs.getString(1));
                    double d = rs.getDouble(2);
                    difficulty[n] = d;
                    time[n] = rs.getLong(3);
                    n++;
                    long low = sumLow + ShareWeight.low(d);
                    sumHigh += ShareWeight.high(d) + (Long.compareUnsigned(low, sumLow) < 0 ? 1 : 0);
                    sumLow = low;
                    int c2 = Long.compare(sumHigh, targetHigh);
                    if (c2 > 0 || (c2 == 0 && Long.compareUnsigned(sumLow, targetLow) >= 0)) {
                        break;
                    }
                }
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            window.add(accounts.get(i), difficulty[i], time[i]);
        }
    }
}
