package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scalar fast path over a {@link MappedBus}: per-width windows whose FFM checks are the
 * validation. Every outcome is compared with a model of the rules, on a real
 * {@code FileChannel.map}, and a refused store must leave the mapping byte for byte unchanged.
 */
@DisplayName("Scalars over a MappedBus (the per-width window fast path)")
class MappedScalarWindowsTest {

    private static final int SIZE = 4096;
    private static final AccessRules NO64 = CopyPlannerTest.X86.withQuirk(DeviceQuirk.forbidWidths("no-64-bit", Width.LONG));

    /** The exception the rules demand for an access, or null if it is legal. */
    private static Class<? extends RuntimeException> expected(AccessRules rules, long base, long size, long offset, Width w) {
        int n = w.bytes();
        if (offset < 0 || offset > size - n) {
            return OutOfBoundsAccessException.class;
        }
        if (!rules.allows(w)) {
            return WidthNotAllowedException.class;
        }
        if (rules.naturalAlignment() && ((base + offset) & (n - 1)) != 0) {
            return MisalignedAccessException.class;
        }
        return null;
    }

    private static long[] offsets(long size) {
        List<Long> list = new ArrayList<>(List.of(-1L, -8L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 3));
        for (long o = 0; o < 16; o++) {
            list.add(o);
            list.add(size - 16 + o);
        }
        list.add(size);
        list.add(size + 1);
        return list.stream().mapToLong(Long::longValue).toArray();
    }

