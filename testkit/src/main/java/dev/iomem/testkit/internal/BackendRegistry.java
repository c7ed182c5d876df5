package dev.iomem.testkit.internal;

import dev.iomem.spi.ArchBackend;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands a backend instance from the {@link dev.iomem.testkit.ConformanceRunner} to the suite the
 * JUnit Platform instantiates: the runner registers the instance under a token, passes the token
 * as a configuration parameter, and the suite's parameter resolver looks it up.
 */
public final class BackendRegistry {

    /** The configuration parameter that carries the token. */
    public static final String TOKEN_PARAMETER = "dev.iomem.testkit.backend.token";

    private static final Map<String, ArchBackend> BACKENDS = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private BackendRegistry() {
    }

    /**
     * Registers a backend.
     *
     * @param backend the backend
     * @return its token, to pass as {@link #TOKEN_PARAMETER} and to {@link #unregister}
     */
    public static String register(ArchBackend backend) {
        Objects.requireNonNull(backend, "backend");
        String token = "backend-" + NEXT.incrementAndGet();
        BACKENDS.put(token, backend);
        return token;
    }

    /**
     * {@return the backend registered under {@code token}, or {@code null}}
     *
     * @param token a token from {@link #register}
     */
    public static ArchBackend lookup(String token) {
        return BACKENDS.get(token);
    }

    /**
     * Forgets a backend.
     *
     * @param token its token
     */
    public static void unregister(String token) {
        BACKENDS.remove(token);
    }
}
