package com.example.iomem.riscv64;

import dev.iomem.spi.ArchBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The plugin registers its backend for ServiceLoader")
class RegistrationTest {

    @Test
    @DisplayName("on the class path, through META-INF/services")
    void classPath() {
        assertThat(ServiceLoader.load(ArchBackend.class).stream().map(ServiceLoader.Provider::type))
                .contains(Riscv64Backend.class);
    }

    @Test
    @DisplayName("on the module path, through module-info's provides clause")
    void modulePath() {
        ModuleDescriptor d = ModuleFinder.of(Path.of("target", "classes")).find("com.example.iomem.riscv64")
                .orElseThrow().descriptor();
        assertThat(d.provides()).anySatisfy(p -> {
            assertThat(p.service()).isEqualTo(ArchBackend.class.getName());
            assertThat(p.providers()).containsExactly(Riscv64Backend.class.getName());
        });
        assertThat(d.requires()).extracting(ModuleDescriptor.Requires::name).contains("dev.iomem.api", "dev.iomem.core");
    }
}
