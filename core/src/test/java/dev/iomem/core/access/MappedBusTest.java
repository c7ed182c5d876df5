package dev.iomem.core.access;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("MappedBus over a real FileChannel.map")
class MappedBusTest {

    @Test
    @DisplayName("every width at every offset round-trips through the mapping in little-endian, aligned or not")
    void roundTrip(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bar0");
        Files.write(f, new byte[8192]);
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8192, arena);
            MappedBus bus = new MappedBus(new MappedRegion(seg, MemoryType.DEVICE, "test bar0", false));
            for (Width w : Width.values()) {
                for (long off = 0; off < 24; off++) {
                    long v = 0xF1E2D3C4B5A69788L & w.mask();
                    bus.store(off, w, v);
                    assertThat(bus.load(off, w)).as("%s at %d", w, off).isEqualTo(v);
                    assertThat(seg.get(ValueLayout.JAVA_BYTE, off)).isEqualTo((byte) 0x88);
                }
            }
            IoAccessor io = RuleDrivenAccessor.over(bus, CopyPlannerTest.X86, Barriers.none());
            io.write32(100, 0x11223344);
            io.fillIo(200, 37, (byte) 7);
            io.close();
            seg.force();
        }
        byte[] file = Files.readAllBytes(f);
        assertThat(file[100]).isEqualTo((byte) 0x44);
        assertThat(file[103]).isEqualTo((byte) 0x11);
        assertThat(file[199]).isZero();
        assertThat(file[200]).isEqualTo((byte) 7);
        assertThat(file[236]).isEqualTo((byte) 7);
        assertThat(file[237]).isZero();
    }

    @Test
    @DisplayName("a read-only window refuses stores, and the file is untouched")
    void readOnly(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bar0");
        Files.write(f, new byte[4096]);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, 4096, arena);
            MappedBus bus = new MappedBus(new MappedRegion(seg, MemoryType.DEVICE, "ro", true));
            assertThat(bus.load(0, Width.INT)).isZero();
            assertThatThrownBy(() -> bus.store(0, Width.INT, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        }
        assertThat(Files.readAllBytes(f)).containsOnly(0);
    }

    @Test
    @DisplayName("an access after the mapping's arena is closed throws IllegalStateException, not a crash")
    void arenaClosed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bar0");
        Files.write(f, new byte[4096]);
        MappedBus bus;
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            bus = new MappedBus(new MappedRegion(ch.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena), MemoryType.DEVICE, "x", false));
        }
        assertThatThrownBy(() -> bus.load(0, Width.INT)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("copies and fills over a mapping (the fixed-width fast path) move exactly the right bytes, for 4- and 8-byte bodies")
    void copiesOverMapping(@TempDir Path dir) throws IOException {
        java.util.Random rnd = new java.util.Random(7);
        for (dev.iomem.api.AccessRules rules : new dev.iomem.api.AccessRules[] {CopyPlannerTest.X86, CopyPlannerTest.ARM64}) {
            Path f = dir.resolve("bar-" + rules.name());
            Files.write(f, new byte[16384]);
            try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, 16384, arena);
                IoAccessor io = RuleDrivenAccessor.over(new MappedBus(new MappedRegion(seg, MemoryType.DEVICE, "t", false)), rules, Barriers.none());
                byte[] model = new byte[16384];
                for (int trial = 0; trial < 300; trial++) {
                    int off = rnd.nextInt(16000);
                    int len = rnd.nextInt(Math.min(300, 16384 - off));
                    int ramOffset = rnd.nextInt(8);
                    MemorySegment src = arena.allocate(len + 8).asSlice(ramOffset, len);
                    for (int i = 0; i < len; i++) {
                        byte b = (byte) rnd.nextInt();
                        src.set(ValueLayout.JAVA_BYTE, i, b);
                        model[off + i] = b;
                    }
                    io.copyToIo(src, off);
                    MemorySegment back = arena.allocate(len + 8).asSlice(ramOffset, len);
                    io.copyFromIo(off, back);
                    assertThat(back.mismatch(src)).as("%s copy at %d+%d", rules.name(), off, len).isEqualTo(-1);
                    if (trial % 3 == 0) {
                        int foff = rnd.nextInt(16000);
                        int flen = rnd.nextInt(Math.min(300, 16384 - foff));
                        io.fillIo(foff, flen, (byte) trial);
                        java.util.Arrays.fill(model, foff, foff + flen, (byte) trial);
                    }
                }
                assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).as("whole window of %s", rules.name()).isEqualTo(model);
            }
        }
    }
}
