package dev.iomem.arch.arm64;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A64 instruction encodings")
class Arm64InstructionsTest {

    /** An instruction word from the bit fields of the Arm ARM's encoding diagram, most significant first. */
    private static int bits(String diagram) {
        String b = diagram.replace(" ", "").replace("_", "");
        assertThat(b).hasSize(32);
        return Integer.parseUnsignedInt(b, 2);
    }

    @Test
    @DisplayName("the three MMIO barriers and ret match the Arm ARM's encoding diagrams")
    void barriersMatchTheManual() {
        // DMB: 1101010100 0 00 011 0011 CRm 1 01 11111; DSB: ... CRm 1 00 11111 (Arm ARM C6.2 DMB, DSB)
        assertThat(Arm64Instructions.DMB_OSHLD).isEqualTo(bits("1101010100_0_00_011_0011_0001_1_01_11111"));
        assertThat(Arm64Instructions.DMB_OSHST).isEqualTo(bits("1101010100_0_00_011_0011_0010_1_01_11111"));
        assertThat(Arm64Instructions.DSB_ST).isEqualTo(bits("1101010100_0_00_011_0011_1110_1_00_11111"));
        // RET X30: 1101011 0 0 10 11111 0000 0 0 11110 00000 (Arm ARM C6.2 RET)
        assertThat(Arm64Instructions.RET).isEqualTo(bits("1101011_0_0_10_11111_0000_0_0_11110_00000"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            // The values assemblers emit for these mnemonics (objdump -d, the Arm ARM's examples).
            "dmb oshld, D50331BF", "dmb oshst, D50332BF", "dmb osh, D50333BF",
            "dmb ishld, D50339BF", "dmb ishst, D5033ABF", "dmb ish, D5033BBF", "dmb sy, D5033FBF",
            "dsb st, D5033E9F", "dsb sy, D5033F9F", "dsb ish, D5033B9F", "dsb oshst, D503329F",
    })
    @DisplayName("dmb and dsb with each option encode to the assembler's word")
    void everyOption(String mnemonic, String hex) {
        String[] parts = mnemonic.split(" ");
        int option = switch (parts[1]) {
            case "oshld" -> Arm64Instructions.OSHLD;
            case "oshst" -> Arm64Instructions.OSHST;
            case "osh" -> Arm64Instructions.OSH;
            case "ishld" -> Arm64Instructions.ISHLD;
            case "ishst" -> Arm64Instructions.ISHST;
            case "ish" -> Arm64Instructions.ISH;
            case "st" -> Arm64Instructions.ST;
            case "sy" -> Arm64Instructions.SY;
            default -> throw new AssertionError(parts[1]);
        };
        int word = parts[0].equals("dmb") ? Arm64Instructions.dmb(option) : Arm64Instructions.dsb(option);
        assertThat(word).isEqualTo(Integer.parseUnsignedInt(hex, 16));
    }

    @Test
    @DisplayName("the barriers used are the kernel's __io_ar, __io_bw and wmb")
    void kernelBarriers() {
        assertThat(Arm64Instructions.DMB_OSHLD).isEqualTo(0xD50331BF);
        assertThat(Arm64Instructions.DMB_OSHST).isEqualTo(0xD50332BF);
        assertThat(Arm64Instructions.DSB_ST).isEqualTo(0xD5033E9F);
        assertThat(Arm64Instructions.RET).isEqualTo(0xD65F03C0);
    }

    @Test
    @DisplayName("a stub is the barrier then ret, each word little-endian")
    void stubBytes() {
        assertThat(Arm64Instructions.stub(Arm64Instructions.DMB_OSHST)).containsExactly(
                0xBF, 0x32, 0x03, 0xD5, 0xC0, 0x03, 0x5F, 0xD6);
    }

    @Test
    @DisplayName("a barrier option outside 4 bits is refused")
    void optionOutOfRange() {
        assertThatThrownBy(() -> Arm64Instructions.dmb(16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a barrier option is 4 bits (0..15), got 16");
        assertThatThrownBy(() -> Arm64Instructions.dsb(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
