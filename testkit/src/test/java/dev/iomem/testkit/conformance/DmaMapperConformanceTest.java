package dev.iomem.testkit.conformance;

import dev.iomem.api.dma.DmaMapper;
import dev.iomem.testkit.fixtures.FakeDmaMapper;
import dev.iomem.testkit.fixtures.FakeDmaMapper.Fault;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

@DisplayName("DmaMapperConformance")
class DmaMapperConformanceTest {

    /** A correct mapper: the kit must pass it (this runs as part of the build). */
    @Nested
    @DisplayName("passes a correct mapper")
    class Correct extends DmaMapperConformance {
        private final FakeDmaMapper mapper = new FakeDmaMapper(Fault.NONE);

        @Override
        protected DmaMapper mapper() {
            return mapper;
        }

        @Override
        protected OptionalInt liveMappings() {
            return OptionalInt.of(mapper.live.get());
        }
    }

    /** The suite over a faulty mapper; run by the launcher below, never by the build itself. */
    static class Faulty extends DmaMapperConformance {
        static volatile Fault fault;
        private final FakeDmaMapper mapper = new FakeDmaMapper(fault);

        @Override
        protected DmaMapper mapper() {
            return mapper;
        }

        @Override
        protected OptionalInt liveMappings() {
            return OptionalInt.of(mapper.live.get());
        }
    }

    @ParameterizedTest(name = "{0} fails [{1}]")
    @CsvSource({
        "NO_COALESCING, dma-coalescing",
        "IGNORE_MAX_SEGMENT, dma-constraints",
        "DOUBLE_UNMAP, dma-close",
        "USABLE_AFTER_CLOSE, dma-close",
        "MIXED_SPACE, dma-homogeneous",
        "ACCEPT_HEAP, dma-refusal"
    })
    @DisplayName("fails a faulty mapper with the rule it breaks")
    void failsFaulty(Fault fault, String rule) {
        Faulty.fault = fault;
        List<String> failures = new ArrayList<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Faulty.class))
                .enableImplicitConfigurationParameters(false).build();
        LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false).build())
                .execute(request, new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        result.getThrowable().ifPresent(t -> failures.add(String.valueOf(t.getMessage())));
                    }
                });
        assertThat(failures).as("failures for " + fault).anySatisfy(m -> assertThat(m).startsWith("[" + rule + "]").contains("fake-"));
    }
}
