package io.poolkit.core.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that reads {@code ../shared}: without it (a user's fresh clone) the whole class is
 * skipped with a message, before any of its code runs; with the environment variable {@code CI} set it runs
 * anyway, so the missing data fails it. Works for JUnit Jupiter tests and jqwik properties alike.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(SharedVectorsCondition.class)
@AddLifecycleHook(SharedVectorsCondition.class)
public @interface UsesSharedVectors {
}
