package dev.iomem.testkit.conformance;

import dev.iomem.testkit.conformance.KitExpectations.Refusal;
import dev.iomem.testkit.sim.TraceEntry;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

import static dev.iomem.testkit.conformance.KitExpectations.expectRefused;

/**
 * The RAM side of a copy: a buffer the copy cannot use (read-only for copyFromIo, closed, confined
 * to another thread) is refused before the device is touched, since a load from a read-to-clear
 * register cannot be undone; and a buffer that starts inside its memory (a slice of a heap array
 * of any element type, a native slice) is read and written at its own offset.
 */
final class RamBufferChecks {

    private RamBufferChecks() {
    }

    static void unusable(ArchBackendConformance kit) {
        ConformanceRule as = ConformanceRule.RAM_BUFFER;
        for (BackendUnderTest h : kit.each()) {
            long off = 8;
            int len = 32;
            MemorySegment roHeap = MemorySegment.ofArray(new byte[len]).asReadOnly();
            expectRefused(h, new Refusal("copyFromIo into a read-only heap segment", off, len, IllegalArgumentException.class,
                    () -> h.accessor.copyFromIo(off, roHeap)), as);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment roNative = arena.allocate(len, 8).asReadOnly();
                expectRefused(h, new Refusal("copyFromIo into a read-only native segment", off, len, IllegalArgumentException.class,
                        () -> h.accessor.copyFromIo(off, roNative)), as);
            }
            for (Arena arena : new Arena[]{Arena.ofConfined(), Arena.ofShared()}) {
                MemorySegment closed = arena.allocate(len, 8);
                arena.close();
                expectRefused(h, new Refusal("copyToIo from a segment of a closed arena", off, len, IllegalStateException.class,
                        () -> h.accessor.copyToIo(closed, off)), as);
                expectRefused(h, new Refusal("copyFromIo into a segment of a closed arena", off, len, IllegalStateException.class,
                        () -> h.accessor.copyFromIo(off, closed)), as);
            }
            ExecutorService owner = Executors.newSingleThreadExecutor();
            try {
                Arena[] arena = new Arena[1];
                MemorySegment foreign = owner.submit(() -> {
                    arena[0] = Arena.ofConfined();
                    return arena[0].allocate(len, 8);
                }).get();
                expectRefused(h, new Refusal("copyToIo from a segment confined to another thread", off, len, WrongThreadException.class,
                        () -> h.accessor.copyToIo(foreign, off)), as);
                expectRefused(h, new Refusal("copyFromIo into a segment confined to another thread", off, len, WrongThreadException.class,
                        () -> h.accessor.copyFromIo(off, foreign)), as);
                owner.submit(() -> arena[0].close()).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot make a segment in another thread", e.getCause());
            } finally {
                owner.shutdownNow();
            }
        }
    }

    /** A RAM buffer: {@code whole} is the memory, the copy uses {@code length} bytes of it from {@code skip}. */
    private record Buffer(String name, BiFunction<Arena, Integer, MemorySegment> whole, long skip, boolean readOnly) {
        MemorySegment view(MemorySegment w, int length) {
            MemorySegment v = w.asSlice(skip, length);
            return readOnly ? v.asReadOnly() : v;
        }
    }

    private static List<Buffer> buffers() {
        List<Buffer> out = new ArrayList<>();
        for (long k : new long[]{1, 3, 7, 13}) {
            out.add(new Buffer("byte[] from index " + k, (a, n) -> MemorySegment.ofArray(new byte[n]), k, false));
        }
        for (long k : new long[]{0, 1, 5, 8, 12}) {
            out.add(new Buffer("long[] from byte " + k, (a, n) -> MemorySegment.ofArray(new long[(n + 7) / 8]), k, false));
        }
        out.add(new Buffer("int[] from byte 6", (a, n) -> MemorySegment.ofArray(new int[(n + 3) / 4]), 6, false));
        out.add(new Buffer("short[] from byte 3", (a, n) -> MemorySegment.ofArray(new short[(n + 1) / 2]), 3, false));
        out.add(new Buffer("double[] from byte 9", (a, n) -> MemorySegment.ofArray(new double[(n + 7) / 8]), 9, false));
        for (long k : new long[]{1, 5, 8, 100}) {
            out.add(new Buffer("native memory from byte " + k, (a, n) -> a.allocate(n, 8), k, false));
        }
        out.add(new Buffer("a slice of a native slice, from byte 4 + 3", (a, n) -> a.allocate(n, 8).asSlice(4), 3, false));
        out.add(new Buffer("a read-only byte[] from index 5 (copyToIo only)", (a, n) -> MemorySegment.ofArray(new byte[n]), 5, true));
        return out;
    }

    static void atOffsets(ArchBackendConformance kit) {
        for (BackendUnderTest h : kit.each()) {
            long page = KitCases.pageOf(h.rules);
            long[][] ranges = {{0, 64}, {3, 37}, {page - 5, 29}, {16, 200}};
            long seed = 40;
            for (Buffer b : buffers()) {
                for (long[] r : ranges) {
                    copyToIo(h, b, r[0], (int) r[1], seed++);
                    if (!b.readOnly) {
                        copyFromIo(h, b, r[0], (int) r[1], seed++);
                    }
                }
            }
        }
    }

    private static MemorySegment filled(Arena arena, Buffer b, int len, long seed) {
        MemorySegment whole = b.whole.apply(arena, (int) b.skip + len + 16);
        byte[] bytes = new byte[(int) whole.byteSize()];
        new SplittableRandom(seed).nextBytes(bytes);
        MemorySegment.copy(bytes, 0, whole, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return whole;
    }

    private static void copyToIo(BackendUnderTest h, Buffer b, long off, int len, long seed) {
        String what = h.label + " copyToIo from " + b.name;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment whole = filled(arena, b, len, seed);
            byte[] ram = whole.toArray(ValueLayout.JAVA_BYTE);
            MemorySegment src = b.view(whole, len);
            h.scramble(seed);
            byte[] expected = h.bus.snapshot();
            System.arraycopy(ram, (int) b.skip, expected, (int) off, len);
            List<TraceEntry> t = h.run("copyToIo from " + b.name, off, len, () -> h.accessor.copyToIo(src, off));
            byte[] after = h.bus.snapshot();
            int at = Arrays.mismatch(after, expected);
            if (at >= 0) {
                throw ConformanceFailure.of(at >= off && at < off + len ? ConformanceRule.CORRECT_BYTES : ConformanceRule.INSIDE_RANGE,
                        what, off, len, String.format("device byte 0x%x = %02x", at, after[at]),
                        String.format("%02x, %s", expected[at], at >= off && at < off + len
                                ? "the buffer's byte " + (at - off) + " (memory byte " + (b.skip + at - off) + ")" : "untouched"), t);
            }
            if (!Arrays.equals(ram, whole.toArray(ValueLayout.JAVA_BYTE))) {
                throw ConformanceFailure.of(ConformanceRule.CORRECT_BYTES, what, off, len, "the source buffer's memory changed",
                        "copyToIo to leave its source untouched", t);
            }
        }
    }

    private static void copyFromIo(BackendUnderTest h, Buffer b, long off, int len, long seed) {
        String what = h.label + " copyFromIo into " + b.name;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment whole = filled(arena, b, len, seed);
            byte[] expected = whole.toArray(ValueLayout.JAVA_BYTE);
            MemorySegment dst = b.view(whole, len);
            h.scramble(seed + 1);
            byte[] device = h.bus.snapshot();
            System.arraycopy(device, (int) off, expected, (int) b.skip, len);
            List<TraceEntry> t = h.run("copyFromIo into " + b.name, off, len, () -> h.accessor.copyFromIo(off, dst));
            byte[] got = whole.toArray(ValueLayout.JAVA_BYTE);
            int at = Arrays.mismatch(got, expected);
            if (at >= 0) {
                boolean inside = at >= b.skip && at < b.skip + len;
                throw ConformanceFailure.of(ConformanceRule.CORRECT_BYTES, what, off, len,
                        String.format("memory byte %d = %02x%s", at, got[at], inside ? "" : " (outside the buffer, which starts at byte " + b.skip + ")"),
                        String.format("%02x, %s", expected[at], inside ? "device byte 0x" + Long.toHexString(off + at - b.skip) : "untouched"), t);
            }
        }
    }
}
