package com.example.iomem.riscv64;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("RISC-V instruction encodings")
class RiscvInstructionsTest {

    /** An instruction word from the bit fields of the ISA manual's layout, most significant first. */
    private static int bits(String layout) {
        String b = layout.replace(" ", "").replace("_", "");
        assertThat(b).hasSize(32);
        return Integer.parseUnsignedInt(b, 2);
    }

    @Test
    @DisplayName("the three MMIO fences and ret match the ISA manual's bit layout")
    void fencesMatchTheManual() {
        // FENCE: fm[31:28] | pred[27:24] (I O R W) | succ[23:20] (I O R W) | rs1 | funct3=000 | rd | 0001111
        assertThat(RiscvInstructions.FENCE_I_IR).isEqualTo(bits("0000_1000_1010_00000_000_00000_0001111"));
        assertThat(RiscvInstructions.FENCE_W_O).isEqualTo(bits("0000_0001_0100_00000_000_00000_0001111"));
        assertThat(RiscvInstructions.FENCE_OW_OW).isEqualTo(bits("0000_0101_0101_00000_000_00000_0001111"));
        // JALR: imm[11:0] | rs1 | funct3=000 | rd | 1100111; ret = jalr x0, 0(x1)
        assertThat(RiscvInstructions.RET).isEqualTo(bits("000000000000_00001_000_00000_1100111"));
    }

    @ParameterizedTest(name = "fence {0},{1} = {2}")
    @CsvSource({
            // The plain "fence" (iorw,iorw) is 0FF0000F and "fence rw,rw" 0330000F in any disassembly.
            "iorw, iorw, 0FF0000F", "rw, rw, 0330000F", "r, rw, 0230000F", "rw, w, 0310000F",
            "i, ir, 08A0000F", "w, o, 0140000F", "ow, ow, 0550000F", "o, w, 0410000F", "ir, ir, 0AA0000F",
    })
    @DisplayName("fence with each predecessor and successor set encodes to the assembler's word")
    void everySet(String pred, String succ, String hex) {
        assertThat(RiscvInstructions.fence(set(pred), set(succ))).isEqualTo(Integer.parseUnsignedInt(hex, 16));
    }

    private static int set(String letters) {
        int s = 0;
        for (char c : letters.toCharArray()) {
            s |= switch (c) {
                case 'i' -> RiscvInstructions.I;
                case 'o' -> RiscvInstructions.O;
                case 'r' -> RiscvInstructions.R;
                case 'w' -> RiscvInstructions.W;
                default -> throw new AssertionError(c);
            };
        }
        return s;
    }

    @Test
    @DisplayName("the fences used are the kernel's __io_ar, __io_bw and wmb, and ret is 0x00008067")
    void kernelFences() {
        assertThat(RiscvInstructions.FENCE_I_IR).isEqualTo(0x08A0000F);
        assertThat(RiscvInstructions.FENCE_W_O).isEqualTo(0x0140000F);
        assertThat(RiscvInstructions.FENCE_OW_OW).isEqualTo(0x0550000F);
        assertThat(RiscvInstructions.RET).isEqualTo(0x00008067);
    }

    @Test
    @DisplayName("a stub is the fence then ret, each word little-endian")
    void stubBytes() {
        assertThat(RiscvInstructions.stub(RiscvInstructions.FENCE_W_O)).containsExactly(
                0x0F, 0x00, 0x40, 0x01, 0x67, 0x80, 0x00, 0x00);
    }

    @Test
    @DisplayName("an empty or wider-than-4-bit fence set is refused")
    void setOutOfRange() {
        assertThatThrownBy(() -> RiscvInstructions.fence(16, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a fence predecessor set is 4 bits (I=8, O=4, R=2, W=1), not empty; got 16");
        assertThatThrownBy(() -> RiscvInstructions.fence(1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("successor");
        assertThatThrownBy(() -> RiscvInstructions.fence(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
