package dev.iomem.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.core.access.FixedWidthCalls;
import dev.iomem.core.access.MappedBus;
import dev.iomem.core.access.RuleDrivenAccessor;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.MappedRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fuzzes the scalar paths over a {@link MappedBus} (the per-width window fast path and its
 * slow path) with random rules, slices, closes and accesses, against a model of the rules: each
 * access either round-trips in little-endian at the device address, or throws the exception of
 * the first rule it breaks (closed, bounds, width, alignment, read-only) with the memory
 * unchanged.
 */
class MappedScalarFuzzTest {

    private static final AccessRules X86 = AccessRules.builder("x86_64", MemoryType.DEVICE).naturalAlignment(false)
            .copy(CopyAlgorithm.X86).build();
    private static final AccessRules ALIGNED = AccessRules.builder("aarch64", MemoryType.DEVICE).naturalAlignment(true)
            .copy(CopyAlgorithm.GENERIC).build();
    private static final List<AccessRules> RULES = List.of(X86, ALIGNED,
            X86.withQuirk(DeviceQuirk.forbidWidths("no-64-bit", Width.LONG)),
            ALIGNED.withQuirk(DeviceQuirk.forbidWidths("no-8-bit", Width.BYTE)));
    private static final int SIZE = 128;

    @FuzzTest(maxDuration = "10s")
    void scalarsMatchTheRules(FuzzedDataProvider data) {
        AccessRules rules = data.pickValue(RULES);
        boolean readOnly = data.consumeBoolean();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(SIZE, 4096);
            IoAccessor root = RuleDrivenAccessor.over(new MappedBus(new MappedRegion(mem, MemoryType.DEVICE, "fuzz", readOnly)),
                    rules, Barriers.none());
            IoAccessor io = root;
            long base = 0;
            long size = SIZE;
            if (data.consumeBoolean()) {
                base = data.consumeLong(0, SIZE);
                size = data.consumeLong(0, SIZE - base);
                io = root.slice(base, size);
            }
            boolean rootClosed = false;
            boolean ioClosed = false;
            int ops = data.consumeInt(1, 32);
            for (int i = 0; i < ops && data.remainingBytes() > 0; i++) {
                int kind = data.consumeInt(0, 15);
                if (kind == 0) {
                    root.close();
                    rootClosed = true;
                    continue;
                }
                if (kind == 1) {
                    io.close();
                    ioClosed = true;
                    continue;
                }
                Width w = data.pickValue(Width.values());
                boolean write = data.consumeBoolean();
                boolean ordered = data.consumeBoolean();
                long offset = switch (data.consumeInt(0, 7)) {
                    case 0 -> data.consumeLong();
                    case 1 -> Long.MAX_VALUE - data.consumeInt(0, 8);
                    default -> data.consumeLong(-9, size + 9);
                };
                long value = data.consumeLong();
                Class<? extends RuntimeException> expected = expected(rules, rootClosed || ioClosed, readOnly && write, base, size, offset, w);
                String what = rules.name() + (readOnly ? " read-only" : "") + " window " + base + "+" + size + " "
                        + (write ? "write" : "read") + w.bits() + (ordered ? "" : "Relaxed") + " at " + offset;
                byte[] before = mem.toArray(ValueLayout.JAVA_BYTE);
                IoAccessor a = io;
                if (expected != null) {
                    assertThatThrownBy(() -> FixedWidthCalls.call(a, w, write, ordered, offset, value)).as(what).isExactlyInstanceOf(expected);
                    assertThat(mem.toArray(ValueLayout.JAVA_BYTE)).as(what + ": memory changed").isEqualTo(before);
                    continue;
                }
                long at = base + offset;
                if (write) {
                    FixedWidthCalls.call(a, w, true, ordered, offset, value);
                    for (int b = 0; b < SIZE; b++) {
                        byte want = b >= at && b < at + w.bytes() ? (byte) (value >>> (8 * (b - at))) : before[b];
                        assertThat(mem.get(ValueLayout.JAVA_BYTE, b)).as(what + ": byte " + b).isEqualTo(want);
                    }
                } else {
                    long want = 0;
                    for (int b = w.bytes() - 1; b >= 0; b--) {
                        want = (want << 8) | (before[(int) at + b] & 0xffL);
                    }
                    assertThat(FixedWidthCalls.call(a, w, false, ordered, offset, 0)).as(what).isEqualTo(want);
                }
            }
            root.close();
        }
    }

    /** The exception of the first rule broken, in the accessor's order, or null. */
    private static Class<? extends RuntimeException> expected(AccessRules rules, boolean closed, boolean readOnlyWrite,
                                                              long base, long size, long offset, Width w) {
        int n = w.bytes();
        if (closed) {
            return AccessorClosedException.class;
        }
        if (offset < 0 || offset > size - n) {
            return OutOfBoundsAccessException.class;
        }
        if (!rules.allows(w)) {
            return WidthNotAllowedException.class;
        }
        if (rules.naturalAlignment() && ((base + offset) & (n - 1)) != 0) {
            return MisalignedAccessException.class;
        }
        return readOnlyWrite ? IllegalStateException.class : null;
    }
}
