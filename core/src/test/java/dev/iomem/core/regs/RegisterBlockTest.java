package dev.iomem.core.regs;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.api.regs.InvalidLayoutException;
import dev.iomem.api.regs.RegisterAccessException;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.core.regs.layouts.EduLayout;
import dev.iomem.core.regs.layouts.NvmeLayout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;

import static dev.iomem.api.regs.AccessKind.READ_ONLY;
import static dev.iomem.api.regs.AccessKind.READ_TO_CLEAR;
import static dev.iomem.api.regs.AccessKind.READ_WRITE;
import static dev.iomem.api.regs.AccessKind.WRITE_1_TO_CLEAR;
import static dev.iomem.api.regs.AccessKind.WRITE_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("RegisterBlock")
class RegisterBlockTest {

    static final AccessRules ALIGNED = AccessRules.builder("aligned", MemoryType.DEVICE).build();
    static final AccessRules UNALIGNED = AccessRules.builder("unaligned", MemoryType.DEVICE).naturalAlignment(false).build();
    static final AccessRules NO_64 = AccessRules.builder("no64", MemoryType.DEVICE)
            .scalarWidths(EnumSet.of(Width.BYTE, Width.SHORT, Width.INT)).maxCopyWidth(Width.INT).build();

    static final RegisterLayout TEST = RegisterLayout.builder("test")
            .register("ID", 0x00, 32, READ_ONLY, f -> f.field("MAGIC", 0, 16).field("REV", 16, 8))
            .register("CTRL", 0x04, 32, READ_WRITE, f -> f
                    .flag("EN", 0)
                    .field("MODE", 4, 2, Map.of(0L, "off", 1L, "slow", 2L, "fast"))
                    .field("LEVEL", 8, 8))
            .register("KICK", 0x08, 32, WRITE_ONLY, f -> f.field("QUEUE", 0, 16))
            .register("EVENTS", 0x0c, 32, READ_TO_CLEAR, f -> f.flag("DONE", 0))
            .register("PENDING", 0x10, 32, WRITE_1_TO_CLEAR, f -> f.flag("A", 0).flag("B", 1))
            .register("WIDE", 0x18, 64, READ_WRITE)
            .register("SMALL", 0x20, 8, READ_WRITE)
            .register("HALF", 0x22, 16, READ_WRITE)
            .array("DB", 0x40, 32, WRITE_ONLY, 4, 8)
            .build();

    private final LogBus bus = new LogBus(256);
    private final IoAccessor io = LogBus.accessor(bus, ALIGNED);
    private final RegisterBlock block = RegisterBlock.bind(TEST, io);

    @Test
    @DisplayName("a field update is exactly one ordered load and one ordered store, and replaces only that field's bits")
    void updateKeepsOtherFields() {
        bus.poke(0x04, Width.INT, 0xab11);
        block.register("CTRL").field("MODE").update(2);
        assertThat(bus.log).containsExactly("load 0x4 4", "barrier-after-read", "barrier-before-write", "store 0x4 4 0xab21");
        assertThat(block.register("CTRL").field("LEVEL").get()).isEqualTo(0xab);
        assertThat(block.register("CTRL").field("EN").get()).isEqualTo(1);
    }

    @Test
    @DisplayName("register update(mask, bits) is one load and one store of (old & ~mask) | bits")
    void registerUpdate() {
        bus.poke(0x18, Width.LONG, 0xffff_0000_0000_00ffL);
        long v = block.register("WIDE").update(0xf0L, 0x50L);
        assertThat(v).isEqualTo(0xffff_0000_0000_005fL);
        assertThat(bus.log).containsExactly("load 0x18 8", "barrier-after-read", "barrier-before-write", "store 0x18 8 0xffff00000000005f");
    }

    @Test
    @DisplayName("every access has the register's width: 8, 16, 32 and 64 bits, relaxed without barriers")
    void widths() {
        block.register("SMALL").writeRelaxed(0xfe);
        block.register("HALF").writeRelaxed(0xbeef);
        block.register("WIDE").writeRelaxed(0x1122_3344_5566_7788L);
        assertThat(block.register("SMALL").readRelaxed()).isEqualTo(0xfe);
        assertThat(block.register("HALF").readRelaxed()).isEqualTo(0xbeef);
        assertThat(block.register("WIDE").readRelaxed()).isEqualTo(0x1122_3344_5566_7788L);
        assertThat(bus.log).containsExactly("store 0x20 1 0xfe", "store 0x22 2 0xbeef", "store 0x18 8 0x1122334455667788",
                "load 0x20 1", "load 0x22 2", "load 0x18 8");
    }

