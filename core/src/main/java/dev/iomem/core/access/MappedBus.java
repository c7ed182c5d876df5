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

    /**
     * Creates a bus over a mapped window.
     *
     * @param region the mapped window; its segment must be page aligned (any mapping is)
     * @throws NullPointerException if {@code region} is {@code null}
     */
    public MappedBus(MappedRegion region) {
        Objects.requireNonNull(region, "region");
        this.segment = region.segment();
        this.readOnly = region.readOnly() || segment.isReadOnly();
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    @Override
    public long load(long offset, Width width) {
        MemorySegment s = segment;
        if ((offset & (width.bytes() - 1)) == 0) {
            return switch (width) {
                case BYTE -> (byte) BYTE.getOpaque(s, offset) & 0xffL;
                case SHORT -> (short) SHORT.getOpaque(s, offset) & 0xffffL;
                case INT -> (int) INT.getOpaque(s, offset) & 0xffff_ffffL;
                case LONG -> (long) LONG.getOpaque(s, offset);
            };
        }
        long v = switch (width) {
            case BYTE -> throw new AssertionError("a byte is always aligned");
            case SHORT -> (short) SHORT_U.get(s, offset) & 0xffffL;
            case INT -> (int) INT_U.get(s, offset) & 0xffff_ffffL;
            case LONG -> (long) LONG_U.get(s, offset);
        };
        VarHandle.loadLoadFence();
        return v;
    }

    @Override
    public void store(long offset, Width width, long value) {
        if (readOnly) {
            throw new IllegalStateException("the window is mapped read-only");
        }
        MemorySegment s = segment;
        if ((offset & (width.bytes() - 1)) == 0) {
            switch (width) {
                case BYTE -> BYTE.setOpaque(s, offset, (byte) value);
                case SHORT -> SHORT.setOpaque(s, offset, (short) value);
                case INT -> INT.setOpaque(s, offset, (int) value);
                case LONG -> LONG.setOpaque(s, offset, value);
            }
            return;
        }
        VarHandle.storeStoreFence();
        switch (width) {
            case BYTE -> throw new AssertionError("a byte is always aligned");
            case SHORT -> SHORT_U.set(s, offset, (short) value);
            case INT -> INT_U.set(s, offset, (int) value);
            case LONG -> LONG_U.set(s, offset, value);
        }
        VarHandle.storeStoreFence();
    }

    /** Does nothing: the mapping belongs to the arena of whoever mapped it. */
    @Override
    public void close() {
    }
}
