package dev.iomem.core.access;

import dev.iomem.api.Width;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The native bus of x86-64 and arm64: one opaque little-endian VarHandle access of the mapped
 * segment per call.
 *
 * <p>Why opaque: plain VarHandle accesses may be merged (C2 MergeStores) or, on aarch64, paired
 * into {@code ldp}/{@code stp}, and {@code MemorySegment.copy/fill/load} go native with
 * unspecified widths; all of those are illegal on a BAR. Opaque accesses are single-copy atomic,
 * are never merged, split, widened or vectorised, and carry no fence (ordering is the
 * {@link dev.iomem.spi.Barriers}' job).
 *
 * <p>FFM refuses non-plain access modes at a misaligned address, so an unaligned access (x86
 * allows them on UC memory) is one plain access of the unaligned layout, fenced on both sides by
 * compiler-only fences on x86 ({@code loadLoadFence}/{@code storeStoreFence}) so that the JIT
 * cannot merge it with a neighbour. Backends whose rules demand natural alignment never reach
 * that path: the accessor rejects the access first.
 */
public final class MappedBus implements IoBus {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.withOrder(LE).varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.withOrder(LE).varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.withOrder(LE).varHandle();
    private static final VarHandle SHORT_U = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE).varHandle();
    private static final VarHandle INT_U = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE).varHandle();
    private static final VarHandle LONG_U = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE).varHandle();

    private final MemorySegment segment;
    private final boolean readOnly;
    private final NativeCopyRoutines routines;

    /**
     * Creates a bus over a mapped window, whose copies and fills run as Java loops of single
     * accesses.
     *
     * @param region the mapped window; its segment must be page aligned (any mapping is)
     * @throws NullPointerException if {@code region} is {@code null}
     */
    public MappedBus(MappedRegion region) {
        this(region, null);
    }

    /**
     * Creates a bus over a mapped window whose copies and fills may run in native routines: the
     * {@link RuleDrivenAccessor} calls them for windows whose rules they
     * {@linkplain NativeCopyRoutines#issuesPlanOf issue the plan of}, and its Java loops otherwise.
     *
     * @param region   the mapped window; its segment must be page aligned (any mapping is)
     * @param routines the native copy routines, or {@code null} for none
     * @throws NullPointerException if {@code region} is {@code null}
     */
    public MappedBus(MappedRegion region, NativeCopyRoutines routines) {
        Objects.requireNonNull(region, "region");
        this.segment = region.segment();
        this.readOnly = region.readOnly() || segment.isReadOnly();
        this.routines = routines;
    }

    /** {@return the native copy routines given at construction, or {@code null}} */
    NativeCopyRoutines routines() {
        return routines;
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    @Override
    public long load(long offset, Width width) {
        return load(segment, offset, width);
    }

    @Override
    public void store(long offset, Width width, long value) {
        if (readOnly) {
            throw readOnlyRefusal();
        }
        store(segment, offset, width, value);
    }

    // Fixed-width paths for the accessor's scalars, static over the segment so the accessor
    // reaches the mapping in one load (every field is reloaded per access: opaque accesses are
    // compiler barriers) and without Width (an enum switch reads a $SwitchMap array the JIT
    // cannot fold). Unaligned offsets fall back to the fenced plain path of load/store.

    /** {@return the mapped segment, for the accessor's fixed-width paths} */
    MemorySegment segment() {
        return segment;
    }

    /** {@return whether stores are refused: the region or its segment is read-only} */
    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    // The accessor's fast path: one opaque access of the aligned layout, on an address the
    // caller has checked is aligned (FFM would refuse a misaligned one with an exception).

    static byte opaque8(MemorySegment s, long offset) {
        return (byte) BYTE.getOpaque(s, offset);
    }

    static short opaque16(MemorySegment s, long offset) {
        return (short) SHORT.getOpaque(s, offset);
    }

    static int opaque32(MemorySegment s, long offset) {
        return (int) INT.getOpaque(s, offset);
    }

    static long opaque64(MemorySegment s, long offset) {
        return (long) LONG.getOpaque(s, offset);
    }

    static void opaque8(MemorySegment s, long offset, byte value) {
        BYTE.setOpaque(s, offset, value);
    }

    static void opaque16(MemorySegment s, long offset, short value) {
        SHORT.setOpaque(s, offset, value);
    }

    static void opaque32(MemorySegment s, long offset, int value) {
        INT.setOpaque(s, offset, value);
    }

    static void opaque64(MemorySegment s, long offset, long value) {
        LONG.setOpaque(s, offset, value);
    }

    /** {@return one access of {@code width} at {@code offset}, zero-extended} */
    static long load(MemorySegment s, long offset, Width width) {
        return switch (width) {
            case BYTE -> load8(s, offset) & 0xffL;
            case SHORT -> load16(s, offset) & 0xffffL;
            case INT -> load32(s, offset) & 0xffff_ffffL;
            case LONG -> load64(s, offset);
        };
    }

    /** Stores the low {@code width} bytes of {@code value} at {@code offset} in one access. */
    static void store(MemorySegment s, long offset, Width width, long value) {
        switch (width) {
            case BYTE -> store8(s, offset, (byte) value);
            case SHORT -> store16(s, offset, (short) value);
            case INT -> store32(s, offset, (int) value);
            case LONG -> store64(s, offset, value);
        }
    }

    static byte load8(MemorySegment s, long offset) {
        return (byte) BYTE.getOpaque(s, offset);
    }

    static short load16(MemorySegment s, long offset) {
        return (offset & 1) == 0 ? (short) SHORT.getOpaque(s, offset) : (short) unaligned(s, offset, Width.SHORT);
    }

    static int load32(MemorySegment s, long offset) {
        return (offset & 3) == 0 ? (int) INT.getOpaque(s, offset) : (int) unaligned(s, offset, Width.INT);
    }

    static long load64(MemorySegment s, long offset) {
        return (offset & 7) == 0 ? (long) LONG.getOpaque(s, offset) : unaligned(s, offset, Width.LONG);
    }

    static void store8(MemorySegment s, long offset, byte value) {
        BYTE.setOpaque(s, offset, value);
    }

    static void store16(MemorySegment s, long offset, short value) {
        if ((offset & 1) == 0) {
            SHORT.setOpaque(s, offset, value);
        } else {
            unaligned(s, offset, Width.SHORT, value);
        }
    }

    static void store32(MemorySegment s, long offset, int value) {
        if ((offset & 3) == 0) {
            INT.setOpaque(s, offset, value);
        } else {
            unaligned(s, offset, Width.INT, value);
        }
    }

    static void store64(MemorySegment s, long offset, long value) {
        if ((offset & 7) == 0) {
            LONG.setOpaque(s, offset, value);
        } else {
            unaligned(s, offset, Width.LONG, value);
        }
    }

    private static long unaligned(MemorySegment s, long offset, Width width) {
        long v = switch (width) {
            case BYTE -> throw new AssertionError("a byte is always aligned");
            case SHORT -> (short) SHORT_U.get(s, offset) & 0xffffL;
            case INT -> (int) INT_U.get(s, offset) & 0xffff_ffffL;
            case LONG -> (long) LONG_U.get(s, offset);
        };
        VarHandle.loadLoadFence();
        return v;
    }

    private static void unaligned(MemorySegment s, long offset, Width width, long value) {
        VarHandle.storeStoreFence();
        switch (width) {
            case BYTE -> throw new AssertionError("a byte is always aligned");
            case SHORT -> SHORT_U.set(s, offset, (short) value);
            case INT -> INT_U.set(s, offset, (int) value);
            case LONG -> LONG_U.set(s, offset, value);
        }
        VarHandle.storeStoreFence();
    }

    static IllegalStateException readOnlyRefusal() {
        return new IllegalStateException("the window is mapped read-only");
    }

    /** Does nothing: the mapping belongs to the arena of whoever mapped it. */
    @Override
    public void close() {
    }
}
