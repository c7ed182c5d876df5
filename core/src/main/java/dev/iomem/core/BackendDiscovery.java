package dev.iomem.core;

import dev.iomem.api.Availability;
import dev.iomem.spi.ArchBackend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Finds {@link ArchBackend} providers with {@link ServiceLoader} (module path and class path),
 * probes each one, and chooses among them. A provider that fails to load, or whose probe
 * throws, is kept as an unavailable candidate carrying its error; it never stops the others
 * (SLF4J 2's provider discovery does the same).
 */
public final class BackendDiscovery {

    /**
     * Failures are logged at DEBUG only: each one is kept on its candidate (and so shown by
     * {@code iomem probe}); a WARNING with its stack trace would reach stderr through the
     * default JUL console handler, where a command line tool must print one line.
     */
    private static final System.Logger LOG = System.getLogger(BackendDiscovery.class.getName());
    /** A provider list so broken that every entry fails would otherwise loop for long. */
    private static final int MAX_LOAD_ERRORS = 64;

    private final List<BackendCandidate> candidates;
    private final String osArch;

    private BackendDiscovery(List<BackendCandidate> candidates, String osArch) {
        this.candidates = List.copyOf(candidates);
        this.osArch = osArch;
    }

    /**
     * Discovers the providers visible to {@code loader} and its ancestors, and those of the
     * boot layer's named modules.
     *
     * @param loader the class loader to search, for example one that adds plugin jars
     * @return the discovery
     */
    public static BackendDiscovery discover(ClassLoader loader) {
        List<BackendCandidate> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        collect(ServiceLoader.load(ArchBackend.class, loader), found, seen);
        // On the module path, providers of the boot layer are found through the layer, whatever
        // loader the caller passed.
        collect(ServiceLoader.load(ModuleLayer.boot(), ArchBackend.class), found, seen);
        return of(found, System.getProperty("os.arch", "unknown"));
    }

    /**
     * Wraps candidates that are already known (for tests and embedders).
     *
     * @param candidates the candidates
     * @param osArch     the {@code os.arch} to choose for
     * @return the discovery
     */
    public static BackendDiscovery of(List<BackendCandidate> candidates, String osArch) {
        List<BackendCandidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparing(BackendCandidate::name));
        return new BackendDiscovery(sorted, osArch);
    }

    /**
     * Probes a backend instance and describes it as a candidate; a backend that throws from
     * any of its describing methods becomes an unavailable candidate with the error.
     *
     * @param backend the backend
     * @return the candidate
     */
    public static BackendCandidate describe(ArchBackend backend) {
        String type = backend.getClass().getName();
        try {
            String name = backend.name();
            Set<String> arches = backend.osArchNames();
            int priority = backend.priority();
            Availability availability;
            try {
                availability = backend.probe();
                if (availability == null) {
                    availability = Availability.unavailable("probe() returned null");
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.DEBUG, "backend " + name + " failed its probe", e);
                availability = Availability.unavailable("probe() threw " + describe(e));
            }
            return new BackendCandidate(name, type, priority, arches, availability, Optional.of(backend));
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "backend " + type + " is broken", e);
            return broken(type, e);
        }
    }

    private static void collect(ServiceLoader<ArchBackend> loader, List<BackendCandidate> found, Set<String> seen) {
        Iterator<ServiceLoader.Provider<ArchBackend>> it = loader.stream().iterator();
        int errors = 0;
        while (errors < MAX_LOAD_ERRORS) {
            ServiceLoader.Provider<ArchBackend> provider;
            try {
                if (!it.hasNext()) {
                    return;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                errors++;
                LOG.log(System.Logger.Level.DEBUG, "a backend provider failed to load", e);
                found.add(broken(providerNameOf(e), e));
                continue;
            }
            String type = provider.type().getName();
            if (!seen.add(type)) {
                continue;
            }
            ArchBackend backend;
            try {
                backend = provider.get();
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                errors++;
                LOG.log(System.Logger.Level.DEBUG, "backend provider " + type + " failed to load", e);
                found.add(broken(type, e));
                continue;
            }
            found.add(describe(backend));
        }
    }

    private static BackendCandidate broken(String type, Throwable e) {
        String simple = type.substring(type.lastIndexOf('.') + 1);
        return new BackendCandidate(simple, type, 0, Set.of(),
                Availability.unavailable("failed to load: " + describe(e)), Optional.empty());
    }

    private static String providerNameOf(ServiceConfigurationError e) {
        // "dev.iomem.spi.ArchBackend: Provider com.example.Foo not found"
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("Provider ");
        if (i >= 0) {
            String rest = m.substring(i + 9);
            int sp = rest.indexOf(' ');
            return sp > 0 ? rest.substring(0, sp) : rest;
        }
        return "?";
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
        if (root != e) {
            msg += " (caused by " + root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + root.getMessage() : "") + ")";
        }
        return msg.replace('\n', ' ');
    }

    /** {@return every candidate, by name} */
    public List<BackendCandidate> candidates() {
        return candidates;
    }

    /** {@return the {@code os.arch} choices are made for} */
    public String osArch() {
        return osArch;
    }

    /** {@return the names of the providers that failed to load, sorted} */
    private List<String> brokenNames() {
        return candidates.stream().filter(c -> !c.loaded()).map(BackendCandidate::name).sorted().toList();
    }

    /** {@return the names of the backends that loaded, sorted} */
    public List<String> knownNames() {
        return candidates.stream().filter(BackendCandidate::loaded).map(BackendCandidate::name).sorted().toList();
    }

    /**
     * Chooses a backend: the explicit choice if there is one, else the available backends
     * whose {@link ArchBackend#osArchNames()} contain {@code os.arch}, highest priority first
     * (ties by name).
     *
     * @param choice the explicit choice, if any
     * @return the platform of the chosen backend
     * @throws UnknownBackendException      if the explicit name matches no loaded backend
     * @throws NoBackendAvailableException  if there is no explicit choice and no backend is available
     */
    public IoPlatform select(Optional<BackendChoice> choice) {
        if (choice.isPresent()) {
            BackendChoice c = choice.get();
            for (BackendCandidate candidate : candidates) {
                if (candidate.loaded() && candidate.name().toLowerCase(Locale.ROOT).equals(c.name().toLowerCase(Locale.ROOT))) {
                    String why = "chosen explicitly by " + c.source() + "=" + c.name()
                            + (candidate.available() ? "" : "; not available natively (" + candidate.availability().reason()
                                + "), so it can drive simulated memory only");
                    return new IoPlatform(candidate, why, this);
                }
            }
            throw new UnknownBackendException(c.name(), c.source(), knownNames(), brokenNames());
        }
        List<BackendCandidate> usable = candidates.stream()
                .filter(BackendCandidate::available)
                .filter(cand -> cand.osArchNames().contains(osArch))
                .sorted(Comparator.comparingInt(BackendCandidate::priority).reversed().thenComparing(BackendCandidate::name))
                .toList();
        if (usable.isEmpty()) {
            throw new NoBackendAvailableException(osArch, candidates);
        }
        BackendCandidate best = usable.getFirst();
        String why = usable.size() == 1
                ? "the only available backend for os.arch " + osArch
                : "highest priority (" + best.priority() + ") of " + usable.size() + " available backends for os.arch " + osArch;
        return new IoPlatform(best, why, this);
    }
}
