package dev.iomem.testkit.sim;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The bytes behind a {@link SimulatedBus}: one array ({@link Dense}), or pages allocated on first
 * write ({@link Sparse}), so that a window of several GiB costs only the pages a check touches.
 * Not thread-safe: the bus synchronizes.
 */
abstract sealed class DeviceMemory permits DeviceMemory.Dense, DeviceMemory.Sparse {

    /** The page size of a sparse memory, and of {@link #pages()}. */
    static final int PAGE = 4096;

    final long size;

    DeviceMemory(long size) {
        this.size = size;
    }

    abstract byte get(long at);

    abstract void set(long at, byte b);

    /** Copies {@code [at, at + n)} out; the range is inside the window. */
    byte[] read(long at, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = get(at + i);
        }
        return out;
    }

    /** Copies {@code bytes} in at {@code at}; the range is inside the window. */
    void write(long at, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            set(at + i, bytes[i]);
        }
    }

    /** {@return the whole memory as one array} @throws UnsupportedOperationException if it does not fit in one */
    abstract byte[] snapshot();

    /** {@return copies of the pages that may hold a non-zero byte, keyed by their offset; every other page is zero} */
    abstract SortedMap<Long, byte[]> pages();

    /** One array. */
    static final class Dense extends DeviceMemory {
        private final byte[] bytes;

        Dense(long size) {
            super(size);
            this.bytes = new byte[Math.toIntExact(size)];
        }

        @Override
        byte get(long at) {
            return bytes[(int) at];
        }

        @Override
        void set(long at, byte b) {
            bytes[(int) at] = b;
        }

        @Override
        byte[] read(long at, int n) {
            return Arrays.copyOfRange(bytes, (int) at, (int) at + n);
        }

        @Override
        void write(long at, byte[] src) {
            System.arraycopy(src, 0, bytes, (int) at, src.length);
        }

        @Override
        byte[] snapshot() {
            return bytes.clone();
        }

        @Override
        SortedMap<Long, byte[]> pages() {
            SortedMap<Long, byte[]> out = new TreeMap<>();
            for (long p = 0; p < size; p += PAGE) {
                out.put(p, Arrays.copyOfRange(bytes, (int) p, (int) Math.min(size, p + PAGE)));
            }
            return out;
        }
    }

    /** Pages of {@link #PAGE} bytes, allocated on the first write to them; unwritten pages read as zero. */
    static final class Sparse extends DeviceMemory {
        private final Map<Long, byte[]> pages = new HashMap<>();

        Sparse(long size) {
            super(size);
        }

        @Override
        byte get(long at) {
            byte[] p = pages.get(at / PAGE);
            return p == null ? 0 : p[(int) (at % PAGE)];
        }

        @Override
        void set(long at, byte b) {
            byte[] p = pages.get(at / PAGE);
            if (p == null) {
                if (b == 0) {
                    return;
                }
                p = new byte[PAGE];
                pages.put(at / PAGE, p);
            }
            p[(int) (at % PAGE)] = b;
        }

        @Override
        byte[] snapshot() {
            if (size > SimulatedBus.MAX_SIZE) {
                throw new UnsupportedOperationException("a sparse window of " + size + " bytes does not fit in one array: use snapshotPages()");
            }
            byte[] out = new byte[(int) size];
            pages.forEach((p, b) -> System.arraycopy(b, 0, out, (int) (p * PAGE), (int) Math.min(PAGE, size - p * PAGE)));
            return out;
        }

        @Override
        SortedMap<Long, byte[]> pages() {
            SortedMap<Long, byte[]> out = new TreeMap<>();
            pages.forEach((p, b) -> out.put(p * PAGE, Arrays.copyOf(b, (int) Math.min(PAGE, size - p * PAGE))));
            return out;
        }

        /** {@return how many pages are allocated} */
        int allocatedPages() {
            return pages.size();
        }
    }
}
