package dev.iomem.testkit.reference;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.BoundaryCrossingException;
import dev.iomem.api.CopyFence;
import dev.iomem.api.RelaxedOrdering;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.ReadOnlyWindowException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;
import dev.iomem.testkit.sim.AccessKind;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A deliberately plain {@link IoAccessor} that does exactly what the kit expects: it validates
 * everything before any bus traffic (the RAM buffer of a copy included), calls the four ordering
 * hooks around ordered accesses (and around relaxed ones where the rules say they are ordered),
 * and splits copies and fills with the {@link ReferenceCopyModel}, with the fences the rules'
 * copy algorithm declares. It exists so the kit can prove itself
 * on a backend that is correct by construction, and so a plugin author can see, next to their
 * own accessor, what the kit expects. It makes no attempt to be fast; use the rule-driven
 * accessor of {@code dev.iomem.core} in drivers.
 */
public final class ReferenceAccessor implements IoAccessor {

    private final IoBus bus;
    private final AccessRules rules;
    private final Barriers barriers;
    private final long base;
    private final long size;
    private final ReferenceAccessor parent;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Creates an accessor of the whole bus window.
     *
     * @param bus      the bus every access goes to
     * @param rules    the rules to enforce
     * @param barriers the barriers of ordered accesses
     * @throws NullPointerException if an argument is {@code null}
     */
    public ReferenceAccessor(IoBus bus, AccessRules rules, Barriers barriers) {
        this(Objects.requireNonNull(bus, "bus"), Objects.requireNonNull(rules, "rules"),
                Objects.requireNonNull(barriers, "barriers"), 0, bus.size(), null);
    }

    private ReferenceAccessor(IoBus bus, AccessRules rules, Barriers barriers, long base, long size, ReferenceAccessor parent) {
        this.bus = bus;
        this.rules = rules;
        this.barriers = barriers;
        this.base = base;
        this.size = size;
        this.parent = parent;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public MemoryType memoryType() {
        return rules.memoryType();
    }

    @Override
    public AccessRules rules() {
        return rules;
    }

    @Override
    public byte read8(long offset) {
        return (byte) read(offset, Width.BYTE, true);
    }

    @Override
    public short read16(long offset) {
        return (short) read(offset, Width.SHORT, true);
    }

    @Override
    public int read32(long offset) {
        return (int) read(offset, Width.INT, true);
    }

    @Override
    public long read64(long offset) {
        return read(offset, Width.LONG, true);
    }

    @Override
    public void write8(long offset, byte value) {
        write(offset, Width.BYTE, value, true);
    }

    @Override
    public void write16(long offset, short value) {
        write(offset, Width.SHORT, value, true);
    }

    @Override
    public void write32(long offset, int value) {
        write(offset, Width.INT, value, true);
    }

    @Override
    public void write64(long offset, long value) {
        write(offset, Width.LONG, value, true);
    }

    @Override
    public byte read8Relaxed(long offset) {
        return (byte) read(offset, Width.BYTE, false);
    }

    @Override
    public short read16Relaxed(long offset) {
        return (short) read(offset, Width.SHORT, false);
    }

    @Override
    public int read32Relaxed(long offset) {
        return (int) read(offset, Width.INT, false);
    }

    @Override
    public long read64Relaxed(long offset) {
        return read(offset, Width.LONG, false);
    }

    @Override
    public void write8Relaxed(long offset, byte value) {
        write(offset, Width.BYTE, value, false);
    }

    @Override
    public void write16Relaxed(long offset, short value) {
        write(offset, Width.SHORT, value, false);
    }

    @Override
    public void write32Relaxed(long offset, int value) {
        write(offset, Width.INT, value, false);
    }

    @Override
    public void write64Relaxed(long offset, long value) {
        write(offset, Width.LONG, value, false);
    }

    @Override
    public long read(long offset, Width width) {
        return read(offset, Objects.requireNonNull(width, "width"), true);
    }

    @Override
    public void write(long offset, Width width, long value) {
        write(offset, Objects.requireNonNull(width, "width"), value, true);
    }

    @Override
    public void copyFromIo(long ioOffset, MemorySegment dst) {
        Objects.requireNonNull(dst, "dst");
        checkRange("copyFromIo", ioOffset, dst.byteSize());
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("copyFromIo into a read-only segment");
        }
        checkUsable(dst);
        List<PlannedAccess> plan = ReferenceCopyModel.copyFromIo(rules, base + ioOffset, dst.address(), dst.byteSize());
        fence(plan, true);
        for (PlannedAccess a : plan) {
            long v = bus.load(a.offset(), Width.ofBytes(a.size()));
            if (rules.copyAlgorithm().has(CopyFence.AFTER_EACH_LOAD)) {
                barriers.afterCopyLoad();
            }
            long at = a.offset() - base - ioOffset;
            for (int i = 0; i < a.size(); i++) {
                dst.set(ValueLayout.JAVA_BYTE, at + i, (byte) (v >>> (8 * i)));
            }
        }
        fence(plan, false);
    }

    /** The RAM side of a copy must be usable (open, this thread's) before the device is touched. */
    private static void checkUsable(MemorySegment ram) {
        if (ram.byteSize() > 0) {
            ram.get(ValueLayout.JAVA_BYTE, 0);
        }
    }