    @Test
    @DisplayName("a write-only register is never read: read, readRelaxed, get and update throw before any transaction")
    void writeOnlyNeverRead() {
        Register kick = block.register("KICK");
        assertThatThrownBy(kick::read).isInstanceOf(RegisterAccessException.class)
                .hasMessage("reading register KICK at 0x8 is refused: it is write-only");
        assertThatThrownBy(kick::readRelaxed).isInstanceOf(RegisterAccessException.class);
        assertThatThrownBy(() -> kick.field("QUEUE").get()).isInstanceOf(RegisterAccessException.class);
        assertThatThrownBy(() -> kick.field("QUEUE").update(3)).isInstanceOf(RegisterAccessException.class);
        assertThatThrownBy(() -> kick.update(0xff, 1)).isInstanceOf(RegisterAccessException.class);
        assertThatThrownBy(() -> block.array("DB").get(2).read()).isInstanceOf(RegisterAccessException.class)
                .hasMessage("reading register DB[2] at 0x50 is refused: it is write-only");
        assertThat(bus.log).isEmpty();
        kick.field("QUEUE").set(7);
        assertThat(bus.log).containsExactly("barrier-before-write", "store 0x8 4 0x7");
    }

    @Test
    @DisplayName("a read-to-clear register is never read implicitly: update throws, only an explicit read reads it")
    void readToClearNeverImplicit() {
        Register events = block.register("EVENTS");
        assertThatThrownBy(() -> events.update(1, 1)).isInstanceOf(RegisterAccessException.class)
                .hasMessage("an implicit read (read-modify-write) of register EVENTS at 0xc is refused: "
                        + "it is read-to-clear: a read clears it, so it is only read explicitly with read()");
        assertThatThrownBy(() -> events.field("DONE").update(1)).isInstanceOf(RegisterAccessException.class);
        block.dump();
        assertThat(bus.log).doesNotContain("load 0xc 4");
        bus.log.clear();
        events.readRelaxed();
        assertThat(bus.log).containsExactly("load 0xc 4");
    }

    @Test
    @DisplayName("write-1-to-clear and read-only registers refuse a read-modify-write; read-only refuses writes")
    void otherKinds() {
        assertThatThrownBy(() -> block.register("PENDING").field("A").update(1)).isInstanceOf(RegisterAccessException.class)
                .hasMessageContaining("write-1-to-clear");
        assertThatThrownBy(() -> block.register("ID").write(1)).isInstanceOf(RegisterAccessException.class)
                .hasMessage("writing register ID at 0x0 is refused: it is read-only");
        assertThat(bus.log).isEmpty();
        block.register("PENDING").field("B").set(1);
        assertThat(bus.log).containsExactly("barrier-before-write", "store 0x10 4 0x2");
    }

