package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.Iomem;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.pci.SysfsPciTopology;
import dev.iomem.core.regs.Register;
import dev.iomem.core.regs.RegisterBlock;
import dev.iomem.core.regs.layouts.EduLayout;
import dev.iomem.core.regs.layouts.NvmeLayout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Registers on real BARs through {@code IoAccessor} over sysfs {@code resourceN}, and through
 * {@code iomem peek}/{@code poke}: NVMe VS and CAP (NVMe base specification 3.1.4), edu's
 * identification, liveness and factorial registers (QEMU docs/specs/edu.rst).
 */
@DisplayName("Registers on real BARs")
class RegistersInGuestTest {

    private static final SysfsBarMapper BARS = new SysfsBarMapper(SysfsPciTopology.system());

    private static IoAccessor open(PciAddress a, int bar, Arena arena) {
        return Iomem.platform().open(BARS.mapWhole(a, bar, MemoryType.DEVICE, false, arena));
    }

    @Test
    @DisplayName("NVMe VS is version 1.x and CAP reads the same as one 64-bit or two 32-bit reads")
    void nvmeVersionAndCapabilities() {
        try (Arena arena = Arena.ofConfined(); IoAccessor bar0 = open(LabGuest.nvme(), 0, arena)) {
            int vs = bar0.read32(0x08);
            assertThat(vs >>> 16).as("VS.MJR of 0x%08x", vs).isEqualTo(1);
            long cap = bar0.read64(0x00);
            long halves = (bar0.read32(0x04) & 0xffff_ffffL) << 32 | (bar0.read32(0x00) & 0xffff_ffffL);
            assertThat(cap).isEqualTo(halves);
            assertThat(cap & 0xffff).as("CAP.MQES").isPositive();
            assertThat((cap >>> 24) & 0xff).as("CAP.TO").isPositive();
            assertThat((cap >>> 37) & 1).as("CAP.CSS bit 0: the NVM command set").isEqualTo(1);
            LabGuest.CliRun peek = LabGuest.iomem("peek", LabGuest.nvme().toString(), "0", "0x8", "--json");
            assertThat(peek.exit()).as(peek.err()).isZero();
            assertThat(peek.out()).containsIgnoringCase(String.format("%08x", vs));
            // The register layout's dump reads the same VS and CAP, and never a doorbell (write-only).
            LabGuest.CliRun regs = LabGuest.iomem("regs", LabGuest.nvme().toString(), "0", "--layout", "nvme", "--json");
            assertThat(regs.exit()).as(regs.err()).isZero();
            assertThat(regs.out()).contains("\"name\":\"VS\",\"offset\":\"0x8\",\"bits\":32,\"access\":\"READ_ONLY\",\"read\":true,\"value\":\""
                    + String.format("0x%x", vs) + "\"");
            assertThat(regs.out()).contains("\"name\":\"CAP\",\"offset\":\"0x0\",\"bits\":64,\"access\":\"READ_ONLY\",\"read\":true,\"value\":\""
                    + String.format("0x%x", cap) + "\"");
            assertThat(regs.out()).contains("\"name\":\"SQTDBL[0]\"").contains("\"read\":false");
        }
    }

    @Test
    @DisplayName("register handles read what the accessor reads, relaxed and ordered; over a mapped BAR each is a class of its own")
    void registerHandlesOnTheBar() {
        // Mapped BARs (x86-64, arm64) give the handles a relaxed-read window, hence a hidden class
        // each; s390x's system-call bus has none, so its handles read through the accessor.
        boolean mapped = !"s390x".equals(LabGuest.arch());
        try (Arena arena = Arena.ofConfined(); IoAccessor bar0 = open(LabGuest.nvme(), 0, arena)) {
            RegisterBlock nvme = RegisterBlock.bind(NvmeLayout.CONTROLLER, bar0);
            Register vs = nvme.register("VS");
            Register cap = nvme.register("CAP");
            assertThat(vs.getClass().isHidden()).as("VS handle of its own class").isEqualTo(mapped);
            assertThat(vs.readRelaxed()).isEqualTo(bar0.read32(0x08) & 0xffff_ffffL).isEqualTo(vs.read());
            assertThat(cap.readRelaxed()).isEqualTo(bar0.read64(0x00)).isEqualTo(cap.read());
            assertThat(vs.field("MJR").get()).isEqualTo(1);
        }
        if (LabGuest.hasEdu()) {
            try (Arena arena = Arena.ofConfined(); IoAccessor bar0 = open(LabGuest.edu(), 0, arena)) {
                RegisterBlock edu = RegisterBlock.bind(EduLayout.LAYOUT, bar0);
                Register liveness = edu.register("LIVENESS");
                liveness.write(0x0f0f_1234L);
                // edu's liveness register reads back the inverse of what was written.
                assertThat(liveness.readRelaxed()).isEqualTo(~0x0f0f_1234L & 0xffff_ffffL).isEqualTo(liveness.read());
                assertThat(edu.register("ID").readRelaxed() & 0xffff).isEqualTo(0x00ed);
            }
        }
    }

    @Test
    @DisplayName("edu: identification, liveness (reads back the inverse) and factorial")
    void eduRegisters() throws InterruptedException {
        assumeTrue(LabGuest.hasEdu(), "QEMU's s390x build has no edu device");
        try (Arena arena = Arena.ofConfined(); IoAccessor bar0 = open(LabGuest.edu(), 0, arena)) {
            assertThat(bar0.read32(0x00) & 0xffff).as("edu identification").isEqualTo(0x00ed);
            for (int v : new int[] {0x12345678, 0, -1, 0x5a5a0f0f}) {
                bar0.write32(0x04, v);
                assertThat(bar0.read32(0x04)).as("liveness of 0x%08x", v).isEqualTo(~v);
            }
            bar0.write32(0x08, 10);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((bar0.read32(0x20) & 1) != 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(bar0.read32(0x08)).as("10!").isEqualTo(3_628_800);
        }
        String edu = LabGuest.edu().toString();
        LabGuest.CliRun poke = LabGuest.iomem("poke", edu, "0", "0x4", "0x0badcafe");
        assertThat(poke.exit()).as(poke.err()).isZero();
        LabGuest.CliRun peek = LabGuest.iomem("peek", edu, "0", "0x4", "--json");
        assertThat(peek.exit()).as(peek.err()).isZero();
        assertThat(peek.out()).containsIgnoringCase("f4523501");
        LabGuest.CliRun regs = LabGuest.iomem("regs", edu, "0", "--layout", "edu", "--json");
        assertThat(regs.exit()).as(regs.err()).isZero();
        assertThat(regs.out()).contains("\"MAGIC\":{\"value\":237,").contains("\"name\":\"LIVENESS\"");
    }
}
