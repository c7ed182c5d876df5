package com.example.iomem.nvme;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.Iomem;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The driver against a simulated controller: the whole flow, and each bad state ending with a clear
 * error and a clean release (CC.EN cleared before the tables are unmapped, every table unmapped).
 */
class NvmeControllerTest {

    record Outcome(SimulatedNvme sim, FakeDma dma, String out, NvmeException error) {
    }

    static Outcome drive(SimulatedNvme.Fault fault, long nsze, String... args) {
        FakeDma dma = new FakeDma();
        SimulatedNvme sim = new SimulatedNvme(dma, fault, nsze);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        NvmeException error = null;
        String[] all = new String[args.length + 2];
        all[0] = "--vfio";
        all[1] = "0000:00:01.0";
        System.arraycopy(args, 0, all, 2, args.length);
        NvmeExample.Options o = NvmeExample.parse(all);
        o = new NvmeExample.Options(o.mode(), o.device(), o.lba(), o.blocks(), o.seed(), o.nsid(), false, false, o.depth(),
                Duration.ofMillis(300));
        try (IoAccessor bar0 = Iomem.platform().open(sim, MemoryType.DEVICE)) {
            NvmeExample.drive(o, out, bar0, dma, Completion.POLLING, null, null);
        } catch (NvmeException e) {
            error = e;
        } finally {
            dma.close();
        }
        return new Outcome(sim, dma, bytes.toString(StandardCharsets.UTF_8), error);
    }

    static void cleanlyReleased(Outcome o) {
        assertThat(o.sim().cc & 1).as("CC.EN cleared").isZero();
        assertThat(o.dma().openTables()).as("tables left mapped").isZero();
        assertThat(o.dma().mapped()).isPositive();
    }

    @Test
    void wholeFlowWithPrpLists() {
        Outcome o = drive(SimulatedNvme.Fault.NONE, 4096, "--lba", "100", "--blocks", "70", "--seed", "5");
        assertThat(o.error()).isNull();
        assertThat(o.out()).contains("model \"Simulated NVMe\", serial \"sim0\", firmware \"1.0\"")
                .contains("size 4096 blocks (2097152 bytes)").contains("512-byte blocks")
                .contains("70 blocks of 512 bytes at LBA 100 (35 KiB) in 3 command(s) each way, up to 4 pages a command (PRP1 + a PRP list)")
                .contains("read-back equal").contains("CSTS.SHST complete").contains("says nothing about real silicon");
        assertThat(o.sim().shutdownSeen).isTrue();
        for (int b = 0; b < 70; b++) {
            byte[] block = o.sim().disk.get(100L + b);
            for (int j = 0; j < 512; j++) {
                assertThat(block[j]).isEqualTo(BlockPattern.at(5, 100 + b, j));
            }
        }
        cleanlyReleased(o);
    }

    @Test
    void twoPagesUsePrp2() {
        Outcome o = drive(SimulatedNvme.Fault.NONE, 4096, "--blocks", "16");
        assertThat(o.error()).isNull();
        assertThat(o.out()).contains("(PRP1 + PRP2)").contains("read-back equal");
    }

    @Test
    void fatalStatusAtEnable() {
        Outcome o = drive(SimulatedNvme.Fault.FATAL_AT_ENABLE, 4096);
        assertThat(o.error().kind()).isEqualTo(NvmeException.Kind.CONTROLLER_FATAL);
        assertThat(o.error()).hasMessageContaining("CFS set").hasMessageContaining("CSTS.RDY after CC.EN = 1");
        cleanlyReleased(o);
    }

    @Test
    void readyTimeout() {
        Outcome o = drive(SimulatedNvme.Fault.NEVER_READY, 4096);
        assertThat(o.error().kind()).isEqualTo(NvmeException.Kind.TIMEOUT);
        assertThat(o.error()).hasMessageContaining("no CSTS.RDY after CC.EN = 1 within 1000 ms");
        cleanlyReleased(o);
    }

    @Test
    void fatalStatusDuringIo() {
        Outcome o = drive(SimulatedNvme.Fault.FATAL_ON_IO, 4096);
        assertThat(o.error().kind()).isEqualTo(NvmeException.Kind.CONTROLLER_FATAL);
        assertThat(o.error()).hasMessageContaining("while waiting for Write");
        assertThat(o.sim().shutdownSeen).as("no shutdown is asked of a controller in a fatal state").isFalse();
        cleanlyReleased(o);
    }

    @Test
    void commandTimeout() {
        Outcome o = drive(SimulatedNvme.Fault.LOST_IO_COMPLETION, 4096);
        assertThat(o.error().kind()).isEqualTo(NvmeException.Kind.TIMEOUT);
        assertThat(o.error()).hasMessageContaining("no completion for Write").hasMessageContaining("within 300 ms");
        cleanlyReleased(o);
    }

    @Test
    void errorStatus() {
        Outcome o = drive(SimulatedNvme.Fault.WRITE_ERROR, 4096);
        assertThat(o.error().kind()).isEqualTo(NvmeException.Kind.COMMAND_STATUS);
        assertThat(o.error()).hasMessageContaining("SCT 0x0, SC 0x80").hasMessageContaining("LBA out of range");
        assertThat(o.sim().shutdownSeen).isTrue();
        cleanlyReleased(o);
    }

    @Test
    void namespaceTooSmall() {
        Outcome o = drive(SimulatedNvme.Fault.NONE, 1000, "--lba", "900", "--blocks", "200");
        assertThat(o.error().kind()).isEqualTo(NvmeException.Kind.NAMESPACE_TOO_SMALL);
        assertThat(o.error()).hasMessage("namespace 1 has 1000 blocks; the test asked for 200 blocks at LBA 900 (up to block 1099)");
        assertThat(o.sim().ioCommands).isZero();
        cleanlyReleased(o);
    }

    @Test
    void unknownNamespace() {
        Outcome o = drive(SimulatedNvme.Fault.NONE, 4096, "--nsid", "9");
        assertThat(o.error().kind()).isEqualTo(NvmeException.Kind.COMMAND_STATUS);
        assertThat(o.error()).hasMessageContaining("Identify Namespace 9").hasMessageContaining("invalid namespace or format");
        cleanlyReleased(o);
    }

    @Test
    void severalRunsInOneJvm() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = NvmeExample.runAll(new String[] {"--label", "a", "--expect-exit", "2", "--bogus", "--then", "--label", "b", "--blocks", "0"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("nvme-run: a begin").contains("nvme-run: a exit 2").contains("nvme-run: b exit 2");
        assertThat(exit).as("b expected 0 and exited 2").isEqualTo(2);
    }

    @Test
    void usage() {
        assertThat(NvmeExample.run(new String[] {"--msix", "--pagemap", "0000:00:01.0"}, new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
        assertThatThrownBy(() -> NvmeExample.parse(new String[] {"--blocks", "3"})).isInstanceOf(IllegalArgumentException.class);
        assertThat(PciAddress.parse("0000:00:01.0")).isNotNull();
    }
}
