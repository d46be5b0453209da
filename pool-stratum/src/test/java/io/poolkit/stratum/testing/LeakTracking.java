package io.poolkit.stratum.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes a forgotten {@code release()} fail the tests instead of only printing "LEAK" to the log.
 *
 * <p>As a launcher session listener (registered in {@code META-INF/services}) it installs, before any
 * test class touches a buffer, a leak detector factory whose detectors record every leak they report.
 * As a JUnit extension ({@code @ExtendWith(LeakTracking.class)}) it fails a test class after its last
 * test when any leak was reported: it collects garbage and allocates a buffer so that pending leaks are
 * noticed. Run with {@code -Dio.netty.leakDetectionLevel=paranoid} so every buffer is tracked.
 */
public final class LeakTracking implements LauncherSessionListener, AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();
    private static volatile boolean installed;

    public LeakTracking() {}

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        install();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks();
    }

    /** Installs the recording factory (idempotent); too late once a buffer class has been used. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        installed = true;
    }

    /** Collects garbage, lets the detectors report, and fails when any leak was reported so far. */
    public static void assertNoLeaks() {
        List<String> leaks = collectLeaks(3);
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " leaked buffer(s):\n" + String.join("\n\n", leaks));
        }
    }

    /**
     * Runs {@code rounds} of garbage collection plus a buffer allocation (which is when detectors look
     * for collected, unreleased buffers), then returns and forgets every leak reported.
     */
    public static List<String> collectLeaks(int rounds) {
        if (!installed) {
            fail("LeakTracking was not installed as a launcher session listener");
        }
        for (int i = 0; i < rounds; i++) {
            System.gc();
            try {
                Thread.sleep(10); // give the reference handler a moment to enqueue collected trackers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Unpooled.buffer(1).release();
            ByteBuf pooled = ByteBufAllocator.DEFAULT.buffer(1);
            pooled.release();
        }
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @SuppressWarnings("deprecation") // the one abstract method; Netty calls it for every detector
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record(resourceType + " leaked:" + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record(resourceType + " leaked (no records)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
