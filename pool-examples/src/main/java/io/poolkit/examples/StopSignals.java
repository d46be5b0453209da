package io.poolkit.examples;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a request to stop, so the main thread stops the pool gracefully and
 * exits with status 0 (a JVM ended by a signal's default handling exits with 128 + the signal's number).
 *
 * <p>It uses the JDK's {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK 17 build),
 * through reflection so the build needs no internal-API warnings. Where that is missing, a shutdown hook
 * still stops the pool, with the JVM's own exit status. Stateless.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {}

    /**
     * Counts {@code stop} down on SIGTERM or SIGINT; returns whether the handlers were installed (false means
     * only a shutdown hook will see the signal).
     */
    static boolean install(CountDownLatch stop) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            InvocationHandler onSignal = (Object proxy, Method method, Object[] args) -> {
                if (method.getName().equals("handle")) {
                    stop.countDown();
                    return null;
                }
                return switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "StopSignals.handler";
                };
            };
            Object handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    onSignal);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (String name : new String[] {"TERM", "INT"}) {
                Object signal = signalClass.getConstructor(String.class).newInstance(name);
                handle.invoke(null, signal, handler);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("no signal handlers ({}); a shutdown hook stops the pool instead", e.toString());
            return false;
        }
    }
}
