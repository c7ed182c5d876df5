package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.CopyFence;
import dev.iomem.api.Width;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Copies and fills as Java loops of the {@link CopyPlanner} plan, with the fences of the rules'
 * {@link dev.iomem.api.CopyAlgorithm}: what a {@link RuleDrivenAccessor} runs when the bus has
 * no native routines for its rules. Callers have validated everything; offsets here are bus
 * offsets (a fill, which has no RAM side, plans with its device offset as the RAM address). Over a {@link MappedBus}, a body of aligned 4- or 8-byte accesses goes straight to the
 * mapping (the same accesses, without an interface call and a width switch per element).
 */
final class PlannedCopies {

    // RAM side of copies: any alignment, device byte order (PCI is little-endian).
    private static final ValueLayout.OfShort RAM_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt RAM_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong RAM_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final IoBus bus;
    private final AccessRules rules;
    private final Barriers barriers;
    private final int body;
    /** Whether the plan has block stores: each store is then planned alone (no body loop). */
    private final boolean blocks;
    private final boolean fencedAround;
    private final boolean fencedLoads;
    /** The mapping of a writable {@link MappedBus}, else null. */
    private final MemorySegment mapped;
    /** The mapping of any {@link MappedBus}, else null. */
    private final MemorySegment mappedForReads;

    PlannedCopies(IoBus bus, AccessRules rules, Barriers barriers) {
        this.bus = bus;
        this.rules = rules;
        this.barriers = barriers;
        this.body = rules.maxCopyWidth().bytes();
        this.blocks = rules.blockStore().isPresent();
        this.fencedAround = rules.copyAlgorithm().has(CopyFence.AROUND);
        this.fencedLoads = rules.copyAlgorithm().has(CopyFence.AFTER_EACH_LOAD);
        this.mappedForReads = bus instanceof MappedBus m ? m.segment() : null;
        this.mapped = bus instanceof MappedBus m && !m.isReadOnly() ? m.segment() : null;
    }

    /** {@return whether copies and fills of these rules have fences, so native routines may not run them} */
    boolean fenced() {
        return fencedAround || fencedLoads;
    }

    /** The body's accesses run as one loop from here: aligned, full width, no block stores. */
    private boolean bodyStarts(int n, long io) {
        return n == body && (io & (body - 1)) == 0;
    }

    void copyToIo(MemorySegment src, long at, long len) {
        if (len == 0) {
            return;
        }
        if (fencedAround) {
            barriers.beforeCopy();
        }
        long ram = src.address();
        long raw = 0;
        while (raw < len) {
            int n = CopyPlanner.nextAccess(rules, at + raw, ram + raw, len - raw, true);
            if (!blocks && bodyStarts(n, at + raw)) {
                long bodyEnd = raw + ((len - raw) & -(long) n);
                MemorySegment m = mapped;
                if (m != null && n == 4) {
                    for (; raw < bodyEnd; raw += 4) MappedBus.store32(m, at + raw, src.get(RAM_INT, raw));
                    continue;
                }
                if (m != null && n == 8) {
                    for (; raw < bodyEnd; raw += 8) MappedBus.store64(m, at + raw, src.get(RAM_LONG, raw));
                    continue;
                }
                Width width = Width.ofBytes(n);
                for (; raw < bodyEnd; raw += n) bus.store(at + raw, width, ram(src, raw, n));
                continue;
            }
            if (CopyPlanner.isBlock(rules, n)) {
                bus.storeBlock(at + raw, src.asSlice(raw, n));
            } else {
                bus.store(at + raw, Width.ofBytes(n), ram(src, raw, n));
            }
            raw += n;
        }
        if (fencedAround) {
            barriers.afterCopy();
        }
    }

