package dev.iomem.core;

import dev.iomem.api.Availability;
import dev.iomem.core.fixtures.FixtureBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Backend discovery")
class BackendDiscoveryTest {

    private static final String ARCH = System.getProperty("os.arch");

    /** A loader whose only services file lists {@code lines}, over this test class path. */
    private static ClassLoader servicesLoader(Path dir, String... lines) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve("dev.iomem.spi.ArchBackend"), List.of(lines));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, BackendDiscoveryTest.class.getClassLoader());
    }

    @Test
    @DisplayName("the real ServiceLoader finds the providers of the class path, each with its availability")
    void findsClassPathProviders() {
        BackendDiscovery d = BackendDiscovery.discover(getClass().getClassLoader());
        assertThat(d.candidates()).extracting(BackendCandidate::name).contains("host-fixture", "elsewhere");
        BackendCandidate elsewhere = d.candidates().stream().filter(c -> c.name().equals("elsewhere")).findFirst().orElseThrow();
        assertThat(elsewhere.available()).isFalse();
        assertThat(elsewhere.availability().reason()).isEqualTo("os.arch is not pdp11");
    }

    @Test
    @DisplayName("a provider whose class is missing or whose constructor throws is listed as broken and does not stop the others")
    void brokenProvidersAreListed(@TempDir Path dir) throws IOException {
        ClassLoader loader = servicesLoader(dir,
                "com.example.DoesNotExist",
                "dev.iomem.core.fixtures.FixtureBackend$ThrowsInConstructor",
                "dev.iomem.core.fixtures.FixtureBackend$HostLow");
        BackendDiscovery d = BackendDiscovery.discover(loader);
        assertThat(d.candidates()).extracting(BackendCandidate::name).contains("host-fixture", "host-fixture-low");
        assertThat(d.candidates()).filteredOn(c -> !c.loaded()).hasSize(2)
                .allSatisfy(c -> assertThat(c.availability().reason()).startsWith("failed to load:"));
        assertThat(d.candidates()).filteredOn(c -> !c.loaded())
                .anySatisfy(c -> assertThat(c.availability().reason()).contains("constructor exploded"))
                .anySatisfy(c -> assertThat(c.providerClass()).isEqualTo("com.example.DoesNotExist"));
        assertThat(d.select(Optional.empty()).candidate().name()).isEqualTo("host-fixture");
    }

    @Test
    @DisplayName("a provider whose probe() throws is unavailable with the error, and is never chosen")
    void probeThatThrows(@TempDir Path dir) throws IOException {
        BackendDiscovery d = BackendDiscovery.discover(servicesLoader(dir, "dev.iomem.core.fixtures.FixtureBackend$ThrowsInProbe"));
        BackendCandidate c = d.candidates().stream().filter(x -> x.name().equals("probe-throws")).findFirst().orElseThrow();
        assertThat(c.loaded()).isTrue();
        assertThat(c.available()).isFalse();
        assertThat(c.availability().reason()).contains("probe() threw").contains("probe exploded");
        // priority 1000 would win, but it is not available.
        assertThat(d.select(Optional.empty()).candidate().name()).isEqualTo("host-fixture");
    }

    @Test
    @DisplayName("without an explicit choice the available backend of highest priority for os.arch wins")
    void priorityWins() {
        BackendDiscovery d = BackendDiscovery.of(List.of(
                BackendDiscovery.describe(new FixtureBackend.HostLow()),
                BackendDiscovery.describe(new FixtureBackend.Host()),
                BackendDiscovery.describe(new FixtureBackend.Elsewhere())), ARCH);
        IoPlatform p = d.select(Optional.empty());
        assertThat(p.candidate().name()).isEqualTo("host-fixture");
        assertThat(p.reason()).contains("highest priority (10) of 2 available backends");
        assertThat(p.isNative()).isTrue();
    }

    @Test
    @DisplayName("an available backend for another os.arch is not chosen")
    void otherArchIsNotChosen() {
        BackendDiscovery d = BackendDiscovery.of(List.of(BackendDiscovery.describe(
                new FixtureBackend("other", Set.of("riscv64"), 1, Availability.available("yes")))), "amd64");
        assertThatThrownBy(() -> d.select(Optional.empty())).isInstanceOf(NoBackendAvailableException.class);
    }

    @Test
    @DisplayName("an explicit choice wins even over an unavailable backend, which then drives simulated memory only")
    void explicitChoiceWins() {
        BackendDiscovery d = BackendDiscovery.of(List.of(
                BackendDiscovery.describe(new FixtureBackend.Host()),
                BackendDiscovery.describe(new FixtureBackend.Elsewhere())), ARCH);
        IoPlatform p = d.select(Optional.of(new BackendChoice("ELSEWHERE", "--backend")));
        assertThat(p.candidate().name()).isEqualTo("elsewhere");
        assertThat(p.isNative()).isFalse();
        assertThat(p.reason()).contains("chosen explicitly by --backend=ELSEWHERE").contains("simulated memory only");
    }

    @Test
    @DisplayName("an unknown name fails with the list of known names")
    void unknownName() {
        BackendDiscovery d = BackendDiscovery.of(List.of(
                BackendDiscovery.describe(new FixtureBackend.Host()),
                BackendDiscovery.describe(new FixtureBackend.Elsewhere())), ARCH);
        assertThatThrownBy(() -> d.select(Optional.of(new BackendChoice("nonesuch", "environment variable IOMEM_BACKEND"))))
                .isInstanceOf(UnknownBackendException.class)
                .hasMessage("unknown backend \"nonesuch\" (from environment variable IOMEM_BACKEND); known backends: elsewhere, host-fixture")
                .satisfies(e -> assertThat(((UnknownBackendException) e).knownNames()).containsExactly("elsewhere", "host-fixture"));
    }

    @Test
    @DisplayName("when nothing is available the error lists every candidate with its reason and how to force one")
    void nothingAvailable() {
        BackendDiscovery d = BackendDiscovery.of(List.of(BackendDiscovery.describe(new FixtureBackend.Elsewhere())), "amd64");
        assertThatThrownBy(() -> d.select(Optional.empty()))
                .isInstanceOf(NoBackendAvailableException.class)
                .hasMessageContaining("no iomem backend is available for os.arch amd64")
                .hasMessageContaining("elsewhere (os.arch is not pdp11)")
                .hasMessageContaining("-Diomem.backend=NAME")
                .hasMessageContaining("IOMEM_BACKEND=NAME")
                .hasMessageContaining("--backend NAME");
    }

    @Test
    @DisplayName("the caller's choice beats the system property, which beats the environment")
    void precedence() {
        Properties props = new Properties();
        props.setProperty(Iomem.BACKEND_PROPERTY, "from-property");
        Map<String, String> env = Map.of(Iomem.BACKEND_ENV, "from-env");
        assertThat(BackendChoice.resolve("from-cli", "--backend", props, env)).get().extracting(BackendChoice::name).isEqualTo("from-cli");
        assertThat(BackendChoice.resolve(null, "--backend", props, env)).get()
                .satisfies(c -> assertThat(c.name()).isEqualTo("from-property"))
                .satisfies(c -> assertThat(c.source()).isEqualTo("-Diomem.backend"));
        assertThat(BackendChoice.resolve(null, "--backend", new Properties(), env)).get()
                .satisfies(c -> assertThat(c.name()).isEqualTo("from-env"))
                .satisfies(c -> assertThat(c.source()).isEqualTo("environment variable IOMEM_BACKEND"));
        assertThat(BackendChoice.resolve("  ", "--backend", new Properties(), Map.of())).isEmpty();
    }

    @Test
    @DisplayName("Iomem.platform() reads -Diomem.backend")
    void systemPropertyThroughIomem() {
        String old = System.getProperty(Iomem.BACKEND_PROPERTY);
        System.setProperty(Iomem.BACKEND_PROPERTY, "elsewhere");
        try {
            assertThat(Iomem.platform().candidate().name()).isEqualTo("elsewhere");
            assertThat(Iomem.platform("host-fixture").candidate().name()).isEqualTo("host-fixture");
        } finally {
            if (old == null) System.clearProperty(Iomem.BACKEND_PROPERTY); else System.setProperty(Iomem.BACKEND_PROPERTY, old);
        }
    }
}
