package io.poolkit.core.guard;

/**
 * Decides who a {@code mining.authorize} is: which account a worker's shares are credited to.
 *
 * <p>Called on an event loop: implementations are thread-safe, fast and never block (look-ups that need
 * I/O belong in a cache filled elsewhere). A bad name is a {@link Authorization.Denied}, never an exception.
 */
public interface Authorizer {

    /** Authorises {@code workerName} with {@code password} (either may be empty, never null). */
    Authorization authorize(String workerName, String password);
}
