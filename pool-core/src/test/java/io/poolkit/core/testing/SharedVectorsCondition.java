package io.poolkit.core.testing;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The check behind {@link UsesSharedVectors}, for the Jupiter and the jqwik engine. */
public final class SharedVectorsCondition implements ExecutionCondition, SkipExecutionHook {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String skip = skipReason();
        return skip == null ? ConditionEvaluationResult.enabled("shared test data present or CI set")
                : ConditionEvaluationResult.disabled(skip);
    }

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        String skip = skipReason();
        return skip == null ? SkipResult.doNotSkip() : SkipResult.skip(skip);
    }

    private static String skipReason() {
        if (SharedVectors.isPresent() || System.getenv("CI") != null) {
            return null;
        }
        return "skipped: this test reads the real data in ../shared, which is not beside this clone";
    }
}