    void copyFromIo(long at, MemorySegment dst, long len) {
        if (len == 0) {
            return;
        }
        if (fencedAround) {
            barriers.beforeCopy();
        }
        long ram = dst.address();
        long raw = 0;
        while (raw < len) {
            int n = CopyPlanner.nextAccess(rules, at + raw, ram + raw, len - raw, false);
            if (!fencedLoads && bodyStarts(n, at + raw)) {
                long bodyEnd = raw + ((len - raw) & -(long) n);
                MemorySegment m = mappedForReads;
                if (m != null && n == 4) {
                    for (; raw < bodyEnd; raw += 4) dst.set(RAM_INT, raw, MappedBus.load32(m, at + raw));
                    continue;
                }
                if (m != null && n == 8) {
                    for (; raw < bodyEnd; raw += 8) dst.set(RAM_LONG, raw, MappedBus.load64(m, at + raw));
                    continue;
                }
                Width width = Width.ofBytes(n);
                for (; raw < bodyEnd; raw += n) putRam(dst, raw, n, bus.load(at + raw, width));
                continue;
            }
            putRam(dst, raw, n, bus.load(at + raw, Width.ofBytes(n)));
            if (fencedLoads) {
                barriers.afterCopyLoad();
            }
            raw += n;
        }
        if (fencedAround) {
            barriers.afterCopy();
        }
    }

    void fillIo(long at, long length, byte value) {
        if (length == 0) {
            return;
        }
        if (fencedAround) {
            barriers.beforeCopy();
        }
        long pattern = (value & 0xffL) * 0x0101_0101_0101_0101L;
        if (blocks) {
            blockFill(at, length, pattern);
        } else {
            long raw = 0;
            while (raw < length) {
                int n = CopyPlanner.nextAccess(rules, at + raw, at + raw, length - raw, true);
                Width width = Width.ofBytes(n);
                long v = pattern & width.mask();
                if (bodyStarts(n, at + raw)) {
                    long bodyEnd = raw + ((length - raw) & -(long) n);
                    MemorySegment m = mapped;
                    if (m != null && n == 4) {
                        for (; raw < bodyEnd; raw += 4) MappedBus.store32(m, at + raw, (int) v);
                        continue;
                    }
                    if (m != null && n == 8) {
                        for (; raw < bodyEnd; raw += 8) MappedBus.store64(m, at + raw, v);
                        continue;
                    }
                    for (; raw < bodyEnd; raw += n) bus.store(at + raw, width, v);
                    continue;
                }
                bus.store(at + raw, width, v);
                raw += n;
            }
        }
        if (fencedAround) {
            barriers.afterCopy();
        }
    }

    // s390x zpci_memset_io: fill a buffer, then copy it with the same plan as a copy.
    private void blockFill(long at, long length, long pattern) {
        try (Arena arena = Arena.ofConfined()) {
            int chunk = rules.blockStore().map(b -> b.maxBytes()).orElse(body);
            MemorySegment buf = arena.allocate(Math.max(chunk, 8), 8);
            for (long i = 0; i < buf.byteSize(); i += 8) {
                buf.set(RAM_LONG, i, pattern);
            }
            long raw = 0;
            while (raw < length) {
                int n = CopyPlanner.nextAccess(rules, at + raw, at + raw, length - raw, true);
                if (CopyPlanner.isBlock(rules, n)) {
                    bus.storeBlock(at + raw, buf.asSlice(0, n));
                } else {
                    bus.store(at + raw, Width.ofBytes(n), pattern & Width.ofBytes(n).mask());
                }
                raw += n;
            }
        }
    }

    private static long ram(MemorySegment src, long raw, int n) {
        return switch (n) {
            case 1 -> src.get(ValueLayout.JAVA_BYTE, raw) & 0xffL;
            case 2 -> src.get(RAM_SHORT, raw) & 0xffffL;
            case 4 -> src.get(RAM_INT, raw) & 0xffff_ffffL;
            case 8 -> src.get(RAM_LONG, raw);
            default -> throw new IllegalStateException("no scalar of " + n + " bytes");
        };
    }

    private static void putRam(MemorySegment dst, long raw, int n, long v) {
        switch (n) {
            case 1 -> dst.set(ValueLayout.JAVA_BYTE, raw, (byte) v);
            case 2 -> dst.set(RAM_SHORT, raw, (short) v);
            case 4 -> dst.set(RAM_INT, raw, (int) v);
            case 8 -> dst.set(RAM_LONG, raw, v);
            default -> throw new IllegalStateException("no scalar of " + n + " bytes");
        }
    }
}
