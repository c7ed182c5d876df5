package dev.iomem.core;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.multibindings.OptionalBinder;
import dev.iomem.core.fixtures.FixtureBackend;
import dev.iomem.core.guice.IomemModule;
import dev.iomem.spi.ArchBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Guice wiring")
class IomemModuleTest {

    @Test
    @DisplayName("new IomemModule() binds the selected backend and its platform as it stands")
    void defaultBinding() {
        Injector injector = Guice.createInjector(new IomemModule());
        ArchBackend backend = injector.getInstance(ArchBackend.class);
        IoPlatform platform = injector.getInstance(IoPlatform.class);
        assertThat(backend.name()).isEqualTo("host-fixture");
        assertThat(platform.backend()).isSameAs(backend);
        assertThat(platform.reason()).contains("os.arch");
        assertThat(injector.getInstance(IoPlatform.class)).isSameAs(platform);
    }

    @Test
    @DisplayName("a constructor argument forces a backend by name")
    void forcedByName() {
        Injector injector = Guice.createInjector(new IomemModule("elsewhere"));
        assertThat(injector.getInstance(ArchBackend.class).name()).isEqualTo("elsewhere");
        assertThat(injector.getInstance(IoPlatform.class).reason()).contains("chosen explicitly");
    }

    @Test
    @DisplayName("an OptionalBinder.setBinding in a consumer's module overrides the default")
    void overriddenBinding() {
        FixtureBackend mine = new FixtureBackend.HostLow();
        Injector injector = Guice.createInjector(new IomemModule(), new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), ArchBackend.class).setBinding().toInstance(mine);
            }
        });
        assertThat(injector.getInstance(ArchBackend.class)).isSameAs(mine);
        IoPlatform platform = injector.getInstance(IoPlatform.class);
        assertThat(platform.backend()).isSameAs(mine);
        assertThat(platform.reason()).contains("bound through Guice");
    }

    @Test
    @DisplayName("an unknown forced name fails when the backend is first needed, naming the known backends")
    void unknownForcedName() {
        Injector injector = Guice.createInjector(new IomemModule("nonesuch"));
        assertThatThrownBy(() -> injector.getInstance(ArchBackend.class))
                .hasRootCauseInstanceOf(UnknownBackendException.class)
                .rootCause().hasMessageContaining("known backends: elsewhere, host-fixture");
    }
}
