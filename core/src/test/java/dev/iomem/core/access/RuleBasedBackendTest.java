package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.MemoryType;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("RuleBasedBackend: probe and openBus are one template, the backend fills in its hooks")
class RuleBasedBackendTest {

    /** A backend that states only its hooks. */
    private static final class Toy extends RuleBasedBackend {
        final String arch;
        final Supplier<Availability> nativeProbe;
        final AtomicInteger opened = new AtomicInteger();

        Toy(String arch, Supplier<Availability> nativeProbe) {
            this.arch = arch;
            this.nativeProbe = nativeProbe;
        }

        @Override public String name() { return "toy"; }
        @Override public Set<String> osArchNames() { return Set.of("toy64"); }
        @Override public int priority() { return 1; }
        @Override public AccessRules rules(MemoryType type) { return AccessRules.builder("toy", type).build(); }
        @Override public Barriers nativeBarriers() { return Barriers.none(); }
        @Override protected String osArch() { return arch; }
        @Override protected Availability probeNative(String osArch) { return nativeProbe.get(); }

        @Override
        protected IoBus openNativeBus(MappedRegion region) {
            opened.incrementAndGet();
            return new MappedBus(region);
        }
    }

    @Test
    @DisplayName("off its os.arch it is unavailable, never asks probeNative, and openBus refuses with that reason")
    void otherArch() {
        Toy toy = new Toy("amd64", () -> {
            throw new AssertionError("probeNative must not be asked off toy64");
        });
        assertThat(toy.probe()).isEqualTo(Availability.unavailable("os.arch is amd64, not toy"));
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion region = new MappedRegion(arena.allocate(64), MemoryType.DEVICE, "BAR 0", false);
            assertThatThrownBy(() -> toy.openBus(region)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("toy backend cannot open BAR 0: os.arch is amd64, not toy");
        }
        assertThat(toy.opened).hasValue(0);
        assertThatThrownBy(() -> toy.openBus(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("on its os.arch it says what probeNative says (degraded included), and a probeNative that throws is unavailability")
    void nativeProbe() {
        assertThat(new Toy("toy64", () -> Availability.degraded("stubs refused", "ordering: W^X")).probe().degradation()).hasValue("ordering: W^X");
        Availability thrown = new Toy("toy64", () -> {
            throw new IllegalStateException("no stubs");
        }).probe();
        assertThat(thrown.available()).isFalse();
        assertThat(thrown.reason()).isEqualTo("toy probe failed: java.lang.IllegalStateException: no stubs");
    }

    @Test
    @DisplayName("openBus asks openNativeBus only when probe says available")
    void opensOnlyWhenAvailable() {
        Toy no = new Toy("toy64", () -> Availability.unavailable("no device"));
        Toy yes = new Toy("toy64", () -> Availability.available("yes"));
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion region = new MappedRegion(arena.allocate(64), MemoryType.DEVICE, "BAR 2", false);
            assertThatThrownBy(() -> no.openBus(region)).hasMessage("toy backend cannot open BAR 2: no device");
            assertThat(no.opened).hasValue(0);
            try (IoBus bus = yes.openBus(region)) {
                assertThat(bus).isInstanceOf(MappedBus.class);
            }
            assertThat(yes.opened).hasValue(1);
        }
    }

    @Test
    @DisplayName("the native-access message names every module that needs the flag, dev.iomem.core included")
    void nativeAccessFlag() {
        assertThat(dev.iomem.core.NativeAccess.flagFor(String.class, RuleBasedBackend.class))
                .isEqualTo("--enable-native-access=java.base," + (RuleBasedBackend.class.getModule().isNamed() ? "dev.iomem.core" : "ALL-UNNAMED"));
        assertThat(dev.iomem.core.NativeAccess.flagFor(Toy.class, RuleBasedBackend.class)).doesNotContain(",ALL-UNNAMED,");
    }
}
