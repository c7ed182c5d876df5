package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;
import dev.iomem.core.linux.ErrnoException;

import dev.iomem.api.dma.DmaMappingException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Allocates memory for DMA: an anonymous private mapping made with
 * {@code mmap(MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED)} through an FFM
 * downcall, backed by 2 MiB hugepages ({@code MAP_HUGETLB | MAP_HUGE_2MB}) when asked and
 * available. The pages are present and locked before the buffer is returned; the mapping is
 * removed ({@code munmap}) when the arena closes.
 *
 * <p>MAP_LOCKED alone does not promise that every page was locked (mmap(2): "failure to
 * populate the mapping ... does not cause mmap to fail"), so the range is also {@code mlock}ed:
 * an allocation either is fully locked or fails with nothing left mapped.
 */
public final class DmaBuffers {

    /** The hugepage size iomem uses. */
    public static final long HUGE_PAGE_SIZE = 2L << 20;

    private static final Path FREE_HUGEPAGES = Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");

    private DmaBuffers() {
    }

    /**
     * Allocates {@code size} bytes of locked, populated memory, with 2 MiB hugepages if the pool
     * has enough free ones and base pages otherwise.
     *
     * @param arena the arena whose closing unmaps the memory
     * @param size  the number of bytes; the mapping is rounded up to whole pages
     * @return the buffer
     * @throws NullPointerException     if {@code arena} is {@code null}
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws IllegalStateException    if {@code arena} is closed
     * @throws DmaMappingException      if the memory cannot be locked (RLIMIT_MEMLOCK) or mapped;
     *                                  the message says what to change, and nothing is left
     *                                  mapped
     * @throws UnsupportedOperationException if this is not Linux on an architecture whose mmap
     *                                  flags iomem knows
     */
    public static DmaBuffer allocate(Arena arena, long size) {
        return allocate(arena, size, HugePagePolicy.PREFER);
    }

    /**
     * Allocates {@code size} bytes of locked, populated memory.
     *
     * @param arena  the arena whose closing unmaps the memory
     * @param size   the number of bytes; the mapping is rounded up to whole pages
     * @param policy whether to use 2 MiB hugepages
     * @return the buffer
     * @throws NullPointerException     if {@code arena} or {@code policy} is {@code null}
     * @throws IllegalArgumentException if {@code size} is not positive
     * @throws IllegalStateException    if {@code arena} is closed
     * @throws DmaMappingException      if the memory cannot be locked (RLIMIT_MEMLOCK), the
     *                                  policy is {@link HugePagePolicy#REQUIRE} and the hugepage
     *                                  pool is short, or the memory cannot be mapped; the message
     *                                  says what to change, and nothing is left mapped
     * @throws UnsupportedOperationException if this is not Linux on an architecture whose mmap
     *                                  flags iomem knows
     */
    public static DmaBuffer allocate(Arena arena, long size, HugePagePolicy policy) {
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(policy, "hugepage policy");
        if (size <= 0) {
            throw new IllegalArgumentException("DMA buffer size must be positive, got " + size);
        }
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("the arena is closed");
        }
        int locked = Libc.mapLocked();
        int flags = Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS | Libc.MAP_POPULATE | locked;
        if (policy != HugePagePolicy.NEVER) {
            long hugeLength = roundUp(size, HUGE_PAGE_SIZE);
            long free = freeHugePages();
            boolean enough = free < 0 || free * HUGE_PAGE_SIZE >= hugeLength;
            if (enough || policy == HugePagePolicy.REQUIRE) {
                try {
                    return map(arena, size, hugeLength, HUGE_PAGE_SIZE, flags | Libc.MAP_HUGETLB | Libc.MAP_HUGE_2MB);
                } catch (ErrnoException e) {
                    if (policy == HugePagePolicy.REQUIRE || !isShortage(e)) {
                        throw failure(e, size, true);
                    }
                    // PREFER: the pool was short after all; fall back to base pages.
                }
            }
        }
        long pageLength = roundUp(size, Libc.pageSize());
        try {
            return map(arena, size, pageLength, Libc.pageSize(), flags);
        } catch (ErrnoException e) {
            throw failure(e, size, false);
        }
    }

    private static boolean isShortage(ErrnoException e) {
        return e.errno() == ErrnoException.ENOMEM || e.errno() == ErrnoException.EINVAL;
    }

    @SuppressWarnings("restricted") // the segment of a mapping iomem just made, sized to it
    private static DmaBuffer map(Arena arena, long size, long length, long pageSize, int flags) {
        if (length < size) {
            throw new IllegalArgumentException("DMA buffer size " + size + " is too large");
        }
        long address = Libc.mmap(length, Libc.PROT_READ_WRITE, flags);
        LockedRanges.Hold hold = null;
        try {
            Libc.mlock(address, length);
            hold = LockedRanges.alreadyLocked(address, length);
            LockedRanges.Hold h = hold;
            MemorySegment memory = MemorySegment.ofAddress(address).reinterpret(size, arena, ignored -> {
                h.release();
                try {
                    Libc.munmap(address, length);
                } catch (ErrnoException e) {
                    // Nothing to do in a cleanup action: the range was valid when mapped.
                }
            });
            return new DmaBuffer(memory, pageSize);
        } catch (RuntimeException | Error e) {
            if (hold != null) {
                hold.release();
            }
            try {
                Libc.munmap(address, length);
            } catch (ErrnoException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static DmaMappingException failure(ErrnoException e, long size, boolean huge) {
        int errno = e.errno();
        if (huge && (errno == ErrnoException.ENOMEM || errno == ErrnoException.EINVAL)) {
            long free = freeHugePages();
            long needed = roundUp(size, HUGE_PAGE_SIZE) / HUGE_PAGE_SIZE;
            return new DmaMappingException("cannot allocate " + SizeText.of(size) + " of DMA memory in 2 MiB hugepages: "
                    + "it needs " + needed + " free hugepages and " + FREE_HUGEPAGES + " says "
                    + (free < 0 ? "nothing (no 2 MiB hugepage support)" : String.valueOf(free))
                    + " (" + e.getMessage() + "); reserve more with 'sysctl vm.nr_hugepages=N' or hugepages=N on the"
                    + " kernel command line, or allocate without hugepages", e);
        }
        if (errno == ErrnoException.EAGAIN || errno == ErrnoException.EPERM
                || (errno == ErrnoException.ENOMEM && overMemlockLimit(size))) {
            return memlockFailure("cannot lock " + SizeText.of(size) + " of DMA memory", e);
        }
        if (errno == ErrnoException.ENOMEM) {
            return new DmaMappingException("cannot allocate " + SizeText.of(size) + " of locked DMA memory: the system is out"
                    + " of memory (" + e.getMessage() + "); free memory or ask for less", e);
        }
        return new DmaMappingException("cannot map " + SizeText.of(size) + " of DMA memory: " + e.getMessage(), e);
    }

    /**
     * {@return an exception for a failed lock that names RLIMIT_MEMLOCK and how to raise it}
     *
     * @param what what failed, for example {@code "cannot lock 64 MiB of DMA memory"}
     * @param e    the failed call
     */
    static DmaMappingException memlockFailure(String what, ErrnoException e) {
        String limit;
        try {
            limit = SizeText.of(Libc.memlockLimit());
        } catch (RuntimeException unknown) {
            limit = "unknown";
        }
        String lockedNow;
        try {
            lockedNow = SizeText.of(ProcSelfStatus.lockedBytes());
        } catch (RuntimeException unknown) {
            lockedNow = "unknown";
        }
        return new DmaMappingException(what + " (" + e.getMessage() + "): RLIMIT_MEMLOCK is " + limit + " (" + lockedNow
                + " locked already); raise the limit (ulimit -l, LimitMEMLOCK= for a systemd service, memlock in"
                + " /etc/security/limits.conf) or run with the CAP_IPC_LOCK privilege", e);
    }

    /**
     * {@return whether locking {@code size} more bytes would pass RLIMIT_MEMLOCK, which binds
     * only without CAP_IPC_LOCK}
     */
    static boolean overMemlockLimit(long size) {
        if (ProcSelfStatus.hasEffective(ProcSelfStatus.CAP_IPC_LOCK)) {
            return false;
        }
        try {
            long limit = Libc.memlockLimit();
            return limit != Libc.RLIM_INFINITY && ProcSelfStatus.lockedBytes() + size > limit;
        } catch (RuntimeException unknown) {
            return true;
        }
    }

    /** {@return the free 2 MiB hugepages, or -1 if the kernel does not say} */
    static long freeHugePages() {
        try {
            return Long.parseLong(Files.readString(FREE_HUGEPAGES).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static long roundUp(long size, long unit) {
        long r = (size + unit - 1) & -unit;
        return r <= 0 ? Long.MAX_VALUE & -unit : r;
    }
}