    private static void check(MemorySegment seg, IoAccessor io, AccessRules rules, long base, long size) {
        long value = 0x8877_6655_4433_2211L;
        for (Width w : Width.values()) {
            for (boolean ordered : new boolean[] {false, true}) {
                for (long off : offsets(size)) {
                    Class<? extends RuntimeException> bad = expected(rules, base, size, off, w);
                    String what = rules.name() + " base " + base + " " + w + (ordered ? " ordered" : " relaxed") + " at " + off;
                    byte[] before = seg.toArray(ValueLayout.JAVA_BYTE);
                    if (bad != null) {
                        assertThatThrownBy(() -> FixedWidthCalls.call(io, w, true, ordered, off, value)).as(what).isInstanceOf(bad);
                        assertThatThrownBy(() -> FixedWidthCalls.call(io, w, false, ordered, off, 0)).as(what).isInstanceOf(bad);
                        assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).as(what + ": a refused store changed the mapping").isEqualTo(before);
                    } else {
                        FixedWidthCalls.call(io, w, true, ordered, off, value);
                        assertThat(FixedWidthCalls.call(io, w, false, ordered, off, 0)).as(what).isEqualTo(value & w.mask());
                        // little-endian on the device, at the device address base + offset
                        assertThat(seg.get(ValueLayout.JAVA_BYTE, base + off)).as(what).isEqualTo((byte) 0x11);
                        assertThat(seg.get(ValueLayout.JAVA_BYTE, base + off + w.bytes() - 1)).as(what)
                                .isEqualTo((byte) (value >>> (8 * (w.bytes() - 1))));
                        seg.asSlice(base + off, w.bytes()).fill((byte) 0);
                    }
                }
            }
        }
    }

    private static MemorySegment map(Path dir, Arena arena, String name) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, new byte[SIZE]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena);
        }
    }

    private static MappedBus bus(MemorySegment seg, boolean readOnly) {
        return new MappedBus(new MappedRegion(seg, MemoryType.DEVICE, "test bar", readOnly));
    }

    @Test
    @DisplayName("every width, relaxed and ordered, at offsets around both ends: a round trip or the rules' exception, with the mapping unchanged")
    void everyWidthEveryRule(@TempDir Path dir) throws IOException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = map(dir, arena, "bar");
            for (AccessRules rules : List.of(CopyPlannerTest.X86, CopyPlannerTest.ARM64, NO64)) {
                IoAccessor root = RuleDrivenAccessor.over(bus(seg, false), rules, Barriers.none());
                check(seg, root, rules, 0, SIZE);
                // Slices at odd and even bases: alignment is of the device address.
                for (long base : new long[] {1, 3, 8, 100}) {
                    check(seg, root.slice(base, 64), rules, base, 64);
                }
                root.close();
            }
        }
    }

    @Test
    @DisplayName("after close, every scalar of the accessor and of slices made before the close throws AccessorClosedException")
    void closedEverywhere(@TempDir Path dir) throws IOException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = map(dir, arena, "bar");
            IoAccessor root = RuleDrivenAccessor.over(bus(seg, false), CopyPlannerTest.X86, Barriers.none());
            IoAccessor slice = root.slice(64, 64);
            IoAccessor inner = slice.slice(8, 16);
            IoAccessor other = root.slice(256, 64);
            for (IoAccessor a : List.of(root, slice, inner, other)) {
                a.write32Relaxed(0, 1);      // warm: each has a live window
            }
            other.close();
            assertThatThrownBy(() -> other.read32Relaxed(0)).isInstanceOf(AccessorClosedException.class);
            assertThat(root.read32Relaxed(256)).as("closing a slice leaves the root open").isEqualTo(1);
            root.close();
            byte[] before = seg.toArray(ValueLayout.JAVA_BYTE);
            for (IoAccessor a : List.of(root, slice, inner, other)) {
                for (Width w : Width.values()) {
                    for (boolean ordered : new boolean[] {false, true}) {
                        assertThatThrownBy(() -> FixedWidthCalls.call(a, w, true, ordered, 0, 5)).as("%s %s", a, w).isInstanceOf(AccessorClosedException.class);
                        assertThatThrownBy(() -> FixedWidthCalls.call(a, w, false, ordered, 0, 0)).as("%s %s", a, w).isInstanceOf(AccessorClosedException.class);
                    }
                }
                // the closed state comes first, even for an access that is also out of range
                assertThatThrownBy(() -> a.read32Relaxed(-4)).isInstanceOf(AccessorClosedException.class);
            }
            assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(before);
        }
    }

    @Test
    @DisplayName("when the mapping's owner closes its arena first, a scalar throws IllegalStateException instead of touching unmapped memory")
    void mappingClosedUnderneath(@TempDir Path dir) throws IOException {
        Arena arena = Arena.ofShared();
        MemorySegment seg = map(dir, arena, "bar");
        IoAccessor root = RuleDrivenAccessor.over(bus(seg, false), CopyPlannerTest.X86, Barriers.none());
        IoAccessor slice = root.slice(8, 8);
        root.write64Relaxed(0, 7);
        arena.close();
        assertThatThrownBy(() -> root.read64Relaxed(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> slice.write32Relaxed(0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> root.read16(2)).isInstanceOf(IllegalStateException.class);
        root.close();
    }

    @Test
    @DisplayName("a read-only window serves reads and refuses every store with IllegalStateException, leaving the mapping unchanged")
    void readOnlyWindow(@TempDir Path dir) throws IOException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = map(dir, arena, "bar");
            seg.set(ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN), 16, 0xCAFEF00D);
            IoAccessor io = RuleDrivenAccessor.over(bus(seg, true), CopyPlannerTest.X86, Barriers.none());
            assertThat(io.read32Relaxed(16)).isEqualTo(0xCAFEF00D);
            byte[] before = seg.toArray(ValueLayout.JAVA_BYTE);
            for (Width w : Width.values()) {
                for (boolean ordered : new boolean[] {false, true}) {
                    assertThatThrownBy(() -> FixedWidthCalls.call(io, w, true, ordered, 16, 1))
                            .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
                }
            }
            assertThat(seg.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(before);
        }
    }

    @Test
    @DisplayName("a slice made while another thread closes the root is either refused or born closed")
    void sliceRacingRootClose(@TempDir Path dir) throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = map(dir, arena, "bar");
            for (int round = 0; round < 50; round++) {
                IoAccessor root = RuleDrivenAccessor.over(bus(seg, false), CopyPlannerTest.X86, Barriers.none());
                CountDownLatch go = new CountDownLatch(1);
                AtomicReference<IoAccessor> made = new AtomicReference<>();
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        made.set(root.slice(0, 64));
                    } catch (AccessorClosedException refused) {
                        // the root closed first
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                go.countDown();
                root.close();
                t.join();
                IoAccessor s = made.get();
                if (s != null) {
                    assertThat(s.isClosed()).isTrue();
                    assertThatThrownBy(() -> s.write32Relaxed(0, 1)).isInstanceOf(AccessorClosedException.class);
                }
            }
        }
    }
}
