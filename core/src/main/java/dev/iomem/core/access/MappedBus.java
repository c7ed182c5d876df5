package dev.iomem.core.access;

import dev.iomem.api.Width;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Set;

/**
 * The native bus of x86-64 and arm64: one little-endian access of the mapped segment per call,
 * issued as one load or store instruction of its width at every execution tier (interpreter, C1
 * and C2).
 *
 * <p>What must never happen on a BAR: plain VarHandle accesses may be merged (C2 MergeStores),
 * eliminated, vectorised or, on aarch64, paired into {@code ldp}/{@code stp}; and
 * {@code MemorySegment.copy/fill/load} go native with unspecified widths.
 *
 * <p>How each host gets one instruction per access, chosen once from this JVM's {@code os.arch}
 * ({@link #FENCED_PLAIN_ACCESSES}), since what breaks it is the host JVM's port, not a backend's
 * rules:
 * <ul>
 *   <li><b>arm64 and other hosts: opaque accesses.</b> They are single-copy atomic and never
 *       merged, split, widened or vectorised. An opaque access ends in
 *       {@code Unsafe.getXxxVolatile}/{@code putXxxVolatile} ({@code jdk/internal/misc/Unsafe.java}:
 *       {@code putIntOpaque} calls {@code putIntVolatile}), one {@code ldar}/{@code stlr} on
 *       aarch64 at every tier.</li>
 *   <li><b>x86-64 hosts: plain accesses of the aligned layout between compiler-only fences</b>
 *       ({@link VarHandle#storeStoreFence()} around a store, {@link VarHandle#loadLoadFence()}
 *       around a load: no instruction on x86, but memory barriers in C2's graph, so the access
 *       cannot be merged with a neighbour, eliminated, forwarded or vectorised). Opaque accesses
 *       are not one plain instruction there: wherever C1 or C2 has not intrinsified
 *       {@code putXxxVolatile} (always in the interpreter) it is {@code Unsafe_PutIntVolatile} in
 *       {@code prims/unsafe.cpp}, a {@code RawAccess<MO_SEQ_CST>::store}, which HotSpot on
 *       linux-x86 implements as {@code OrderAccess::release_store_fence}, an {@code xchg}
 *       ({@code atomic_linux_x86.hpp}, {@code orderAccess_linux_x86.hpp}): a locked
 *       read-modify-write, which a device sees as a read followed by a write (issue 18). And C1
 *       moves a volatile {@code long} through an XMM register ({@code c1_LIRGenerator_x86.cpp},
 *       {@code volatile_field_load}/{@code volatile_field_store}: "transfer the value atomically
 *       by using FP moves"), a {@code vmovsd}, which is SIMD on the BAR. The aligned plain
 *       accesses are {@code Unsafe.getInt}/{@code putInt} (the plain segment VarHandle calls
 *       {@code getIntUnaligned}, which takes {@code getInt} at an aligned address): a C++ plain
 *       access in the interpreter ({@code Unsafe_GetInt}/{@code Unsafe_PutInt}), and one
 *       {@code mov} in C1 and C2.</li>
 * </ul>
 * {@code ExecutedAccessesTest} (arch-x86) checks the instruction each access executes, at each
 * tier.
 *
 * <p><b>Unaligned scalars</b> (x86 allows them on UC memory; FFM refuses opaque accesses at a
 * misaligned address) go to the {@link NativeScalarRoutines} given at construction: one
 * {@code mov} of the width, in machine code, at every tier. Without them an unaligned scalar is
 * one plain access of the unaligned layout fenced on both sides; C2 compiles that to one
 * {@code mov}, but the interpreter and C1 run {@code Unsafe.putIntUnaligned}'s Java code, which
 * splits it into byte or short accesses. Backends whose rules demand natural alignment never
 * reach that path: the accessor rejects the access first.
 */
public final class MappedBus implements IoBus {

    /**
     * Whether aligned accesses are fenced plain accesses rather than opaque ones: true on x86-64
     * hosts, where an opaque store outside the JIT's intrinsics is a locked {@code xchg} and C1
     * moves an opaque {@code long} through an XMM register (see the class documentation). Decided
     * from this JVM's {@code os.arch}, not from a backend's rules: both come from the host JVM's
     * port.
     */
    static final boolean FENCED_PLAIN_ACCESSES = Set.of("amd64", "x86_64").contains(System.getProperty("os.arch", ""));

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
    private final NativeScalarRoutines unalignedScalars;

    /**
     * Creates a bus over a mapped window, whose copies and fills run as Java loops of single
     * accesses and whose unaligned scalars are fenced plain accesses (split in the interpreter
     * and C1; see the class documentation).
     *
     * @param region the mapped window; its segment must be page aligned (any mapping is)
     * @throws NullPointerException if {@code region} is {@code null}
     */
    public MappedBus(MappedRegion region) {
        this(region, null, null);
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
        this(region, routines, null);
    }

