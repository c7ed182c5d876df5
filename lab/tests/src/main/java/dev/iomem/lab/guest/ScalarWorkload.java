package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.core.Iomem;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.pci.SysfsPciTopology;

import java.lang.foreign.Arena;

/**
 * A child JVM's workload for {@link ScalarTiersInGuestTest}: every scalar read and write of
 * {@code IoAccessor}, ordered and relaxed, of every width on the CMB, and on edu's registers
 * with read side effects in mind (status 0x20, interrupt status 0x24, liveness 0x04, DMA source
 * 0x80), each marked and logged, for as many rounds as asked. The host checks that each is one
 * device access of its width and direction.
 *
 * <p>Arguments: log file name, first sequence number, rounds.
 */
public final class ScalarWorkload {

    private ScalarWorkload() {
    }

    /**
     * Runs the workload.
     *
     * @param args log name, first sequence number, rounds
     */
    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[2]);
        try (TracedOps ops = new TracedOps(args[0], Integer.parseInt(args[1]));
             Arena arena = Arena.ofShared()) {
            IoAccessor cmb = ops.cmb();
            IoAccessor edu = LabGuest.hasEdu() ? Iomem.platform().open(new SysfsBarMapper(SysfsPciTopology.system())
                    .mapWhole(LabGuest.edu(), 0, MemoryType.DEVICE, false, arena)) : null;
            for (int r = 0; r < rounds; r++) {
                cmbRound(ops, cmb, r);
                if (edu != null) {
                    eduRound(ops, edu, r);
                }
            }
            ops.flush();
        }
    }

    private static void cmbRound(TracedOps ops, IoAccessor c, int r) {
        ops.run("write8", "cmb", 0x3000, 1, r & 0xff, () -> c.write8(0x3000, (byte) r));
        ops.run("write8-relaxed", "cmb", 0x3001, 1, r & 0xff, () -> c.write8Relaxed(0x3001, (byte) r));
        ops.run("write16", "cmb", 0x3008, 2, r & 0xffff, () -> c.write16(0x3008, (short) r));
        ops.run("write16-relaxed", "cmb", 0x300a, 2, r & 0xffff, () -> c.write16Relaxed(0x300a, (short) r));
        ops.run("write32", "cmb", 0x3010, 4, r, () -> c.write32(0x3010, r));
        ops.run("write32-relaxed", "cmb", 0x3014, 4, r, () -> c.write32Relaxed(0x3014, r));
        ops.run("write64", "cmb", 0x3018, 8, r, () -> c.write64(0x3018, r));
        ops.run("write64-relaxed", "cmb", 0x3020, 8, r, () -> c.write64Relaxed(0x3020, r));
        ops.run("read8", "cmb", 0x3000, 1, 0, () -> c.read8(0x3000));
        ops.run("read8-relaxed", "cmb", 0x3001, 1, 0, () -> c.read8Relaxed(0x3001));
        ops.run("read16", "cmb", 0x3008, 2, 0, () -> c.read16(0x3008));
        ops.run("read16-relaxed", "cmb", 0x300a, 2, 0, () -> c.read16Relaxed(0x300a));
        ops.run("read32", "cmb", 0x3010, 4, 0, () -> c.read32(0x3010));
        ops.run("read32-relaxed", "cmb", 0x3014, 4, 0, () -> c.read32Relaxed(0x3014));
        ops.run("read64", "cmb", 0x3018, 8, 0, () -> c.read64(0x3018));
        ops.run("read64-relaxed", "cmb", 0x3020, 8, 0, () -> c.read64Relaxed(0x3020));
    }

    private static void eduRound(TracedOps ops, IoAccessor e, int r) {
        ops.run("write32", "edu", 0x04, 4, r, () -> e.write32(0x04, r));
        ops.run("write32-relaxed", "edu", 0x04, 4, r, () -> e.write32Relaxed(0x04, r));
        ops.run("read32", "edu", 0x20, 4, 0, () -> e.read32(0x20));
        ops.run("read32-relaxed", "edu", 0x24, 4, 0, () -> e.read32Relaxed(0x24));
        ops.run("write64", "edu", 0x80, 8, r, () -> e.write64(0x80, 0x40000L + r));
        ops.run("read64-relaxed", "edu", 0x80, 8, 0, () -> e.read64Relaxed(0x80));
    }
}
