package dev.iomem.core.regs;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.core.access.MappedBus;
import dev.iomem.core.access.RuleDrivenAccessor;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A register handle's relaxed read over a mapped window takes the accessor's own fast path
 * without its per-access checks (bind made them), and still fails once the accessor closes.
 */
@DisplayName("Relaxed register reads over a mapped window: the accessor's fast path, closed with it")
class RegisterRelaxedReadTest {

    private static final AccessRules RULES = AccessRules.builder("aligned", MemoryType.DEVICE).build();
    private static final RegisterLayout LAYOUT = RegisterLayout.builder("t")
            .register("A", 0x40, 32, AccessKind.READ_WRITE)
            .register("B", 0x48, 64, AccessKind.READ_ONLY)
            .register("C", 0x50, 16, AccessKind.READ_WRITE)
            .build();

    @Test
    @DisplayName("reads what the memory holds at every width, zero-extended, as read() does")
    void readsTheWindow() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment mem = arena.allocate(4096, 4096);
            mem.set(ValueLayout.JAVA_INT_UNALIGNED, 0x40, 0xdeadbeef);
            mem.set(ValueLayout.JAVA_LONG_UNALIGNED, 0x48, 0x0123_4567_89ab_cdefL);
            mem.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0x50, (short) 0xfffe);
            RuleDrivenAccessor io = RuleDrivenAccessor.over(new MappedBus(new MappedRegion(mem, MemoryType.DEVICE, "t", false)),
                    RULES, Barriers.none());
            assertThat(io.relaxedReadWindow()).as("a mapped window with native access").isNotNull();
            RegisterBlock block = RegisterBlock.bind(LAYOUT, io);
            for (String r : new String[] {"A", "B", "C"}) {
                assertThat(block.register(r).readRelaxed()).as(r).isEqualTo(block.register(r).read());
            }
            assertThat(block.register("A").readRelaxed()).isEqualTo(0xdeadbeefL);
            assertThat(block.register("C").readRelaxed()).isEqualTo(0xfffeL);
            io.close();
            assertThatThrownBy(() -> block.register("A").readRelaxed()).isInstanceOf(AccessorClosedException.class);
            assertThat(io.relaxedReadWindow()).isNull();
        }
    }

    @Test
    @DisplayName("a handle over a slice fails once the root accessor closes")
    void sliceClosesWithRoot() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment mem = arena.allocate(8192, 4096);
            RuleDrivenAccessor root = RuleDrivenAccessor.over(new MappedBus(new MappedRegion(mem, MemoryType.DEVICE, "t", false)),
                    RULES, Barriers.none());
            IoAccessor slice = root.slice(4096, 4096);
            RegisterBlock block = RegisterBlock.bind(LAYOUT, slice);
            mem.set(ValueLayout.JAVA_INT_UNALIGNED, 4096 + 0x40, 7);
            assertThat(block.register("A").readRelaxed()).isEqualTo(7);
            root.close();
            assertThatThrownBy(() -> block.register("A").readRelaxed()).isInstanceOf(AccessorClosedException.class);
        }
    }
}
