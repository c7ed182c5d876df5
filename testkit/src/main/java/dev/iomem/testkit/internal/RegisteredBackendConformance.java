package dev.iomem.testkit.internal;

import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.conformance.ArchBackendConformance;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The concrete suite the {@link dev.iomem.testkit.ConformanceRunner} launches: the backend is
 * whichever instance the runner registered for this run.
 */
@DisplayName("ArchBackend conformance")
@ExtendWith(RegisteredBackendResolver.class)
public class RegisteredBackendConformance extends ArchBackendConformance {

    private final ArchBackend backend;

    /**
     * Creates the suite; JUnit calls this with the registered backend.
     *
     * @param backend the backend under test
     */
    public RegisteredBackendConformance(ArchBackend backend) {
        this.backend = backend;
    }

    @Override
    protected ArchBackend backend() {
        return backend;
    }
}
