package dev.iomem.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * No discovered backend can drive this machine natively, and none was chosen explicitly. The
 * message lists every candidate with its reason and says how to force one for simulation.
 */
public final class NoBackendAvailableException extends IllegalStateException {

    /** Every candidate that was considered. */
    private final List<BackendCandidate> candidates;

    NoBackendAvailableException(String osArch, List<BackendCandidate> candidates) {
        super("no iomem backend is available for os.arch " + osArch + ": "
                + (candidates.isEmpty() ? "no backend providers were found on the class or module path"
                    : candidates.stream().map(c -> c.name() + " (" + c.availability().reason() + ")")
                        .collect(Collectors.joining("; ")))
                + ". To use a backend on simulated memory anyway, force it with -D" + Iomem.BACKEND_PROPERTY
                + "=NAME, the environment variable " + Iomem.BACKEND_ENV + "=NAME or the CLI's --backend NAME");
        this.candidates = List.copyOf(candidates);
    }

    /** {@return every candidate that was considered, with its reason} */
    public List<BackendCandidate> candidates() {
        return candidates;
    }
}
