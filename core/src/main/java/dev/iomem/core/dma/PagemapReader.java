package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Reads raw entries of a pagemap file: {@code /proc/self/pagemap}, or a file laid out the same
 * way (tests). Entry {@code i} is the 8 bytes at offset {@code 8 * i}, for the virtual page at
 * {@code i * pageSize}, in the CPU's byte order. Decode entries with {@link PagemapEntry}.
 *
 * <p>{@link #readBatched} reads up to {@link #BATCH_PAGES} entries per {@code pread};
 * {@link #readPerPage} reads one entry per {@code pread}, as DPDK, SPDK and ixy do, for
 * comparison. A reader is for one thread.
 */
public final class PagemapReader implements AutoCloseable {

    /** The number of entries one batched read asks for (512 KiB of entries, 256 MiB of 4 KiB pages). */
    public static final int BATCH_PAGES = 65536;

    /** The pagemap of this process. */
    public static final Path SELF = Path.of("/proc/self/pagemap");

    private final FileChannel channel;
    private final Path path;
    private final long pageSize;
    private final Arena arena;
    private final MemorySegment buffer;
    private final ByteBuffer batchView;
    private final ByteBuffer entryView;

    private PagemapReader(FileChannel channel, Path path, long pageSize) {
        this.channel = channel;
        this.path = path;
        this.pageSize = pageSize;
        this.arena = Arena.ofConfined();
        this.buffer = arena.allocate((long) BATCH_PAGES * 8, 8);
        this.batchView = buffer.asByteBuffer();
        this.entryView = buffer.asSlice(0, 8).asByteBuffer();
    }

    /**
     * Opens this process's pagemap.
     *
     * @return the reader
     * @throws IOException if {@code /proc/self/pagemap} cannot be opened
     */
    public static PagemapReader open() throws IOException {
        return open(SELF, Libc.pageSize());
    }

    /**
     * Opens a file laid out like a pagemap.
     *
     * @param file     the file
     * @param pageSize the page size the file's entries describe, a power of two
     * @return the reader
     * @throws NullPointerException     if {@code file} is {@code null}
     * @throws IllegalArgumentException if {@code pageSize} is not a power of two
     * @throws IOException              if the file cannot be opened
     */
    public static PagemapReader open(Path file, long pageSize) throws IOException {
        Objects.requireNonNull(file, "file");
        if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size must be a power of two, got " + pageSize);
        }
        return new PagemapReader(FileChannel.open(file, StandardOpenOption.READ), file, pageSize);
    }

    /** {@return the page size the entries describe} */
    public long pageSize() {
        return pageSize;
    }

    private long offsetOf(long virtualAddress) {
        if ((virtualAddress & (pageSize - 1)) != 0) {
            throw new IllegalArgumentException("virtual address is not page aligned");
        }
        return Long.divideUnsigned(virtualAddress, pageSize) * 8;
    }

    private static void checkRange(long[] dst, int offset, int pages) {
        Objects.requireNonNull(dst, "dst");
        Objects.checkFromIndexSize(offset, pages, dst.length);
    }

    /**
     * Reads the entries of {@code pages} pages from {@code virtualAddress} into
     * {@code dst[offset ..]}, in reads of up to {@link #BATCH_PAGES} entries.
     *
     * @param virtualAddress the first page's virtual address, page aligned
     * @param dst            receives the raw entries
     * @param offset         where in {@code dst} the first entry goes
     * @param pages          the number of pages
     * @throws NullPointerException      if {@code dst} is {@code null}
     * @throws IllegalArgumentException  if {@code virtualAddress} is not page aligned
     * @throws IndexOutOfBoundsException if {@code dst} has no room for {@code pages} entries
     *                                   at {@code offset}, or {@code pages} is negative
     * @throws IOException               if the file cannot be read or ends early
     */
    public void readBatched(long virtualAddress, long[] dst, int offset, int pages) throws IOException {
        checkRange(dst, offset, pages);
        long position = offsetOf(virtualAddress);
        int done = 0;
        while (done < pages) {
            int n = Math.min(BATCH_PAGES, pages - done);
            batchView.clear().limit(n * 8);
            fill(batchView, position + (long) done * 8);
            MemorySegment.copy(buffer, ValueLayout.JAVA_LONG, 0, dst, offset + done, n);
            done += n;
        }
    }

    /**
     * Reads the entries of {@code pages} pages from {@code virtualAddress} into
     * {@code dst[offset ..]}, one 8-byte read per page (deliberately slow: see
     * {@link PagemapReads#PER_PAGE}).
     *
     * @param virtualAddress the first page's virtual address, page aligned
     * @param dst            receives the raw entries
     * @param offset         where in {@code dst} the first entry goes
     * @param pages          the number of pages
     * @throws NullPointerException      if {@code dst} is {@code null}
     * @throws IllegalArgumentException  if {@code virtualAddress} is not page aligned
     * @throws IndexOutOfBoundsException if {@code dst} has no room for {@code pages} entries
     *                                   at {@code offset}, or {@code pages} is negative
     * @throws IOException               if the file cannot be read or ends early
     */
    public void readPerPage(long virtualAddress, long[] dst, int offset, int pages) throws IOException {
        checkRange(dst, offset, pages);
        long position = offsetOf(virtualAddress);
        for (int i = 0; i < pages; i++) {
            entryView.clear();
            fill(entryView, position + (long) i * 8);
            dst[offset + i] = buffer.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    private void fill(ByteBuffer view, long position) throws IOException {
        long p = position;
        while (view.hasRemaining()) {
            int r = channel.read(view, p);
            if (r <= 0) {
                throw new EOFException(path + " ended early, at byte " + p);
            }
            p += r;
        }
    }

    /**
     * Closes the file and frees the read buffer.
     *
     * @throws IOException if closing the file fails
     */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            arena.close();
        }
    }
}
