package io.poolkit.stratum.codec;

/**
 * One decoded Stratum line: a request or notification ({@link StratumRequest}), a response
 * ({@link StratumResponse}), or a line that could not be decoded ({@link StratumDecodeError}).
 *
 * <p>{@link StratumDecoder} emits exactly one of these per non-empty line and never throws. A server
 * handles requests and answers decode errors with error 20; a client handles responses and
 * notifications.
 */
public sealed interface StratumMessage permits StratumRequest, StratumResponse, StratumDecodeError {
    /** The id as sent; {@link StratumId#NULL} for notifications and where the id could not be read. */
    StratumId id();
}
