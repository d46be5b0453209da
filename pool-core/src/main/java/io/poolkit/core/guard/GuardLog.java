package io.poolkit.core.guard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where a {@link ConnectionGuard} writes its state changes: the SLF4J logger, or a test's recorder. */
interface GuardLog {
    void warn(String message);

    void info(String message);

    static GuardLog slf4j() {
        Logger logger = LoggerFactory.getLogger(ConnectionGuard.class);
        return new GuardLog() {
            @Override
            public void warn(String message) {
                logger.warn(message);
            }

            @Override
            public void info(String message) {
                logger.info(message);
            }
        };
    }
}
