package dev.iomem.core.pci;

import dev.iomem.api.MemoryType;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.spi.MappedRegion;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("SysfsBarMapper on fixture resourceN files")
class SysfsBarMapperTest {

    private static final PciAddress DEV = PciAddress.parse("0000:00:04.0");

    @TempDir
    Path dir;

    private SysfsFixture fx;
    private SysfsBarMapper mapper;

    @BeforeEach
    void tree() {
        fx = new SysfsFixture(dir, SysfsFixture.INTEL);
        fx.function("pci0000:00", "0000:00:04.0")
                .bar(0, 0xe000, 0x20, SysfsFixture.IO)
                .bar(1, 0xfe00_0000L, 0x1000, SysfsFixture.MEM32)
                .bar(2, 0x80_0000_0000L, 0x4000, SysfsFixture.MEM64_PREFETCH)
                .bar(4, 0xfd00_0000L, 0x2000, SysfsFixture.MEM32)
                .withResourceFiles().create();
        mapper = new SysfsBarMapper(fx.open());
    }

    @Test
    @DisplayName("resourceN maps as DEVICE memory of the BAR's size; a read-write mapping writes through to the file")
    void device() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion r = mapper.mapWhole(DEV, 1, MemoryType.DEVICE, false, arena);
            assertThat(r.memoryType()).isEqualTo(MemoryType.DEVICE);
            assertThat(r.size()).isEqualTo(0x1000);
            assertThat(r.readOnly()).isFalse();
            assertThat(r.description()).isEqualTo("0000:00:04.0 BAR 1 (resource1)");
            r.segment().set(ValueLayout.JAVA_INT_UNALIGNED, 0x10, 0x12345678);
        }
        byte[] file = Files.readAllBytes(fx.root.resolve("0000:00:04.0/resource1"));
        assertThat(file[0x10]).isEqualTo((byte) 0x78);
        assertThat(file[0x13]).isEqualTo((byte) 0x12);
    }

    @Test
    @DisplayName("resourceN_wc of a prefetchable 64-bit BAR maps as WRITE_COMBINING; a window maps only its part")
    void writeCombining() {
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion r = mapper.map(DEV, 2, MemoryType.WRITE_COMBINING, 0x1000, 0x2000, true, arena);
            assertThat(r.memoryType()).isEqualTo(MemoryType.WRITE_COMBINING);
            assertThat(r.size()).isEqualTo(0x2000);
            assertThat(r.readOnly()).isTrue();
            assertThat(r.segment().isReadOnly()).isTrue();
            assertThat(r.description()).isEqualTo("0000:00:04.0 BAR 2 (resource2_wc)");
        }
    }

    @Test
    @DisplayName("an I/O BAR, a BAR index of 6, an absent BAR and WC on a non-prefetchable BAR are refused before any file is opened")
    void refusals() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> mapper.mapWhole(DEV, 0, MemoryType.DEVICE, true, arena)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("0000:00:04.0 BAR 0 is I/O port space, which cannot be memory-mapped");
            assertThatThrownBy(() -> mapper.mapWhole(DEV, 6, MemoryType.DEVICE, true, arena)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("0000:00:04.0: BAR index 6 is not 0 to 5");
            assertThatThrownBy(() -> mapper.mapWhole(DEV, -1, MemoryType.DEVICE, true, arena)).hasMessage("0000:00:04.0: BAR index -1 is not 0 to 5");
            assertThatThrownBy(() -> mapper.mapWhole(DEV, 5, MemoryType.DEVICE, true, arena))
                    .hasMessage("0000:00:04.0 BAR 5 is not implemented (sysfs resource shows it empty)");
            assertThatThrownBy(() -> mapper.mapWhole(DEV, 3, MemoryType.DEVICE, true, arena))
                    .as("upper half of the 64-bit BAR 2").hasMessage("0000:00:04.0 BAR 3 is not implemented (sysfs resource shows it empty)");
            assertThatThrownBy(() -> mapper.mapWhole(DEV, 1, MemoryType.WRITE_COMBINING, true, arena))
                    .hasMessageContaining("0000:00:04.0 BAR 1 is not prefetchable, so it has no write-combining mapping");
            assertThatThrownBy(() -> mapper.mapWhole(PciAddress.parse("0000:00:05.0"), 0, MemoryType.DEVICE, true, arena))
                    .hasMessageStartingWith("no PCI function 0000:00:05.0 under ");
        }
    }

    @Test
    @DisplayName("a window outside the BAR is refused, naming the device, the BAR and its size")
    void outside() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> mapper.map(DEV, 1, MemoryType.DEVICE, 0xf00, 0x200, true, arena)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("0000:00:04.0 BAR 1: the window at offset 0xf00 of length 0x200 is not inside the BAR's 0x1000 bytes");
            assertThatThrownBy(() -> mapper.map(DEV, 1, MemoryType.DEVICE, -1, 1, true, arena)).hasMessageContaining("not inside the BAR");
            assertThatThrownBy(() -> mapper.map(DEV, 1, MemoryType.DEVICE, 0, 0, true, arena)).hasMessageContaining("not inside the BAR");
            assertThatThrownBy(() -> mapper.map(DEV, 1, MemoryType.DEVICE, 8, Long.MAX_VALUE, true, arena)).hasMessageContaining("not inside the BAR");
        }
    }

    @Test
    @DisplayName("a missing resourceN file (this machine's kernel has none) is a BarMappingException naming device, BAR and file")
    void missingFile() throws Exception {
        Files.delete(fx.root.resolve("0000:00:04.0/resource4"));
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> mapper.mapWhole(DEV, 4, MemoryType.DEVICE, true, arena)).isInstanceOf(BarMappingException.class)
                    .hasMessage("0000:00:04.0 BAR 4: " + fx.root.resolve("0000:00:04.0/resource4")
                            + " does not exist (this kernel offers no mmap of this BAR through sysfs)");
        }
    }

    @Test
    @DisplayName("permission denied (a file even root may not write: a read-only sysctl) is a BarMappingException naming the file;"
            + " a resourceN that is a link to it is refused as a link, never followed")
    void permissionDenied() throws Exception {
        Path sysctl = Path.of("/proc/sys/kernel/osrelease");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(sysctl), "needs Linux procfs");
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> SysfsBarMapper.mapFile(sysctl, 0, 1, MemoryType.DEVICE, false, arena))
                    .isInstanceOf(BarMappingException.class)
                    .hasMessage("file " + sysctl + ": permission denied opening " + sysctl + " for writing");
        }
        Path res = fx.root.resolve("0000:00:04.0/resource4");
        Files.delete(res);
        Files.createSymbolicLink(res, sysctl);
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> mapper.mapWhole(DEV, 4, MemoryType.DEVICE, false, arena)).isInstanceOf(BarMappingException.class)
                    .hasMessage("0000:00:04.0 BAR 4: " + res + " is a symbolic link, where sysfs has a regular file");
        }
    }

    @Test
    @DisplayName("a resourceN file smaller than the window is refused rather than grown")
    void fileTooSmall() throws Exception {
        Path res = fx.root.resolve("0000:00:04.0/resource4");
        Files.write(res, new byte[0x1000]);
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> mapper.mapWhole(DEV, 4, MemoryType.DEVICE, false, arena)).isInstanceOf(BarMappingException.class)
                    .hasMessageContaining("goes beyond").hasMessageContaining("(0x1000 bytes)");
        }
        assertThat(Files.size(res)).as("not grown").isEqualTo(0x1000);
    }

    @Test
    @DisplayName("any regular file maps by the same code; a directory, a missing file and a window past the end are refused")
    void regularFile() throws Exception {
        Path f = dir.resolve("bar.bin");
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion r = SysfsBarMapper.mapFile(f, 0, 8, MemoryType.DEVICE, true, arena);
            assertThat(r.segment().get(ValueLayout.JAVA_BYTE, 7)).isEqualTo((byte) 8);
            assertThat(r.description()).isEqualTo("file " + f);
            assertThatThrownBy(() -> SysfsBarMapper.mapFile(f, 4, 8, MemoryType.DEVICE, true, arena)).isInstanceOf(BarMappingException.class)
                    .hasMessage("file " + f + ": the window at offset 0x4 of length 0x8 goes beyond " + f + " (0x8 bytes)");
            assertThatThrownBy(() -> SysfsBarMapper.mapFile(dir, 0, 8, MemoryType.DEVICE, true, arena)).hasMessageContaining("is not a regular file");
            assertThatThrownBy(() -> SysfsBarMapper.mapFile(dir.resolve("none"), 0, 8, MemoryType.DEVICE, true, arena))
                    .hasMessage("file " + dir.resolve("none") + ": " + dir.resolve("none") + " does not exist");
            assertThatThrownBy(() -> SysfsBarMapper.mapFile(f, 0, 0, MemoryType.DEVICE, true, arena)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Files.size(f)).isEqualTo(8);
        assertThat(SysfsBarMapper.fileSize(f)).isEqualTo(8);
    }
}
