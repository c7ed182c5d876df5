package dev.iomem.core.regs;

import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.InvalidLayoutException;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.api.regs.RegisterSpec;
import dev.iomem.core.regs.layouts.EduLayout;
import dev.iomem.core.regs.layouts.NvmeLayout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.iomem.api.regs.AccessKind.READ_ONLY;
import static dev.iomem.api.regs.AccessKind.READ_WRITE;
import static dev.iomem.api.regs.AccessKind.WRITE_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("RegisterLayout declarations")
class RegisterLayoutTest {

    enum Mode { OFF, SLOW, FAST }

    @Test
    @DisplayName("overlapping fields are refused, naming both fields and their bits")
    void overlappingFields() {
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("CTRL", 0, 32, READ_WRITE, f -> f
                .field("MODE", 4, 3)
                .field("LEVEL", 6, 2)))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register CTRL: field LEVEL (bits 6..7) overlaps field MODE (bits 4..6)");
    }

    @Test
    @DisplayName("a field wider than its register is refused")
    void fieldWiderThanRegister() {
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("CTRL", 0, 16, READ_WRITE, f -> f
                .field("ALL", 0, 32)))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register CTRL: field ALL is 32 bits wide, wider than its 16-bit register");
    }

    @Test
    @DisplayName("a field reaching past the last bit of its register is refused")
    void fieldPastRegister() {
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("CTRL", 0, 8, READ_WRITE, f -> f
                .field("TOP", 6, 4)))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register CTRL: field TOP (bits 6..9) reaches past bit 7 of its 8-bit register");
    }

    @Test
    @DisplayName("overlapping registers are refused, naming both with their byte ranges")
    void overlappingRegisters() {
        assertThatThrownBy(() -> RegisterLayout.builder("bad")
                .register("LO", 0x10, 32, READ_WRITE)
                .register("WIDE", 0x08, 64, READ_WRITE)
                .register("MID", 0x12, 16, READ_ONLY))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register MID [0x12, 0x14) overlaps register LO [0x10, 0x14)");
    }

    @Test
    @DisplayName("an array element landing on a register is refused, naming the element")
    void arrayOverlapsRegister() {
        assertThatThrownBy(() -> RegisterLayout.builder("bad")
                .register("X", 0x30, 32, READ_WRITE)
                .array("DB", 0x00, 32, WRITE_ONLY, 8, 0x10))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register DB[3] [0x30, 0x34) overlaps register X [0x30, 0x34)");
    }

    @Test
    @DisplayName("interleaved arrays that share no byte are accepted (NVMe doorbells)")
    void interleavedArrays() {
        RegisterLayout l = NvmeLayout.forStride(2, 4);
        RegisterSpec sq = l.register("SQTDBL");
        RegisterSpec cq = l.register("CQHDBL");
        assertThat(sq.offsetOf(0)).isEqualTo(0x1000);
        assertThat(cq.offsetOf(0)).isEqualTo(0x1010);
        assertThat(sq.offsetOf(3)).isEqualTo(0x1000 + 6 * 16);
        assertThat(cq.offsetOf(3)).isEqualTo(0x1000 + 7 * 16);
        assertThat(l.extent()).isEqualTo(0x1000 + 7 * 16 + 4);
    }

    @Test
    @DisplayName("an array whose stride is smaller than its width is refused")
    void strideTooSmall() {
        assertThatThrownBy(() -> RegisterLayout.builder("bad").array("DB", 0, 64, WRITE_ONLY, 4, 4))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register array DB: stride 4 is smaller than its width of 8 bytes, so its elements overlap");
    }

    @Test
    @DisplayName("bad widths, duplicate names, negative offsets and value names that do not fit are refused")
    void otherRefusals() {
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("R", 0, 24, READ_WRITE))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register R: width must be 8, 16, 32 or 64 bits, got 24");
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("R", 0, 32, READ_WRITE).register("R", 4, 32, READ_WRITE))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register R is declared twice");
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("R", -4, 32, READ_WRITE))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register R: offset -4 is negative");
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("R", 0, 32, READ_WRITE, f -> f
                .field("M", 0, 2, Map.of(4L, "four"))))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register R: field M: value 4 (four) does not fit in 2 bits");
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("R", 0, 32, READ_WRITE, f -> f
                .flag("A", 0).flag("A", 1)))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register R: field A is declared twice");
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("R", 0, 32, READ_WRITE, f -> f.field("Z", 3, 0)))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register R: field Z: width 0 is not 1 to 64 bits");
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("R", 0, 32, READ_WRITE, f -> f.field("N", -1, 2)))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register R: field N: lsb -1 is negative");
        assertThatThrownBy(() -> RegisterLayout.builder("bad").register("R", Long.MAX_VALUE - 2, 32, READ_WRITE))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register R: its last byte lies beyond 2^63");
        assertThatThrownBy(() -> RegisterLayout.builder("bad").array("A", 0, 32, READ_WRITE, Integer.MAX_VALUE, Long.MAX_VALUE / 4))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register A: its last byte lies beyond 2^63");
        assertThatThrownBy(() -> RegisterLayout.builder("bad").array("A", 0, 32, READ_WRITE, 4, 0))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout bad: register array A needs a positive stride, got 0");
        assertThatThrownBy(() -> RegisterLayout.builder("empty").build())
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("layout empty declares no register");
    }

    @Test
    @DisplayName("an enum names a field's values by ordinal")
    void enumValues() {
        RegisterLayout l = RegisterLayout.builder("e").register("R", 0, 32, READ_WRITE, f -> f.field("MODE", 0, 2, Mode.class)).build();
        assertThat(l.register("R").field("MODE").valueNames()).containsExactly(
                Map.entry(0L, "OFF"), Map.entry(1L, "SLOW"), Map.entry(2L, "FAST"));
    }

    @Test
    @DisplayName("the shipped layouts hold the registers of QEMU's edu and of NVMe at their documented offsets")
    void shippedLayouts() {
        RegisterLayout edu = EduLayout.LAYOUT;
        assertThat(edu.registers()).extracting(RegisterSpec::name, RegisterSpec::offset).containsExactly(
                org.assertj.core.groups.Tuple.tuple("ID", 0x00L), org.assertj.core.groups.Tuple.tuple("LIVENESS", 0x04L),
                org.assertj.core.groups.Tuple.tuple("FACTORIAL", 0x08L), org.assertj.core.groups.Tuple.tuple("STATUS", 0x20L),
                org.assertj.core.groups.Tuple.tuple("IRQ_STATUS", 0x24L), org.assertj.core.groups.Tuple.tuple("IRQ_RAISE", 0x60L),
                org.assertj.core.groups.Tuple.tuple("IRQ_ACK", 0x64L), org.assertj.core.groups.Tuple.tuple("DMA_SRC", 0x80L),
                org.assertj.core.groups.Tuple.tuple("DMA_DST", 0x88L), org.assertj.core.groups.Tuple.tuple("DMA_COUNT", 0x90L),
                org.assertj.core.groups.Tuple.tuple("DMA_CMD", 0x98L));
        assertThat(edu.register("IRQ_ACK").access()).isEqualTo(WRITE_ONLY);
        RegisterLayout nvme = NvmeLayout.CONTROLLER;
        assertThat(nvme.registers()).extracting(RegisterSpec::name, RegisterSpec::offset, r -> r.width().bits()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("CAP", 0x00L, 64), org.assertj.core.groups.Tuple.tuple("VS", 0x08L, 32),
                org.assertj.core.groups.Tuple.tuple("INTMS", 0x0cL, 32), org.assertj.core.groups.Tuple.tuple("INTMC", 0x10L, 32),
                org.assertj.core.groups.Tuple.tuple("CC", 0x14L, 32), org.assertj.core.groups.Tuple.tuple("CSTS", 0x1cL, 32),
                org.assertj.core.groups.Tuple.tuple("AQA", 0x24L, 32), org.assertj.core.groups.Tuple.tuple("ASQ", 0x28L, 64),
                org.assertj.core.groups.Tuple.tuple("ACQ", 0x30L, 64), org.assertj.core.groups.Tuple.tuple("CMBLOC", 0x38L, 32),
                org.assertj.core.groups.Tuple.tuple("CMBSZ", 0x3cL, 32), org.assertj.core.groups.Tuple.tuple("CMBMSC", 0x50L, 64));
        assertThat(nvme.register("CAP").field("DSTRD").lsb()).isEqualTo(32);
        assertThat(nvme.register("CC").field("SHN").nameOf(1)).isEqualTo("normal");
        assertThat(NvmeLayout.forStride(0, 1).register("CQHDBL").offsetOf(0)).isEqualTo(0x1004);
        assertThat(AccessKind.READ_TO_CLEAR.readableWithoutSideEffects()).isFalse();
    }
}
