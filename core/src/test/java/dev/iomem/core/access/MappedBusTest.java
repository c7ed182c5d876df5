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
import java.util.ArrayList;
import java.util.List;

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

    /** Records every call and does the access in Java, little-endian. */
    private static final class RecordingScalars implements NativeScalarRoutines {
        final List<String> calls = new ArrayList<>();

        @Override
        public short load16(MemorySegment io, long offset) {
            calls.add("load16 " + offset);
            return io.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset);
        }

        @Override
        public int load32(MemorySegment io, long offset) {
            calls.add("load32 " + offset);
            return io.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
        }

        @Override
        public long load64(MemorySegment io, long offset) {
            calls.add("load64 " + offset);
            return io.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        }

        @Override
        public void store16(MemorySegment io, long offset, short value) {
            calls.add("store16 " + offset);
            io.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, value);
        }

        @Override
        public void store32(MemorySegment io, long offset, int value) {
            calls.add("store32 " + offset);
            io.set(ValueLayout.JAVA_INT_UNALIGNED, offset, value);
        }

        @Override
        public void store64(MemorySegment io, long offset, long value) {
            calls.add("store64 " + offset);
            io.set(ValueLayout.JAVA_LONG_UNALIGNED, offset, value);
        }
    }

    @Test
    @DisplayName("unaligned scalars, through the bus and through an accessor, go to the bus's native scalar routines; aligned ones and bytes never do")
    void unalignedScalarsUseTheRoutines() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4096, 4096);
            RecordingScalars scalars = new RecordingScalars();
            MappedBus bus = new MappedBus(new MappedRegion(seg, MemoryType.DEVICE, "t", false), null, scalars);
            for (Width w : Width.values()) {
                for (long off = 0; off < 16; off++) {
                    long v = 0xF1E2D3C4B5A69788L & w.mask();
                    bus.store(off, w, v);
                    assertThat(bus.load(off, w)).as("%s at %d", w, off).isEqualTo(v);
                }
            }
            List<String> expected = new ArrayList<>();
            for (int bits : new int[] {16, 32, 64}) {
                for (long off = 0; off < 16; off++) {
                    if (off % (bits / 8) != 0) {
                        expected.add("store" + bits + " " + off);
                        expected.add("load" + bits + " " + off);
                    }
                }
            }
            assertThat(scalars.calls).containsExactlyElementsOf(expected);

            scalars.calls.clear();
            IoAccessor io = RuleDrivenAccessor.over(bus, CopyPlannerTest.X86, Barriers.none());
            io.write32(0x101, 0x11223344);
            io.write64Relaxed(0x203, 1L);
            io.write16(0x300, (short) 5);
            assertThat(io.read32Relaxed(0x101)).isEqualTo(0x11223344);
            assertThat(io.read16(0x300)).isEqualTo((short) 5);
            assertThat(scalars.calls).containsExactly("store32 257", "store64 515", "load32 257");
        }
    }

    @Test
    @DisplayName("the bus tests bounds before an unaligned routine runs (the routines check nothing), and a read-only window refuses the store first")
    void routinesGetOnlyValidAccesses() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4096, 4096);
            RecordingScalars scalars = new RecordingScalars();
            MappedBus bus = new MappedBus(new MappedRegion(seg, MemoryType.DEVICE, "t", false), null, scalars);
            assertThatThrownBy(() -> bus.store(4093, Width.INT, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> bus.load(4095, Width.SHORT)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> bus.load(-1, Width.LONG)).isInstanceOf(IndexOutOfBoundsException.class);
            MappedBus readOnly = new MappedBus(new MappedRegion(seg, MemoryType.DEVICE, "ro", true), null, scalars);
            assertThatThrownBy(() -> readOnly.store(1, Width.SHORT, 1)).isInstanceOf(IllegalStateException.class);
            assertThat(scalars.calls).isEmpty();
        }
    }
}
