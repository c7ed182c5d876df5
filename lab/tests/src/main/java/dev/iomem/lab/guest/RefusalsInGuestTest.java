package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Accesses the hardware would fault on are Java exceptions, raised before the device is touched
 * (the host checks that the device trace holds nothing between their markers), and the JVM
 * goes on: each test ends with a good access.
 */
@DisplayName("Refused accesses never reach the device")
class RefusalsInGuestTest {

    static TracedOps ops;

    @BeforeAll
    static void open() {
        ops = new TracedOps("ops-refusals.tsv", 100_000);
    }

    @AfterAll
    static void close() {
        ops.close();
    }

    @Test
    @DisplayName("out of bounds, on every architecture: scalars, copies and fills past the window")
    void outOfBounds() {
        IoAccessor cmb = ops.cmb();
        long end = cmb.size();
        assertThat(ops.run("read32", "cmb", end, 4, 0, () -> cmb.read32(end))).isEqualTo("refused:OutOfBoundsAccessException");
        assertThat(ops.run("write64", "cmb", end - 4, 8, 1, () -> cmb.write64(end - 4, 1))).isEqualTo("refused:OutOfBoundsAccessException");
        assertThat(ops.run("copy-to-io", "cmb", end - 16, 32, 0, () -> cmb.copyToIo(MemorySegment.ofArray(new byte[32]), end - 16)))
                .isEqualTo("refused:OutOfBoundsAccessException");
        assertThat(ops.run("fill", "cmb", end - 1, 2, 0, () -> cmb.fillIo(end - 1, 2, (byte) 0))).isEqualTo("refused:OutOfBoundsAccessException");
        assertThat(ops.run("read32", "cmb", 0x100, 4, 0, () -> cmb.read32(0x100))).isEqualTo("ok");
    }

    @Test
    @DisplayName("misaligned on arm64: Device memory faults on any unaligned access")
    void misalignedOnArm64() {
        assumeTrue(LabGuest.arch().equals("aarch64"), "only arm64 requires natural alignment");
        IoAccessor cmb = ops.cmb();
        assertThat(ops.run("read32", "cmb", 0x102, 4, 0, () -> cmb.read32(0x102))).isEqualTo("refused:MisalignedAccessException");
        assertThat(ops.run("write64-relaxed", "cmb", 0x104, 8, 7, () -> cmb.write64Relaxed(0x104, 7))).isEqualTo("refused:MisalignedAccessException");
        assertThat(ops.run("read16-relaxed", "cmb", 0x101, 2, 0, () -> cmb.read16Relaxed(0x101))).isEqualTo("refused:MisalignedAccessException");
        assertThat(ops.run("write32", "cmb", 0x100, 4, 9, () -> cmb.write32(0x100, 9))).isEqualTo("ok");
    }

    @Test
    @DisplayName("crossing 4 KiB on s390x: no PCI access may cross a page")
    void crossingFourKibOnS390x() {
        assumeTrue(LabGuest.arch().equals("s390x"), "only s390x forbids accesses across 4 KiB");
        IoAccessor cmb = ops.cmb();
        assertThat(ops.run("read64", "cmb", 0x1ffc, 8, 0, () -> cmb.read64(0x1ffc))).startsWith("refused:");
        assertThat(ops.run("write32", "cmb", 0x1ffe, 4, 3, () -> cmb.write32(0x1ffe, 3))).startsWith("refused:");
        assertThat(ops.run("read64", "cmb", 0x2000, 8, 0, () -> cmb.read64(0x2000))).isEqualTo("ok");
    }
}
