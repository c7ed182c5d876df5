package dev.iomem.testkit.conformance;

import dev.iomem.api.IoAccessor;
import dev.iomem.testkit.conformance.CopyTraceChecks.Operation;
import dev.iomem.testkit.sim.TraceEntry;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Runs of one copy or fill for the kit's checks: the RAM buffers they use, at every RAM alignment
 * in heap or native memory, a run that checks every byte on the device and in the buffer (blaming
 * byte order where the bytes came reversed), and a run that only returns the trace.
 */
final class CopyRuns {

    private CopyRuns() {
    }

    /**
     * A RAM buffer of {@code length} random bytes that starts {@code (seed >> 1) % 8} bytes into
     * a heap array or an 8-aligned native allocation: copies see every RAM alignment, which
     * algorithms that align the RAM side (powerpc's) plan on, and a backend that forgets a
     * segment's own offset moves the wrong bytes.
     */
    static MemorySegment source(int length, long seed, boolean nativeMemory, Arena arena) {
        int skip = (int) ((seed >>> 1) & 7);
        byte[] b = new byte[length + skip];
        new SplittableRandom(seed).nextBytes(b);
        if (nativeMemory) {
            MemorySegment s = arena.allocate(length + skip, 8).asSlice(skip, length);
            MemorySegment.copy(b, skip, s, ValueLayout.JAVA_BYTE, 0, length);
            return s;
        }
        return MemorySegment.ofArray(b).asSlice(skip, length);
    }

    /** Runs one copy or fill of {@code [rel, rel + len)} of accessor {@code a} at device offset {@code abs} and checks its bytes. */
    static List<TraceEntry> runAndCheckBytes(BackendUnderTest h, IoAccessor a, Operation op, long rel, long abs, int len, long seed) {
        String what = h.label + " " + op.method;
        h.scramble(seed);
        byte[] before = h.bus.snapshot();
        byte[] expected = before.clone();
        try (Arena arena = Arena.ofConfined()) {
            boolean nativeMemory = (seed & 1) == 0;
            List<TraceEntry> trace;
            switch (op) {
                case COPY_TO_IO -> {
                    MemorySegment src = source(len, seed * 31 + 7, nativeMemory, arena);
                    h.lastRamAddress = src.address();
                    MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, expected, (int) abs, len);
                    trace = h.run(op.method, abs, len, () -> a.copyToIo(src, rel));
                }
                case FILL_IO -> {
                    h.lastRamAddress = 0;
                    byte value = (byte) (0x80 | (seed & 0x7F));
                    Arrays.fill(expected, (int) abs, (int) abs + len, value);
                    trace = h.run(op.method, abs, len, () -> a.fillIo(rel, len, value));
                }
                default -> {
                    MemorySegment dst = source(len, seed * 17 + 3, nativeMemory, arena);
                    h.lastRamAddress = dst.address();
                    trace = h.run(op.method, abs, len, () -> a.copyFromIo(rel, dst));
                    byte[] got = dst.toArray(ValueLayout.JAVA_BYTE);
                    for (int i = 0; i < len; i++) {
                        if (got[i] != before[(int) abs + i]) {
                            throw wrongByte(what, abs, len, abs + i, d -> d >= abs && d < abs + len ? got[(int) (d - abs)] & 0xFF : -1,
                                    d -> d >= 0 && d < before.length ? before[(int) d] & 0xFF : -2, trace, "the buffer");
                        }
                    }
                }
            }
            byte[] after = h.bus.snapshot();
            for (int i = 0; i < after.length; i++) {
                if (after[i] != expected[i]) {
                    if (i < abs || i >= abs + len) {
                        throw ConformanceFailure.of(ConformanceRule.INSIDE_RANGE, what, abs, len,
                                "device byte 0x" + Integer.toHexString(i) + " outside the range changed from "
                                        + String.format("%02x to %02x", before[i], after[i]), "bytes outside the range untouched", trace);
                    }
                    throw wrongByte(what, abs, len, i, d -> d >= 0 && d < after.length ? after[(int) d] & 0xFF : -1,
                            d -> d >= 0 && d < expected.length ? expected[(int) d] & 0xFF : -2, trace, "device memory");
                }
            }
            return trace;
        }
    }

    /**
     * A wrong byte at device offset {@code at}: blamed on byte order when the transaction that
     * moved it carried exactly the expected bytes reversed.
     */
    private static ConformanceFailure wrongByte(String what, long abs, long len, long at, java.util.function.LongUnaryOperator seen,
                                                java.util.function.LongUnaryOperator want, List<TraceEntry> trace, String where) {
        ConformanceRule rule = ConformanceRule.CORRECT_BYTES;
        for (TraceEntry e : trace) {
            if (e.isTransaction() && e.size() > 1 && e.offset() <= at && at < e.end()) {
                boolean reversed = true;
                for (int i = 0; i < e.size() && reversed; i++) {
                    reversed = seen.applyAsLong(e.offset() + i) == want.applyAsLong(e.end() - 1 - i);
                }
                if (reversed) {
                    rule = ConformanceRule.DEVICE_BYTE_ORDER;
                }
                break;
            }
        }
        return ConformanceFailure.of(rule, what, abs, len, String.format("byte %02x in %s for device offset 0x%x", seen.applyAsLong(at), where, at),
                String.format("%02x", want.applyAsLong(at)), trace);
    }

    /** Runs one copy or fill without checking bytes; returns its trace. */
    static List<TraceEntry> runOnly(BackendUnderTest h, IoAccessor a, Operation op, long rel, int len, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            boolean nativeMemory = (seed & 1) == 0;
            MemorySegment buf = source(len, seed, nativeMemory, arena);
            h.lastRamAddress = op == Operation.FILL_IO ? 0 : buf.address();
            return switch (op) {
                case COPY_TO_IO -> h.run(op.method, rel, len, () -> a.copyToIo(buf, rel));
                case COPY_FROM_IO -> h.run(op.method, rel, len, () -> a.copyFromIo(rel, buf));
                case FILL_IO -> h.run(op.method, rel, len, () -> a.fillIo(rel, len, (byte) 0xC3));
            };
        }
    }
}
