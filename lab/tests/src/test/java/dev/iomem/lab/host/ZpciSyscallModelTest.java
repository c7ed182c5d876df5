package dev.iomem.lab.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iomem.lab.host.ZpciSyscallModel.Access;
import dev.iomem.lab.host.ZpciSyscallModel.Instruction;
import dev.iomem.lab.host.ZpciSyscallModel.Kind;
import dev.iomem.lab.host.ZpciSyscallModel.Result;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cases derived by hand from {@code pci_mmio.c}, {@code zpci_get_max_io_size} and QEMU's
 * {@code pcistg/pcilg/pcistb_service_call} (see {@link ZpciSyscallModel}).
 */
class ZpciSyscallModelTest {

    private static List<Access> doublewords(boolean write, long from, int count) {
        List<Access> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new Access(write, from + 8L * i, 8));
        }
        return list;
    }

    @Test
    void aligned8ByteWriteIsOnePcistg() {
        Result r = ZpciSyscallModel.write(0x100, 8);
        assertThat(r.refused()).isFalse();
        assertThat(r.instructions()).containsExactly(new Instruction(Kind.PCISTG, 0x100, 8));
        assertThat(r.accesses()).containsExactly(new Access(true, 0x100, 8));
    }

    @Test
    void aligned128ByteWriteIsOneBlockSeenAsSixteenDoublewords() {
        Result r = ZpciSyscallModel.write(0, 128);
        assertThat(r.instructions()).containsExactly(new Instruction(Kind.PCISTB, 0, 128));
        assertThat(r.instructions().getFirst().reversesBytes()).isTrue();
        assertThat(r.blockStores()).isEqualTo(1);
        assertThat(r.accesses()).containsExactlyElementsOf(doublewords(true, 0, 16));
    }

    @Test
    void blockEndingExactlyAtThePageEndIsAccepted() {
        Result r = ZpciSyscallModel.write(0xF80, 128);
        assertThat(r.refused()).isFalse();
        assertThat(r.accesses()).containsExactlyElementsOf(doublewords(true, 0xF80, 16));
    }

    @Test
    void aligned128ByteReadIsSixteenPcilgs() {
        Result r = ZpciSyscallModel.read(0, 128);
        assertThat(r.instructions()).hasSize(16).allMatch(i -> i.kind() == Kind.PCILG && i.length() == 8);
        assertThat(r.accesses()).containsExactlyElementsOf(doublewords(false, 0, 16));
    }

    @Test
    void tailAfterABlockIsASingleStore() {
        // 130 bytes: min(130, 4096, 128) = 128 whole, then 2 at 0x80 (not a multiple of 8: a power of two).
        Result r = ZpciSyscallModel.write(0, 130);
        assertThat(r.instructions()).containsExactly(
                new Instruction(Kind.PCISTB, 0, 128), new Instruction(Kind.PCISTG, 0x80, 2));
        assertThat(r.accesses()).hasSize(17).endsWith(new Access(true, 0x80, 2));
    }

    @Test
    void lengthNotAMultipleOf8SplitsIntoSingles() {
        // 12 at 8: size 12 is not a multiple of 8, so 8; then 4 at 16.
        Result r = ZpciSyscallModel.write(8, 12);
        assertThat(r.refused()).isFalse();
        assertThat(r.accesses()).containsExactly(new Access(true, 8, 8), new Access(true, 16, 4));
        assertThat(r.blockStores()).isZero();
    }

    @Test
    void alignedSmallReadAtItsOwnAlignmentIsAccepted() {
        assertThat(ZpciSyscallModel.read(6, 2).accesses()).containsExactly(new Access(false, 6, 2));
    }

    @Test
    void twoByteWriteAtOddOffsetIsRefusedAsUnaligned() {
        Result r = ZpciSyscallModel.write(1, 2);
        assertThat(r.errno()).isEqualTo("ENXIO");
        assertThat(r.reason()).contains("unaligned");
        assertThat(r.instructions()).containsExactly(new Instruction(Kind.PCISTG, 1, 2));
        assertThat(r.accesses()).isEmpty();
    }

    @Test
    void threeByteReadAtOffset1StartsWithTheRefusedTwoByteLoad() {
        // LAB-FACTS pitfall 10: size 3, not aligned, so rounddown_pow_of_two(3) = 2 at offset 1.
        Result r = ZpciSyscallModel.read(1, 3);
        assertThat(r.errno()).isEqualTo("ENXIO");
        assertThat(r.instructions()).containsExactly(new Instruction(Kind.PCILG, 1, 2));
        assertThat(r.accesses()).isEmpty();
    }

    @Test
    void unalignedCopyStartsWithAn8ByteStoreCrossingADoubleword() {
        // 16 at 4: the offset is not 8-aligned and 16 >= 8, so 8 bytes at 4, which crosses 8.
        Result r = ZpciSyscallModel.write(4, 16);
        assertThat(r.errno()).isEqualTo("ENXIO");
        assertThat(r.reason()).contains("crosses a doubleword");
        assertThat(r.instructions()).containsExactly(new Instruction(Kind.PCISTG, 4, 8));
    }

    @Test
    void unalignedEightByteReadIsRefused() {
        assertThat(ZpciSyscallModel.read(4, 8).errno()).isEqualTo("ENXIO");
    }

    @Test
    void fourByteScalarAtOffset2PassesTheDoublewordCheckButNotAlignment() {
        Result r = ZpciSyscallModel.write(2, 4);
        assertThat(r.errno()).isEqualTo("ENXIO");
        assertThat(r.reason()).contains("unaligned");
    }

    @Test
    void pageCrossingAndZeroLengthAreEinvalWithoutAnyInstruction() {
        for (Result r : List.of(ZpciSyscallModel.write(0xFF8, 16), ZpciSyscallModel.read(0xFFF, 2),
                ZpciSyscallModel.write(0, 0))) {
            assertThat(r.errno()).isEqualTo("EINVAL");
            assertThat(r.instructions()).isEmpty();
        }
    }

    @Test
    void bufferStraddlingAPageSplitsTheBlockButNotTheTrace() {
        // Room from buffer 0xFE0 is 32: a 32-byte block, then the other 32 from the next page.
        Result r = ZpciSyscallModel.call(true, 0, 64, 0xFE0);
        assertThat(r.instructions()).containsExactly(
                new Instruction(Kind.PCISTB, 0, 32), new Instruction(Kind.PCISTB, 32, 32));
        assertThat(r.accesses()).containsExactlyElementsOf(doublewords(true, 0, 8));
    }

    @Test
    void misalignedBufferTurnsABlockIntoSingleStores() {
        Result r = ZpciSyscallModel.call(true, 0, 16, 4);
        assertThat(r.instructions()).containsExactly(
                new Instruction(Kind.PCISTG, 0, 8), new Instruction(Kind.PCISTG, 8, 8));
        assertThat(r.blockStores()).isZero();
        assertThat(r.accesses()).containsExactlyElementsOf(doublewords(true, 0, 2));
    }

    @Test
    void accessesBeforeTheRefusedOneReachTheDevice() {
        // Buffer 0xFFE leaves room 2: 2 at offset 2 (aligned, accepted); then 14 left at 4 with the
        // buffer on a new page: 8 bytes at 4, which crosses a doubleword.
        Result r = ZpciSyscallModel.call(true, 2, 16, 0xFFE);
        assertThat(r.errno()).isEqualTo("ENXIO");
        assertThat(r.instructions()).containsExactly(
                new Instruction(Kind.PCISTG, 2, 2), new Instruction(Kind.PCISTG, 4, 8));
        assertThat(r.accesses()).containsExactly(new Access(true, 2, 2));
    }

    @Test
    void qemuBlockChecksFollowPcistb() {
        assertThat(ZpciSyscallModel.qemuRefusesBlock(0, 128, 0)).isNull();
        assertThat(ZpciSyscallModel.qemuRefusesBlock(4, 16, 0)).contains("8-aligned");
        assertThat(ZpciSyscallModel.qemuRefusesBlock(0, 136, 0)).contains("multiple of 8");
        assertThat(ZpciSyscallModel.qemuRefusesBlock(0xFF0, 32, 0)).contains("4 KiB");
        assertThat(ZpciSyscallModel.qemuRefusesBlock(0, 16, 4)).contains("buffer");
    }
}
