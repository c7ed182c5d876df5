package dev.iomem.core.dma;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Hands out I/O virtual address ranges inside the ranges the IOMMU reports, first fit from
 * the lowest address (so that devices with narrow DMA masks find room), and takes them back.
 * Addresses are unsigned; address 0 is never handed out. Thread-safe.
 */
final class IovaAllocator {

    // Free ranges, start -> last (inclusive), ordered as unsigned numbers.
    private final TreeMap<Long, Long> free = new TreeMap<>(Long::compareUnsigned);

    /**
     * Creates an allocator over {@code ranges}, minus the first {@code reservedBottom} bytes of
     * the address space.
     *
     * @throws IllegalArgumentException if the ranges overlap
     */
    IovaAllocator(Collection<IovaRange> ranges, long reservedBottom) {
        for (IovaRange r : ranges) {
            long start = Long.compareUnsigned(r.start(), reservedBottom) < 0 ? reservedBottom : r.start();
            if (Long.compareUnsigned(start, r.last()) > 0) {
                continue;
            }
            insert(start, r.last());
        }
    }

    /**
     * {@return the start of a free range of {@code size} bytes aligned to {@code alignment}
     * whose last byte is at most {@code limit}, now taken; empty if there is none}
     *
     * @param size      the length, positive
     * @param alignment a power of two
     * @param limit     the highest address the range may contain (the DMA mask)
     */
    synchronized OptionalLong allocate(long size, long alignment, long limit) {
        if (size <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("IOVA allocation needs a positive size and a power-of-two alignment");
        }
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long s = e.getKey();
            long l = e.getValue();
            if (Long.compareUnsigned(s, limit) > 0) {
                break;
            }
            long a = (s + alignment - 1) & -alignment;
            if (Long.compareUnsigned(a, s) < 0) {
                break; // aligning wrapped past 2^64
            }
            long last = a + size - 1;
            if (Long.compareUnsigned(last, a) < 0) {
                continue;
            }
            long top = Long.compareUnsigned(l, limit) < 0 ? l : limit;
            if (Long.compareUnsigned(last, top) <= 0) {
                free.remove(s);
                if (a != s) {
                    free.put(s, a - 1);
                }
                if (last != l) {
                    free.put(last + 1, l);
                }
                return OptionalLong.of(a);
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Returns a range handed out by {@link #allocate}.
     *
     * @throws IllegalStateException if part of it is free already
     */
    synchronized void release(long start, long size) {
        insert(start, start + size - 1);
    }

    private void insert(long start, long last) {
        Map.Entry<Long, Long> below = free.floorEntry(start);
        if (below != null && Long.compareUnsigned(below.getValue(), start) >= 0) {
            throw new IllegalStateException("IOVA 0x" + Long.toHexString(start) + " is free already");
        }
        Map.Entry<Long, Long> above = free.ceilingEntry(start);
        if (above != null && Long.compareUnsigned(above.getKey(), last) <= 0) {
            throw new IllegalStateException("IOVA 0x" + Long.toHexString(above.getKey()) + " is free already");
        }
        long s = start;
        long l = last;
        if (below != null && below.getValue() + 1 == start && below.getValue() != -1L) {
            s = below.getKey();
            free.remove(below.getKey());
        }
        if (above != null && last != -1L && above.getKey() == last + 1) {
            l = above.getValue();
            free.remove(above.getKey());
        }
        free.put(s, l);
    }

    /** {@return the number of free bytes, saturated at Long.MAX_VALUE} (for tests and messages) */
    synchronized long freeBytes() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            long n = e.getValue() - e.getKey() + 1;
            if (n <= 0 || sum + n < 0) {
                return Long.MAX_VALUE;
            }
            sum += n;
        }
        return sum;
    }
}
