package dev.iomem.core;

import dev.iomem.api.Availability;
import dev.iomem.spi.ArchBackend;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One backend provider as discovery found it: loaded and probed, or broken with the error that
 * broke it. A broken provider is listed, never fatal to the others.
 *
 * @param name          the backend's name, or the provider class's name if it did not load
 * @param providerClass the provider's class name, or {@code "?"} if even that is unknown
 * @param priority      its priority (0 if broken)
 * @param osArchNames   the {@code os.arch} values it drives natively (empty if broken)
 * @param availability  whether it is usable natively here, and why; for a broken provider,
 *                      unavailable with the error
 * @param backend       the backend, if it loaded
 */
public record BackendCandidate(String name, String providerClass, int priority, Set<String> osArchNames,
                               Availability availability, Optional<ArchBackend> backend) {

    /**
     * Checks and copies the arguments.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public BackendCandidate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(providerClass, "providerClass");
        osArchNames = Set.copyOf(osArchNames);
        Objects.requireNonNull(availability, "availability");
        Objects.requireNonNull(backend, "backend");
    }

    /** {@return whether the provider loaded and answered its probe} */
    public boolean loaded() {
        return backend.isPresent();
    }

    /** {@return whether the backend is usable natively in this JVM} */
    public boolean available() {
        return availability.available();
    }
}
