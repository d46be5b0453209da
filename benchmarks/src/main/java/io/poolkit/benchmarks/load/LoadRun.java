package io.poolkit.benchmarks.load;

import java.util.concurrent.atomic.LongAdder;

/** What every connection of one run shares: the options, the counters, fan-out, the accepted-share log. */
final class LoadRun {
    final LoadOptions options;
    final LoadStats stats = new LoadStats();
    final FanOut fanOut;
    /** Null unless {@code --accepted-log}. */
    final AcceptedShareLog acceptedLog;
    /** Ready connections that closed afterwards. */
    final LongAdder disconnected = new LongAdder();
    private volatile boolean submitting;

    LoadRun(LoadOptions options, AcceptedShareLog acceptedLog) {
        this.options = options;
        this.fanOut = new FanOut(options.connections);
        this.acceptedLog = acceptedLog;
    }

    void submitting(boolean on) {
        submitting = on;
    }

    boolean submitting() {
        return submitting;
    }

    /** Whether an answer should be followed by the next share: closed loop, during the run phase. */
    boolean closedLoopRunning() {
        return submitting && options.mode == LoadOptions.Mode.CLOSED;
    }
}