    /**
     * Creates a bus over a mapped window with native copy routines and native routines for
     * scalars at unaligned offsets.
     *
     * @param region           the mapped window; its segment must be page aligned (any mapping is)
     * @param routines         the native copy routines, or {@code null} for none
     * @param unalignedScalars the routines for 2-, 4- and 8-byte scalars at unaligned offsets, or
     *                         {@code null} for fenced plain accesses (split below C2)
     * @throws NullPointerException if {@code region} is {@code null}
     */
    public MappedBus(MappedRegion region, NativeCopyRoutines routines, NativeScalarRoutines unalignedScalars) {
        Objects.requireNonNull(region, "region");
        this.segment = region.segment();
        this.readOnly = region.readOnly() || segment.isReadOnly();
        this.routines = routines;
        this.unalignedScalars = unalignedScalars;
    }

    /** {@return the native copy routines given at construction, or {@code null}} */
    NativeCopyRoutines routines() {
        return routines;
    }

    /** {@return the native routines for unaligned scalars given at construction, or {@code null}} */
    NativeScalarRoutines unalignedScalars() {
        return unalignedScalars;
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    @Override
    public long load(long offset, Width width) {
        NativeScalarRoutines r = unalignedScalars;
        if (r != null && (offset & (width.bytes() - 1)) != 0) {
            // The routine checks nothing: FFM's bounds test, done here.
            Objects.checkFromIndexSize(offset, width.bytes(), segment.byteSize());
            return switch (width) {
                case BYTE -> throw new AssertionError("a byte is always aligned");
                case SHORT -> r.load16(segment, offset) & 0xffffL;
                case INT -> r.load32(segment, offset) & 0xffff_ffffL;
                case LONG -> r.load64(segment, offset);
            };
        }
        return load(segment, offset, width);
    }

    @Override
    public void store(long offset, Width width, long value) {
        if (readOnly) {
            throw readOnlyRefusal();
        }
        NativeScalarRoutines r = unalignedScalars;
        if (r != null && (offset & (width.bytes() - 1)) != 0) {
            Objects.checkFromIndexSize(offset, width.bytes(), segment.byteSize());
            switch (width) {
                case BYTE -> throw new AssertionError("a byte is always aligned");
                case SHORT -> r.store16(segment, offset, (short) value);
                case INT -> r.store32(segment, offset, (int) value);
                case LONG -> r.store64(segment, offset, value);
            }
            return;
        }
        store(segment, offset, width, value);
    }

    // Fixed-width paths for the accessor's scalars and Java copy loops, static over the segment
    // so the accessor reaches the mapping in one load (every field is reloaded per access: the
    // accesses are compiler barriers) and without Width (an enum switch reads a $SwitchMap array
    // the JIT cannot fold). The accessor sends unaligned scalars to the instance methods above,
    // which use the native routines; the static paths' unaligned fallback is the fenced plain
    // access, which the copy loops never reach (the plan aligns their device side).

    /** {@return the mapped segment, for the accessor's fixed-width paths} */
    MemorySegment segment() {
        return segment;
    }

    /** {@return whether stores are refused: the region or its segment is read-only} */
    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    // The accessor's fast path: one access of the aligned layout, on an address the caller has
    // checked is aligned (FFM would refuse a misaligned one with an exception): fenced plain
    // accesses on x86-64 hosts, opaque ones elsewhere (FENCED_PLAIN_ACCESSES, a static final the
    // JIT folds).

    /**
     * One relaxed read of {@code bytes} (1, 2, 4 or 8) at an offset aligned to them, exactly as an
     * accessor's relaxed fast path makes it (fenced plain on x86-64 hosts, opaque elsewhere),
     * zero-extended. For register handles bound over {@link RuleDrivenAccessor#relaxedReadWindow()}.
     *
     * @param s      the window
     * @param offset the offset, aligned to {@code bytes} in the address space
     * @param bytes  the width
     * @return the value, zero-extended
     * @throws IllegalStateException if the window's accessor has closed
     */
    public static long relaxedLoad(MemorySegment s, long offset, int bytes) {
        // A 1-, 2- or 4-byte opaque load is one mov at every tier on x86-64 too (the interpreter's
        // Unsafe_GetIntVolatile is a plain load there; only stores become xchg), and unlike the
        // fenced plain load it leaves C2 free to keep the handle's own fields in registers.
        // 8 bytes keep the fenced plain load: C1 moves an opaque long through an XMM register.
        return switch (bytes) {
            case 4 -> (int) INT.getOpaque(s, offset) & 0xffff_ffffL;
            case 1 -> (byte) BYTE.getOpaque(s, offset) & 0xffL;
            case 2 -> (short) SHORT.getOpaque(s, offset) & 0xffffL;
            default -> aligned64(s, offset);
        };
    }

    /**
     * The 32-bit case of {@link #relaxedLoad}: one opaque load at offset 0 of {@code s}.
     *
     * @param s the register's own 4 bytes of a window, aligned
     * @return the value
     * @throws IllegalStateException if the window's accessor has closed
     */
    public static int relaxedLoad32(MemorySegment s) {
        return (int) INT.getOpaque(s, 0L);
    }

    static byte aligned8(MemorySegment s, long offset) {
        if (FENCED_PLAIN_ACCESSES) {
            VarHandle.loadLoadFence();
            byte v = (byte) BYTE.get(s, offset);
            VarHandle.loadLoadFence();
            return v;
        }
        return (byte) BYTE.getOpaque(s, offset);
    }

    static short aligned16(MemorySegment s, long offset) {
        if (FENCED_PLAIN_ACCESSES) {
            VarHandle.loadLoadFence();
            short v = (short) SHORT.get(s, offset);
            VarHandle.loadLoadFence();
            return v;
        }
        return (short) SHORT.getOpaque(s, offset);
    }

    static int aligned32(MemorySegment s, long offset) {
        if (FENCED_PLAIN_ACCESSES) {
            VarHandle.loadLoadFence();
            int v = (int) INT.get(s, offset);
            VarHandle.loadLoadFence();
            return v;
        }
        return (int) INT.getOpaque(s, offset);
    }

    static long aligned64(MemorySegment s, long offset) {
        if (FENCED_PLAIN_ACCESSES) {
            VarHandle.loadLoadFence();
            long v = (long) LONG.get(s, offset);
            VarHandle.loadLoadFence();
            return v;
        }
        return (long) LONG.getOpaque(s, offset);
    }

    static void aligned8(MemorySegment s, long offset, byte value) {
        if (FENCED_PLAIN_ACCESSES) {
            VarHandle.storeStoreFence();
            BYTE.set(s, offset, value);
            VarHandle.storeStoreFence();
        } else {
            BYTE.setOpaque(s, offset, value);
        }
    }

    static void aligned16(MemorySegment s, long offset, short value) {
        if (FENCED_PLAIN_ACCESSES) {
            VarHandle.storeStoreFence();
            SHORT.set(s, offset, value);
            VarHandle.storeStoreFence();
        } else {
            SHORT.setOpaque(s, offset, value);
        }
    }

    static void aligned32(MemorySegment s, long offset, int value) {
        if (FENCED_PLAIN_ACCESSES) {
            VarHandle.storeStoreFence();
            INT.set(s, offset, value);
            VarHandle.storeStoreFence();
        } else {
            INT.setOpaque(s, offset, value);
        }
    }

    static void aligned64(MemorySegment s, long offset, long value) {
        if (FENCED_PLAIN_ACCESSES) {
            VarHandle.storeStoreFence();
            LONG.set(s, offset, value);
            VarHandle.storeStoreFence();
        } else {
            LONG.setOpaque(s, offset, value);
        }
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
        return aligned8(s, offset);
    }

    static short load16(MemorySegment s, long offset) {
        return (offset & 1) == 0 ? aligned16(s, offset) : (short) unaligned(s, offset, Width.SHORT);
    }

    static int load32(MemorySegment s, long offset) {
        return (offset & 3) == 0 ? aligned32(s, offset) : (int) unaligned(s, offset, Width.INT);
    }

    static long load64(MemorySegment s, long offset) {
        return (offset & 7) == 0 ? aligned64(s, offset) : unaligned(s, offset, Width.LONG);
    }

    static void store8(MemorySegment s, long offset, byte value) {
        aligned8(s, offset, value);
    }

    static void store16(MemorySegment s, long offset, short value) {
        if ((offset & 1) == 0) {
            aligned16(s, offset, value);
        } else {
            unaligned(s, offset, Width.SHORT, value);
        }
    }

    static void store32(MemorySegment s, long offset, int value) {
        if ((offset & 3) == 0) {
            aligned32(s, offset, value);
        } else {
            unaligned(s, offset, Width.INT, value);
        }
    }

    static void store64(MemorySegment s, long offset, long value) {
        if ((offset & 7) == 0) {
            aligned64(s, offset, value);
        } else {
            unaligned(s, offset, Width.LONG, value);
        }
    }

    // The fallback for an unaligned scalar without native routines: one plain access of the
    // unaligned layout between compiler-only fences. C2 intrinsifies Unsafe.get/putIntUnaligned
    // to one mov; the interpreter and C1 run its Java code, which splits an unaligned access into
    // byte or short parts (jdk/internal/misc/Unsafe.java: putIntParts, makeInt).

    private static long unaligned(MemorySegment s, long offset, Width width) {
        VarHandle.loadLoadFence();
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