    @Test
    @DisplayName("values that do not fit a field or register are refused before any transaction")
    void valuesThatDoNotFit() {
        assertThatThrownBy(() -> block.register("CTRL").field("MODE").update(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field CTRL.MODE: value 0x4 does not fit in 2 bits");
        assertThatThrownBy(() -> block.register("SMALL").write(0x100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register SMALL: value 0x100 does not fit in 8 bits");
        assertThat(bus.log).isEmpty();
    }

    @Test
    @DisplayName("binding refuses a register outside the window")
    void bindOutsideWindow() {
        IoAccessor small = io.slice(0, 0x40);
        assertThatThrownBy(() -> RegisterBlock.bind(TEST, small)).isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout test: register DB[0] [0x40, 0x44) is outside the window of 64 bytes (0x40)");
        assertThatThrownBy(() -> RegisterBlock.bind(NvmeLayout.forStride(0, 2), LogBus.accessor(new LogBus(0x1008), ALIGNED)))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout nvme: register SQTDBL[1] [0x1008, 0x100c) is outside the window of 4104 bytes (0x1008)");
        RegisterLayout far = RegisterLayout.builder("far").register("R", Long.MAX_VALUE - 8, 64, READ_WRITE).build();
        assertThatThrownBy(() -> RegisterBlock.bind(far, io)).isInstanceOf(InvalidLayoutException.class)
                .hasMessageStartingWith("layout far: register R [0x7ffffffffffffff7, 0x7fffffffffffffff) is outside the window of 256 bytes");
        assertThat(bus.log).isEmpty();
    }

    @Test
    @DisplayName("binding refuses a width the window's rules forbid")
    void bindForbiddenWidth() {
        assertThatThrownBy(() -> RegisterBlock.bind(TEST, LogBus.accessor(new LogBus(256), NO_64)))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout test: register WIDE is 64 bits wide, a width the rules no64 of this window forbid (allowed: [8-bit, 16-bit, 32-bit])");
    }

    @Test
    @DisplayName("binding refuses a misaligned register where the rules require alignment, and accepts it where they do not")
    void bindMisaligned() {
        RegisterLayout odd = RegisterLayout.builder("odd").register("R", 0x02, 32, READ_WRITE).build();
        assertThatThrownBy(() -> RegisterBlock.bind(odd, io)).isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout odd: register R at 0x2 is not aligned to its 4-byte width, and the rules aligned of this window require natural alignment");
        RegisterBlock ok = RegisterBlock.bind(odd, LogBus.accessor(new LogBus(16), UNALIGNED));
        assertThat(ok.register("R").offset()).isEqualTo(2);
        RegisterLayout oddArray = RegisterLayout.builder("odd").array("A", 0, 32, READ_WRITE, 3, 6).build();
        assertThatThrownBy(() -> RegisterBlock.bind(oddArray, io)).isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout odd: register A[1] at 0x6 is not aligned to its 4-byte width, and the rules aligned of this window require natural alignment");
        // A slice that starts off alignment in its BAR misaligns a register at an aligned offset in it.
        RegisterLayout even = RegisterLayout.builder("even").register("R", 0x04, 32, READ_WRITE).build();
        assertThatThrownBy(() -> RegisterBlock.bind(even, io.slice(0x2, 0x20))).isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout even: register R at 0x4 (0x6 in the BAR: the window is a slice at 0x2) is not aligned to its"
                        + " 4-byte width, and the rules aligned of this window require natural alignment");
        assertThat(RegisterBlock.bind(even, io.slice(0x4, 0x20)).register("R").offset()).isEqualTo(4);
        assertThat(bus.log).as("binding touches nothing").isEmpty();
    }

    @Test
    @DisplayName("dump and describe read only side-effect-free registers, once each, and decode their fields")
    void describe() {
        bus.poke(0x00, Width.INT, 0x0102_00ed);
        bus.poke(0x04, Width.INT, 0x0321);
        bus.poke(0x10, Width.INT, 0x2);
        String text = block.describe();
        assertThat(bus.log).filteredOn(s -> s.startsWith("load")).containsExactly(
                "load 0x0 4", "load 0x4 4", "load 0x10 4", "load 0x18 8", "load 0x20 1", "load 0x22 2");
        assertThat(bus.log).filteredOn(s -> s.startsWith("store")).isEmpty();
        assertThat(text).contains("0x0000  ID       32  RO   0x010200ed  MAGIC=0xed  REV=0x2\n")
                .contains("CTRL     32  RW   0x00000321  EN=1  MODE=0x2(fast)  LEVEL=0x3\n")
                .contains("KICK     32  WO   (write-only, not read)\n")
                .contains("EVENTS   32  RC   (read-to-clear, not read)\n")
                .contains("0x0048  DB[1]    32  WO   (write-only, not read)\n");
    }

    @Test
    @DisplayName("the shipped layouts bind to windows of their devices' sizes and dump without side effects")
    void shippedLayoutsBind() {
        LogBus edu = new LogBus(4096);
        RegisterBlock e = RegisterBlock.bind(EduLayout.LAYOUT, LogBus.accessor(edu, ALIGNED));
        edu.poke(0, Width.INT, 0x010000ed);
        assertThat(e.register("ID").field("MAJOR").get()).isEqualTo(1);
        assertThat(e.describe()).contains("IRQ_ACK").contains("MAGIC=0xed");
        assertThat(edu.log).noneMatch(s -> s.startsWith("load 0x60") || s.startsWith("load 0x64"));

        LogBus nvme = new LogBus(0x2000);
        nvme.poke(0, Width.LONG, 0x0000_0020_0f01_07ffL | (3L << 32));
        RegisterBlock n = RegisterBlock.bind(NvmeLayout.CONTROLLER, LogBus.accessor(nvme, ALIGNED));
        int dstrd = (int) n.register("CAP").field("DSTRD").get();
        assertThat(dstrd).isEqualTo(3);
        RegisterBlock full = RegisterBlock.bind(NvmeLayout.forStride(dstrd, 2), LogBus.accessor(nvme, ALIGNED));
        nvme.log.clear();
        full.array("SQTDBL").get(1).write(5);
        full.array("CQHDBL").get(1).write(6);
        assertThat(nvme.log).containsExactly("barrier-before-write", "store 0x1040 4 0x5", "barrier-before-write", "store 0x1060 4 0x6");
        nvme.log.clear();
        full.register("CC").field("EN").update(1);
        assertThat(nvme.log).containsExactly("load 0x14 4", "barrier-after-read", "barrier-before-write", "store 0x14 4 0x1");
        assertThat(full.describe()).contains("SHN=0x0(none)").contains("SQTDBL[1]");
    }

    @Test
    @DisplayName("asking for an unknown register, array or field names the ones that exist")
    void unknownNames() {
        assertThatThrownBy(() -> block.register("DB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it is an array");
        assertThatThrownBy(() -> block.register("CTRL").field("NOPE")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register CTRL has no field NOPE; its fields are [EN, MODE, LEVEL]");
        assertThatThrownBy(() -> block.array("DB").get(4)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
