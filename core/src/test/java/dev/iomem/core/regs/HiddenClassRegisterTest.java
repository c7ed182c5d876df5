package dev.iomem.core.regs;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.MemoryType;
import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.RegisterAccessException;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.core.access.MappedBus;
import dev.iomem.core.access.RuleDrivenAccessor;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The handles of single registers over a mapped window are each the only instance of a hidden
 * class of their own, and behave exactly as the general handle does: same values, same refusals,
 * ordered accesses through the accessor and its barriers, relaxed reads without them.
 */
@DisplayName("Register handles of their own class over a mapped window")
class HiddenClassRegisterTest {

    private static final AccessRules RULES = AccessRules.builder("aligned", MemoryType.DEVICE).build();
    private static final RegisterLayout LAYOUT = RegisterLayout.builder("t")
            .register("ID", 0x00, 32, AccessKind.READ_ONLY, f -> f.field("MAGIC", 0, 16))
            .register("CTRL", 0x04, 32, AccessKind.READ_WRITE, f -> f.flag("EN", 0).field("MODE", 4, 2))
            .register("KICK", 0x08, 32, AccessKind.WRITE_ONLY)
            .register("EVENTS", 0x0c, 32, AccessKind.READ_TO_CLEAR)
            .register("WIDE", 0x10, 64, AccessKind.READ_WRITE)
            .register("SMALL", 0x18, 8, AccessKind.READ_WRITE)
            .array("STATUS", 0x20, 32, AccessKind.READ_ONLY, 2, 4)
            .build();

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory = arena.allocate(4096, 4096);
    private final List<String> hooks = new ArrayList<>();
    private final RuleDrivenAccessor io = RuleDrivenAccessor.over(
            new MappedBus(new MappedRegion(memory, MemoryType.DEVICE, "t", false)), RULES, new Barriers() {
                @Override
                public void afterRead(long value) {
                    hooks.add("after-read");
                }

                @Override
                public void beforeWrite() {
                    hooks.add("before-write");
                }

                @Override
                public void flushWrites() {
                }
            });
    private final RegisterBlock block = RegisterBlock.bind(LAYOUT, io);

    @AfterEach
    void close() {
        io.close();
        arena.close();
    }

    @Test
    @DisplayName("each readable single register is a hidden class of its own; a write-only one, an array's elements and a window without a relaxed path keep the general class")
    void classPerRegister() {
        Register id = block.register("ID");
        Register ctrl = block.register("CTRL");
        assertThat(id.getClass().isHidden()).isTrue();
        assertThat(ctrl.getClass()).isNotEqualTo(id.getClass());
        assertThat(block.register("WIDE").getClass().isHidden()).isTrue();
        assertThat(block.register("SMALL").getClass().isHidden()).isTrue();
        assertThat(RegisterBlock.bind(LAYOUT, io).register("ID").getClass()).as("another binding").isNotEqualTo(id.getClass());
        assertThat(block.register("KICK")).as("write-only: nothing to read relaxed").isInstanceOf(BoundRegister.class);
        assertThat(block.array("STATUS").get(1)).isInstanceOf(BoundRegister.class);
        assertThat(block.register("ID")).as("one handle per register").isSameAs(id);
        assertThat(id).hasToString("Register[ID at 0x0, 32 bits, READ_ONLY]");
        assertThat(id.name()).isEqualTo("ID");
        assertThat(id.offset()).isZero();
        assertThat(id.spec()).isSameAs(LAYOUT.register("ID"));
        assertThat(id.field("MAGIC").register()).as("a field's register is the handle it came from").isSameAs(id);
        assertThatThrownBy(() -> id.field("NOPE")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAGIC");
    }

    @Test
    @DisplayName("relaxed reads of every width read the window without barriers; ordered ones go through the accessor's")
    void readsAsTheGeneralHandle() {
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, 0x00, 0xcafe_1234);
        memory.set(ValueLayout.JAVA_LONG_UNALIGNED, 0x10, 0x8000_0000_0000_0001L);
        memory.set(ValueLayout.JAVA_BYTE, 0x18, (byte) 0xff);
        assertThat(block.register("ID").readRelaxed()).isEqualTo(0xcafe_1234L);
        assertThat(block.register("WIDE").readRelaxed()).isEqualTo(0x8000_0000_0000_0001L);
        assertThat(block.register("SMALL").readRelaxed()).isEqualTo(0xffL);
        assertThat(hooks).isEmpty();
        assertThat(block.register("ID").read()).isEqualTo(0xcafe_1234L);
        assertThat(block.register("ID").field("MAGIC").get()).isEqualTo(0x1234L);
        assertThat(hooks).containsExactly("after-read", "after-read");
    }

    @Test
    @DisplayName("writes, updates and fields write the window, ordered, with the general handle's checks")
    void writesAsTheGeneralHandle() {
        Register ctrl = block.register("CTRL");
        ctrl.write(0xf0);
        ctrl.field("EN").update(1);
        assertThat(memory.get(ValueLayout.JAVA_INT_UNALIGNED, 0x04)).isEqualTo(0xf1);
        ctrl.writeRelaxed(0x20);
        assertThat(ctrl.update(0x30, 0x10)).isEqualTo(0x10);
        assertThat(ctrl.field("MODE").get()).isEqualTo(1);
        assertThat(hooks).containsExactly("before-write", "after-read", "before-write", "after-read", "before-write",
                "after-read");
        assertThatThrownBy(() -> ctrl.write(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> block.register("ID").write(1)).isInstanceOf(RegisterAccessException.class)
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> block.register("EVENTS").update(1, 1)).isInstanceOf(RegisterAccessException.class)
                .hasMessageContaining("read-to-clear");
        assertThat(memory.get(ValueLayout.JAVA_INT_UNALIGNED, 0x00)).as("refused writes wrote nothing").isZero();
    }

    @Test
    @DisplayName("without a usable template class file the handle is the general one, and reads the same")
    void fallsBackToTheGeneralHandle() {
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, 0x04, 0x55);
        BoundRegister general = BoundRegister.of("CTRL", LAYOUT.register("CTRL"), io, 0x04, io.relaxedReadWindow());
        assertThat(HiddenClassRegister.of(general, null)).isSameAs(general);
        assertThat(HiddenClassRegister.of(general, new byte[] {(byte) 0xca, (byte) 0xfe, 0, 0})).isSameAs(general);
        Register own = HiddenClassRegister.of(general);
        assertThat(own.getClass().isHidden()).isTrue();
        assertThat(own.readRelaxed()).isEqualTo(general.readRelaxed()).isEqualTo(0x55L);
    }

    @Test
    @DisplayName("once the accessor closes, a relaxed read throws AccessorClosedException naming the register")
    void closesWithTheAccessor() {
        Register id = block.register("ID");
        assertThat(id.readRelaxed()).isZero();
        io.close();
        assertThatThrownBy(id::readRelaxed).isInstanceOf(AccessorClosedException.class).hasMessageContaining("ID");
        assertThatThrownBy(id::read).isInstanceOf(AccessorClosedException.class);
    }
}