    /** {@link CopyFence#AROUND}: beforeCopy before, afterCopy after a copy that has accesses. */
    private void fence(List<PlannedAccess> plan, boolean before) {
        if (!plan.isEmpty() && rules.copyAlgorithm().has(CopyFence.AROUND)) {
            if (before) {
                barriers.beforeCopy();
            } else {
                barriers.afterCopy();
            }
        }
    }

    @Override
    public void copyToIo(MemorySegment src, long ioOffset) {
        Objects.requireNonNull(src, "src");
        checkRange("copyToIo", ioOffset, src.byteSize());
        checkWritable("copyToIo", ioOffset, src.byteSize());
        checkUsable(src);
        List<PlannedAccess> plan = ReferenceCopyModel.copyToIo(rules, base + ioOffset, src.address(), src.byteSize());
        fence(plan, true);
        store(plan, base + ioOffset, src);
        fence(plan, false);
    }

    @Override
    public void fillIo(long ioOffset, long length, byte value) {
        checkRange("fillIo", ioOffset, length);
        checkWritable("fillIo", ioOffset, length);
        // A fill is the copy of a filled buffer (zpci_memset_io); one access's worth is enough.
        byte[] pattern = new byte[Math.max(Width.LONG.bytes(), rules.blockStore().map(b -> b.maxBytes()).orElse(0))];
        java.util.Arrays.fill(pattern, value);
        MemorySegment filled = MemorySegment.ofArray(pattern);
        List<PlannedAccess> plan = ReferenceCopyModel.fillIo(rules, base + ioOffset, length);
        fence(plan, true);
        for (PlannedAccess a : plan) {
            issue(a, filled, 0);
        }
        fence(plan, false);
    }

    @Override
    public void flushWrites() {
        checkOpen("flushWrites", 0, 0);
        barriers.flushWrites();
    }

    @Override
    public IoAccessor slice(long offset, long sliceSize) {
        checkRange("slice", offset, sliceSize);
        return new ReferenceAccessor(bus, rules, barriers, base + offset, sliceSize, this);
    }

    @Override
    public boolean isClosed() {
        return closed.get() || (parent != null && parent.isClosed());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && parent == null) {
            bus.close();
        }
    }

    @Override
    public String toString() {
        return "ReferenceAccessor[" + rules.name() + "/" + rules.memoryType() + ", 0x" + Long.toHexString(base) + "+" + size + "]";
    }

    private void store(List<PlannedAccess> plan, long start, MemorySegment src) {
        for (PlannedAccess a : plan) {
            issue(a, src, a.offset() - start);
        }
    }

    private void issue(PlannedAccess a, MemorySegment src, long at) {
        if (a.kind() == AccessKind.STORE_BLOCK) {
            bus.storeBlock(a.offset(), src.asSlice(at, a.size()));
            return;
        }
        long v = 0;
        for (int i = a.size() - 1; i >= 0; i--) {
            v = (v << 8) | (src.get(ValueLayout.JAVA_BYTE, at + i) & 0xFF);
        }
        bus.store(a.offset(), Width.ofBytes(a.size()), v);
    }

    private long read(long offset, Width width, boolean ordered) {
        checkScalar(ordered ? "read" : "relaxed read", offset, width);
        boolean hooks = ordered || rules.relaxedOrdering() == RelaxedOrdering.ORDERED;
        if (hooks) {
            barriers.beforeRead();
        }
        long v = bus.load(base + offset, width);
        if (hooks) {
            barriers.afterRead(v);
        }
        return v;
    }

    private void write(long offset, Width width, long value, boolean ordered) {
        String what = ordered ? "write" : "relaxed write";
        checkScalar(what, offset, width);
        checkWritable(what + width.bits(), offset, width.bytes());
        boolean hooks = ordered || rules.relaxedOrdering() == RelaxedOrdering.ORDERED;
        if (hooks) {
            barriers.beforeWrite();
        }
        bus.store(base + offset, width, value & width.mask());
        if (hooks) {
            barriers.afterWrite();
        }
    }

    /** A window mapped read-only takes no write, before any barrier or transaction. */
    private void checkWritable(String what, long offset, long length) {
        if (bus.isReadOnly()) {
            throw new ReadOnlyWindowException(what, offset, length);
        }
    }

    private void checkScalar(String what, long offset, Width width) {
        checkRange(what + width.bits(), offset, width.bytes());
        if (!rules.allows(width)) {
            throw new WidthNotAllowedException(rules.toString(), offset, width);
        }
        // The device address decides alignment: a slice may start anywhere.
        if (rules.naturalAlignment() && (base + offset) % width.bytes() != 0) {
            throw new MisalignedAccessException(rules.name(), offset, width);
        }
        long b = rules.boundary();
        if (b != 0 && (base + offset) / b != (base + offset + width.bytes() - 1) / b) {
            throw new BoundaryCrossingException(rules.name() + " " + rules.memoryType(), b, offset, width);
        }
    }

    private void checkRange(String what, long offset, long length) {
        checkOpen(what, offset, length);
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new OutOfBoundsAccessException(what, offset, length, size);
        }
    }

    private void checkOpen(String what, long offset, long length) {
        if (isClosed()) {
            throw new AccessorClosedException(what, offset, length);
        }
    }
}
