package dev.iomem.core.regs;

import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.InvalidLayoutException;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.core.regs.layouts.LayoutFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("LayoutFile")
class LayoutFileTest {

    @Test
    @DisplayName("registers, arrays, fields with value names, comments and both spellings of access kinds")
    void parses() {
        RegisterLayout l = LayoutFile.parse("t", "fallback", """
                layout dev   # name
                register CTRL 0x4 32 rw
                field MODE 4 2 0=off 2=fast
                array DB 0x100 32 WRITE_ONLY 4 0x10
                register EV 0x8 16 RC
                register P 0xc 32 W1C
                """);
        assertThat(l.name()).isEqualTo("dev");
        assertThat(l.register("CTRL").field("MODE").valueNames()).isEqualTo(Map.of(0L, "off", 2L, "fast"));
        assertThat(l.register("DB").offsetOf(3)).isEqualTo(0x130);
        assertThat(l.register("DB").access()).isEqualTo(AccessKind.WRITE_ONLY);
        assertThat(l.register("EV").access()).isEqualTo(AccessKind.READ_TO_CLEAR);
        assertThat(l.register("P").access()).isEqualTo(AccessKind.WRITE_1_TO_CLEAR);
        assertThat(LayoutFile.parse("t", "fallback", "register A 0 8 RO").name()).isEqualTo("fallback");
    }

    @Test
    @DisplayName("every refusal names the source and line")
    void refusals() {
        assertThatThrownBy(() -> LayoutFile.parse("f", "x", "register A 0 32 RW\nregister B 2 16 RO\n"))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("f:2: layout x: register B [0x2, 0x4) overlaps register A [0x0, 0x4)");
        assertThatThrownBy(() -> LayoutFile.parse("f", "x", "field A 0 1\n"))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("f:1: a field line must follow a register or array line");
        assertThatThrownBy(() -> LayoutFile.parse("f", "x", "register A 0 32 RX\n"))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("f:1: access kind \"RX\" is not RO, WO, RW, RC, W1C or an AccessKind name");
        assertThatThrownBy(() -> LayoutFile.parse("f", "x", "register A zz 32 RW\n"))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("f:1: \"zz\" is not a number (decimal, or hex with 0x)");
        assertThatThrownBy(() -> LayoutFile.parse("f", "x", "# nothing\n"))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("f: declares no register");
        assertThatThrownBy(() -> LayoutFile.parse("f", "x", "register A 0 8 RW\nfield W 0 16\n"))
                .isInstanceOf(InvalidLayoutException.class)
                .hasMessage("f:1: layout x: register A: field W is 16 bits wide, wider than its 8-bit register");
    }
}
