package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessException;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.BoundaryCrossingException;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("RuleDrivenAccessor")
class RuleDrivenAccessorTest {

    static Stream<AccessRules> allRules() {
        return Stream.of(CopyPlannerTest.X86, CopyPlannerTest.ARM64, CopyPlannerTest.S390X);
    }

    private static RecordingBus bus(AccessRules rules, int size) {
        return new RecordingBus(size, rules.blockStore().map(b -> b.maxBytes()).orElse(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allRules")
    @DisplayName("every width at every alignment is a correct round trip or an exception with zero bus transactions")
    void everyWidthEveryAlignment(AccessRules rules) {
        for (Width w : Width.values()) {
            for (long off = 4096 - 16; off < 4096 + 16; off++) {
                RecordingBus bus = bus(rules, 8192);
                IoAccessor io = RuleDrivenAccessor.over(bus, rules, bus);
                long value = 0x8877_6655_4433_2211L & w.mask();
                boolean misaligned = rules.naturalAlignment() && off % w.bytes() != 0;
                boolean crosses = rules.boundary() != 0 && off / 4096 != (off + w.bytes() - 1) / 4096;
                if (misaligned || crosses) {
                    long o = off;
                    Class<? extends Throwable> why = misaligned ? MisalignedAccessException.class : BoundaryCrossingException.class;
                    assertThatThrownBy(() -> io.write(o, w, value)).isInstanceOf(why);
                    assertThatThrownBy(() -> io.read(o, w)).isInstanceOf(why);
                    assertThat(bus.log).as("%s %s at %d", rules.name(), w, off).isEmpty();
                } else {
                    io.write(off, w, value);
                    assertThat(io.read(off, w)).isEqualTo(value);
                    assertThat(bus.log).containsExactly("barrier-before-write", "store " + off + " " + w.bytes(),
                            "load " + off + " " + w.bytes(), "barrier-after-read");
                    for (int i = 0; i < w.bytes(); i++) {
                        assertThat(bus.memory[(int) off + i]).as("little-endian byte %d", i).isEqualTo((byte) (0x11 * (i + 1)));
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("ordered accesses carry their barrier on the right side; relaxed ones carry none")
    void barrierPlacement() {
        RecordingBus bus = bus(CopyPlannerTest.ARM64, 64);
        IoAccessor io = RuleDrivenAccessor.over(bus, CopyPlannerTest.ARM64, bus);
        io.write32(8, 1);
        io.read32(8);
        io.write32Relaxed(8, 2);
        io.read32Relaxed(8);
        io.write8(0, (byte) 1);
        io.read16(2);
        io.write64(16, 5);
        io.read64Relaxed(16);
        io.flushWrites();
        assertThat(bus.log).containsExactly(
                "barrier-before-write", "store 8 4", "load 8 4", "barrier-after-read",
                "store 8 4", "load 8 4",
                "barrier-before-write", "store 0 1", "load 2 2", "barrier-after-read",
                "barrier-before-write", "store 16 8", "load 16 8", "flush");
        assertThat(io.read32Relaxed(8)).isEqualTo(2);
    }

    @Test
    @DisplayName("typed accessors return and take little-endian device values")
    void typedValues() {
        RecordingBus bus = bus(CopyPlannerTest.X86, 64);
        IoAccessor io = RuleDrivenAccessor.over(bus, CopyPlannerTest.X86, bus);
        io.write64(0, 0x0102030405060708L);
        assertThat(bus.memory[0]).isEqualTo((byte) 8);
        assertThat(io.read32(0)).isEqualTo(0x05060708);
        assertThat(io.read16(6)).isEqualTo((short) 0x0102);
        assertThat(io.read8(7)).isEqualTo((byte) 1);
        io.write16Relaxed(0, (short) 0xBEEF);
        assertThat(io.read16Relaxed(0)).isEqualTo((short) 0xBEEF);
        io.write8Relaxed(2, (byte) 0xFF);
        assertThat(io.read8Relaxed(2)).isEqualTo((byte) 0xFF);
        assertThat(io.read(2, Width.BYTE)).isEqualTo(0xFF);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allRules")
    @DisplayName("copies and fills move the right bytes with exactly the planned accesses")
    void copiesAndFills(AccessRules rules) {
        Random rnd = new Random(42);
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 200; trial++) {
                int off = 4096 - 200 + rnd.nextInt(400);
                int len = rnd.nextInt(600);
                RecordingBus bus = bus(rules, 8192);
                IoAccessor io = RuleDrivenAccessor.over(bus, rules, bus);
                MemorySegment src = arena.allocate(len + 1).asSlice(1, len); // odd RAM alignment on purpose
                for (int i = 0; i < len; i++) src.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
                io.copyToIo(src, off);
                assertThat(MemorySegment.ofArray(bus.memory).asSlice(off, len).mismatch(src)).isEqualTo(-1);
                assertThat(bus.log).containsExactlyElementsOf(expectedLog(rules, off, len, true));
                bus.log.clear();

                MemorySegment dst = arena.allocate(len);
                io.copyFromIo(off, dst);
                assertThat(dst.mismatch(src)).isEqualTo(-1);
                assertThat(bus.log).containsExactlyElementsOf(expectedLog(rules, off, len, false));
                bus.log.clear();

                io.fillIo(off, len, (byte) 0xA5);
                for (int i = 0; i < len; i++) assertThat(bus.memory[off + i]).isEqualTo((byte) 0xA5);
                assertThat(bus.memory[off - 1]).isNotEqualTo((byte) 0xA5).isEqualTo((byte) 0);
                assertThat(bus.log).containsExactlyElementsOf(expectedLog(rules, off, len, true));
            }
        }
    }

    private static List<String> expectedLog(AccessRules rules, long off, long len, boolean store) {
        List<String> out = new ArrayList<>();
        CopyPlanner.plan(rules, off, 0, len, store, (io, raw, bytes, block) ->
                out.add((block ? "block " : store ? "store " : "load ") + io + " " + bytes));
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allRules")
    @DisplayName("bad ranges, widths and closed accessors throw before any bus transaction")
    void rejectedInputsTouchNothing(AccessRules rules) {
        RecordingBus bus = bus(rules, 4096);
        IoAccessor io = RuleDrivenAccessor.over(bus, rules, bus);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            List<Runnable> bad = List.of(
                    () -> io.read32(-4), () -> io.read32(4096), () -> io.read64(4092), () -> io.write8(Long.MAX_VALUE, (byte) 0),
                    () -> io.write32(Long.MIN_VALUE, 0), () -> io.copyToIo(buf, 4096 - 63), () -> io.copyToIo(buf, -1),
                    () -> io.copyFromIo(Long.MAX_VALUE - 10, buf), () -> io.fillIo(0, -1, (byte) 0), () -> io.fillIo(1, Long.MAX_VALUE, (byte) 0),
                    () -> io.fillIo(Long.MAX_VALUE, 2, (byte) 0), () -> io.slice(4000, 200), () -> io.slice(-1, 1), () -> io.slice(1, -1));
            for (Runnable r : bad) {
                assertThatThrownBy(r::run).isInstanceOf(OutOfBoundsAccessException.class);
            }
            assertThatThrownBy(() -> io.copyFromIo(0, buf.asReadOnly())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> io.copyToIo(null, 0)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> io.read(0, null)).isInstanceOf(NullPointerException.class);
            assertThat(bus.log).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allRules")
    @DisplayName("a window smaller than the access refuses a huge offset: the bounds arithmetic does not overflow into a pass")
    void smallWindowHugeOffset(AccessRules rules) {
        // Found by MappedScalarFuzzTest: (size - n) - offset wrapped to a positive value for a
        // 0..7-byte window and an offset near Long.MAX_VALUE, and the access went to the bus.
        RecordingBus bus = bus(rules, 4096);
        IoAccessor io = RuleDrivenAccessor.over(bus, rules, bus);
        for (long size = 0; size < 8; size++) {
            IoAccessor small = io.slice(128, size);
            for (long offset : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 3, Long.MAX_VALUE - 7}) {
                assertThatThrownBy(() -> small.write64(offset, 1)).isInstanceOf(OutOfBoundsAccessException.class);
                assertThatThrownBy(() -> small.read64Relaxed(offset)).isInstanceOf(OutOfBoundsAccessException.class);
                assertThatThrownBy(() -> small.write(offset, Width.INT, 1)).isInstanceOf(OutOfBoundsAccessException.class);
                assertThatThrownBy(() -> small.read16(offset)).isInstanceOf(OutOfBoundsAccessException.class);
            }
        }
        assertThat(bus.log).isEmpty();
    }

    @Test
    @DisplayName("a width forbidden by a quirk throws WidthNotAllowedException naming the quirk, with no traffic")
    void quirkWidth() {
        AccessRules rules = CopyPlannerTest.ARM64.withQuirk(DeviceQuirk.forbidWidths("rpi-no-writeq", Width.LONG));
        RecordingBus bus = bus(rules, 64);
        IoAccessor io = RuleDrivenAccessor.over(bus, rules, bus);
        assertThatThrownBy(() -> io.write64(0, 1)).isInstanceOf(WidthNotAllowedException.class)
                .hasMessageContaining("64-bit access at offset 0x0 is not allowed by aarch64 DEVICE (quirks: rpi-no-writeq)");
        assertThatThrownBy(() -> io.read64Relaxed(8)).isInstanceOf(WidthNotAllowedException.class);
        assertThat(bus.log).isEmpty();
    }

    @Test
    @DisplayName("a slice sees only its range, at its own offsets, and a copy cannot leave it")
    void sliceIsolation() {
        RecordingBus bus = bus(CopyPlannerTest.ARM64, 256);
        IoAccessor io = RuleDrivenAccessor.over(bus, CopyPlannerTest.ARM64, bus);
        IoAccessor regs = io.slice(64, 32);
        assertThat(regs.size()).isEqualTo(32);
        regs.write32(0, 0xCAFE);
        assertThat(io.read32(64)).isEqualTo(0xCAFE);
        assertThatThrownBy(() -> regs.read32(32)).isInstanceOf(OutOfBoundsAccessException.class);
        assertThatThrownBy(() -> regs.fillIo(16, 17, (byte) 1)).isInstanceOf(OutOfBoundsAccessException.class);
        IoAccessor inner = regs.slice(8, 8);
        inner.write64(0, -1L);
        assertThat(io.read64(72)).isEqualTo(-1L);
        assertThatThrownBy(() -> inner.read8(8)).isInstanceOf(OutOfBoundsAccessException.class);
        // alignment is checked on the device address, not the slice offset
        IoAccessor odd = io.slice(1, 16);
        assertThatThrownBy(() -> odd.read32(4)).isInstanceOf(MisalignedAccessException.class).hasMessageContaining("offset 0x4");
        assertThat(odd.read32(3)).isZero(); // device address 4: aligned
        assertThat(odd.read8(0)).isZero();
    }

    @Test
    @DisplayName("a slice of a slice closes when any ancestor closes, and a slice made from a closed slice is born closed; siblings stay open")
    void sliceOfSliceClosesWithAncestor() {
        RecordingBus bus = bus(CopyPlannerTest.X86, 256);
        IoAccessor io = RuleDrivenAccessor.over(bus, CopyPlannerTest.X86, bus);
        IoAccessor middle = io.slice(64, 128);
        IoAccessor inner = middle.slice(16, 32);
        IoAccessor innermost = inner.slice(8, 8);
        IoAccessor sibling = io.slice(0, 64);
        middle.close();
        assertThat(inner.isClosed()).isTrue();
        assertThat(innermost.isClosed()).isTrue();
        assertThatThrownBy(() -> inner.read32(0)).isInstanceOf(AccessorClosedException.class);
        assertThatThrownBy(() -> innermost.write8(0, (byte) 1)).isInstanceOf(AccessorClosedException.class);
        assertThat(bus.log).as("nothing reached the bus").isEmpty();
        assertThat(sibling.isClosed()).isFalse();
        assertThat(io.read8(0)).isZero();
        assertThatThrownBy(() -> middle.slice(0, 8)).isInstanceOf(AccessorClosedException.class);
    }

    @Test
    @DisplayName("close is idempotent; closing a slice closes only the slice; closing the root closes every slice and the bus")
    void closeSemantics() {
        RecordingBus bus = bus(CopyPlannerTest.X86, 64);
        IoAccessor io = RuleDrivenAccessor.over(bus, CopyPlannerTest.X86, bus);
        IoAccessor a = io.slice(0, 32);
        IoAccessor b = io.slice(0, 64);
        a.close();
        a.close();
        assertThat(a.isClosed()).isTrue();
        assertThatThrownBy(() -> a.read8(0)).isInstanceOf(AccessorClosedException.class).isInstanceOf(IllegalStateException.class);
        assertThat(io.read8(0)).isZero();
        b.close();
        assertThat(bus.closed).isFalse();
        bus.log.clear();
        io.close();
        io.close();
        assertThat(bus.log).containsExactly("close");
        IoAccessor c = b;
        assertThatThrownBy(() -> io.write32(0, 1)).isInstanceOf(AccessorClosedException.class).hasMessage("write32 on a closed accessor");
        assertThatThrownBy(() -> io.flushWrites()).isInstanceOf(AccessorClosedException.class);
        assertThatThrownBy(() -> io.slice(0, 1)).isInstanceOf(AccessorClosedException.class);
        assertThatThrownBy(() -> c.read8(0)).isInstanceOf(IoAccessException.class);
        assertThat(bus.log).containsExactly("close");
    }

    @Test
    @DisplayName("many threads writing distinct registers through one accessor lose no write")
    void concurrentDistinctRegisters() throws Exception {
        RecordingBus bus = bus(CopyPlannerTest.ARM64, 8 * 16);
        IoAccessor io = RuleDrivenAccessor.over(bus, CopyPlannerTest.ARM64, bus);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int reg = t * 16;
            fs.add(pool.submit(() -> {
                start.await();
                for (int i = 1; i <= 20_000; i++) {
                    io.write64(reg, i);
                    if (io.read64(reg) != i) throw new AssertionError("register " + reg + " lost write " + i);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        for (int t = 0; t < threads; t++) {
            assertThat(io.read64Relaxed(t * 16)).isEqualTo(20_000);
        }
    }

    @Test
    @DisplayName("rules with block stores need a bus that can issue them")
    void blockStoreNeedsBus() {
        assertThatThrownBy(() -> RuleDrivenAccessor.over(new RecordingBus(64, 0), CopyPlannerTest.S390X, new RecordingBus(1, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("block stores of up to 128 bytes");
    }
}
