package dev.iomem.lab.host;

import dev.iomem.core.Iomem;
import dev.iomem.spi.ArchBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The host's reading of QEMU's trace and its verdicts, on traces written here. */
@DisplayName("HostChecks: QEMU's trace cut at markers and compared with the prediction")
class HostChecksTest {

    private static final long CMB = 0xfe000000L;
    private static final long MARK = 0xffff8L;

    private static String line(String dir, long addr, long value, int size, String name) {
        return "1234@1.0:memory_region_ops_" + dir + " cpu 0 mr 0x55 addr 0x" + Long.toHexString(addr) + " value 0x"
                + Long.toHexString(value) + " size " + size + " name '" + name + "'";
    }

    private static String marker(int seq) {
        return line("write", CMB + MARK, 0x5A00_0000L | seq, 4, "nvme-cmb");
    }

    @Test
    @DisplayName("markers cut the trace; the marker's doubleword and accesses before the first marker belong to no piece")
    void cutsAtMarkers(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("qemu.log");
        Files.write(trace, List.of(
                line("read", 0xfebf0008L, 0x10400, 4, "nvme"),          // firmware, before any marker
                marker(1),
                line("write", CMB + 0x2001, 0xa1, 1, "nvme-cmb"),
                line("read", CMB + MARK, 0, 4, "nvme-cmb"),             // an xchg on the marker: ignored
                marker(2),
                line("read", CMB + 0x2000, 0, 4, "nvme-cmb")));
        QemuTrace t = QemuTrace.read(trace, CMB, MARK);
        assertThat(t.markers()).isEqualTo(2);
        assertThat(t.piece(1)).extracting(QemuTrace.Access::size).containsExactly(1);
        assertThat(t.piece(2)).hasSize(1);
        assertThat(t.piece(3)).isNull();
    }

    @Test
    @DisplayName("a marker is recognised in either byte order; other values are not markers")
    void markerByteOrder() {
        assertThat(QemuTrace.markerSeq(0x5A00_0102)).isEqualTo(0x102);
        assertThat(QemuTrace.markerSeq(Integer.reverseBytes(0x5A00_0102))).isEqualTo(0x102);
        assertThat(QemuTrace.markerSeq(0x1234_5678)).isEqualTo(-1);
    }

    @Test
    @DisplayName("x86-64: a write32 seen as one write passes; seen as a read and a write it fails, naming the read")
    void oneAccessOrTwo() {
        ArchBackend x86 = Iomem.platform("x86_64").backend();
        List<QemuTrace.Access> one = List.of(new QemuTrace.Access(true, "edu-mmio", 0xfe800004L, 7, 4));
        assertThat(HostChecks.compare(x86, one, 0xfe800000L, "edu-mmio", "write32", 4, 4, 7, "ok")).isNull();
        List<QemuTrace.Access> xchg = List.of(new QemuTrace.Access(false, "edu-mmio", 0xfe800004L, 0, 4),
                new QemuTrace.Access(true, "edu-mmio", 0xfe800004L, 7, 4));
        assertThat(HostChecks.compare(x86, xchg, 0xfe800000L, "edu-mmio", "write32", 4, 4, 7, "ok"))
                .contains("seen read +0x4 size 4, predicted write +0x4 size 4");
    }

    @Test
    @DisplayName("a refused operation must leave the device untouched; the CPU's own APIC accesses are ignored")
    void refusedMeansNothing() {
        ArchBackend arm = Iomem.platform("aarch64").backend();
        List<QemuTrace.Access> apic = List.of(new QemuTrace.Access(true, "apic-msi", 0xfee000b0L, 0, 4));
        assertThat(HostChecks.compare(arm, apic, CMB, "nvme-cmb", "read32", 0x102, 4, 0, "refused:MisalignedAccessException")).isNull();
        List<QemuTrace.Access> leaked = List.of(new QemuTrace.Access(false, "nvme-cmb", CMB + 0x100, 0, 4));
        assertThat(HostChecks.compare(arm, leaked, CMB, "nvme-cmb", "read32", 0x102, 4, 0, "refused:MisalignedAccessException"))
                .contains("seen read +0x100 size 4, predicted nothing");
    }

    @Test
    @DisplayName("s390x: a copy starting off 8 bytes must fault (QEMU refuses the kernel's unaligned PCI store), and one that did not fails")
    void s390xFaultPredicted() {
        ArchBackend z = Iomem.platform("s390x").backend();
        assertThat(HostChecks.compare(z, List.of(), 0L, "nvme-cmb", "copy-to-io", 0x2001, 40, 0, "fault:IoFaultException: ENXIO")).isNull();
        assertThat(HostChecks.compare(z, List.of(), 0L, "nvme-cmb", "copy-to-io", 0x2001, 40, 0, "ok"))
                .startsWith("the model predicts a fault");
    }

    @Test
    @DisplayName("no operations logged: a failure in the run without an IOMMU, nothing to compare (no verdict) in the --iommu run")
    void noOperationsLogged(@TempDir Path results) throws Exception {
        Path trace = results.resolve("qemu.log");
        JunitReport plain = new JunitReport("plain");
        HostChecks.check("x86_64", results, trace, false, plain);
        assertThat(plain.failed()).isEqualTo(1);
        JunitReport vfio = new JunitReport("vfio");
        HostChecks.check("x86_64", results, trace, true, vfio);
        assertThat(vfio.failed()).isZero();
        assertThat(vfio.passed()).isZero();
        Path xml = results.resolve("junit-host").resolve("TEST-lab-host-checks.xml");
        vfio.write(xml);
        assertThat(Files.readString(xml)).contains("tests=\"0\" failures=\"0\"");
    }
}
