package dev.iomem.core;

import java.util.List;
import java.util.Optional;

/**
 * The entry point: which backends exist, and which one drives this machine.
 *
 * <pre>{@code
 * IoPlatform platform = Iomem.platform();          // chosen for os.arch, or forced
 * try (IoAccessor bar = platform.open(region)) {   // a mapped BAR window
 *     bar.write32(0x10, 1);                         // an ordered writel
 * }
 * }</pre>
 */
public final class Iomem {

    /** The system property that forces a backend by name. */
    public static final String BACKEND_PROPERTY = "iomem.backend";
    /** The environment variable that forces a backend by name. */
    public static final String BACKEND_ENV = "IOMEM_BACKEND";

    private Iomem() {
    }

    /** {@return a fresh discovery over the class path and module path of this class's loader} */
    public static BackendDiscovery discovery() {
        return BackendDiscovery.discover(loader());
    }

    /** {@return every backend provider found, with its availability and reason} */
    public static List<BackendCandidate> backends() {
        return discovery().candidates();
    }

    /**
     * {@return the platform: the backend forced by {@value #BACKEND_PROPERTY} or
     * {@value #BACKEND_ENV}, else the best available one for {@code os.arch}}
     *
     * @throws UnknownBackendException     if a forced name matches no backend
     * @throws NoBackendAvailableException if nothing is forced and no backend is available
     */
    public static IoPlatform platform() {
        return platform(null);
    }

    /**
     * {@return the platform of the named backend, or as {@link #platform()} if {@code name} is null}
     *
     * @param name a backend's name, which overrides the property and environment; may be {@code null}
     * @throws UnknownBackendException     if the chosen name matches no backend
     * @throws NoBackendAvailableException if nothing is chosen and no backend is available
     */
    public static IoPlatform platform(String name) {
        Optional<BackendChoice> choice = BackendChoice.resolve(name, "Iomem.platform(name)", System.getProperties(), System.getenv());
        return discovery().select(choice);
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Iomem.class.getClassLoader();
    }
}
