package dev.iomem.core.dma;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The Linux C library calls iomem's DMA code makes, as FFM downcalls that capture
 * {@code errno} ({@code Linker.Option.captureCallState("errno")}). A failed call throws
 * {@link ErrnoException}. Constants are Linux's for the architectures iomem knows; others are
 * refused when first used rather than guessed.
 */
final class Libc {

    /** PROT_READ | PROT_WRITE. */
    static final int PROT_READ_WRITE = 0x1 | 0x2;
    /** MAP_PRIVATE (asm-generic/mman-common.h; the same on every Linux architecture). */
    static final int MAP_PRIVATE = 0x02;
    /** MAP_ANONYMOUS (0x20 on x86, arm64, s390x, riscv, powerpc). */
    static final int MAP_ANONYMOUS = 0x20;
    /** MAP_POPULATE (asm-generic/mman.h and powerpc). */
    static final int MAP_POPULATE = 0x8000;
    /** MAP_HUGETLB (asm-generic/mman.h and powerpc). */
    static final int MAP_HUGETLB = 0x40000;
    /** MAP_HUGE_2MB: log2(2 MiB) = 21 in the bits at MAP_HUGE_SHIFT 26 (uapi/linux/mman.h). */
    static final int MAP_HUGE_2MB = 21 << 26;
    /** O_RDWR. */
    static final int O_RDWR = 2;
    /** O_CLOEXEC (02000000 on every architecture iomem knows). */
    static final int O_CLOEXEC = 0x80000;
    /** RLIMIT_MEMLOCK (asm-generic/resource.h; powerpc uses the generic numbering). */
    static final int RLIMIT_MEMLOCK = 8;
    /** RLIM_INFINITY. */
    static final long RLIM_INFINITY = -1L;
    private static final int SC_PAGESIZE = 30; // glibc's _SC_PAGESIZE

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle MMAP = handle("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = handle("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MLOCK = handle("mlock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MUNLOCK = handle("munlock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle GETRLIMIT = handle("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SYSCONF = handle("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // open(2) and ioctl(2) are variadic: the third argument is passed as a variadic one.
    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_PTR = handle("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_LONG = handle("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));

    private static final long PAGE_SIZE = sysconf(SC_PAGESIZE);

    private Libc() {
    }

    @SuppressWarnings("restricted") // downcalls are what this class is for; the JVM needs native access
    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = ERRNO_OPTION;
        System.arraycopy(extra, 0, options, 1, extra.length);
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name + "()"));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** {@return the base page size of this machine, from {@code sysconf(_SC_PAGESIZE)}} */
    static long pageSize() {
        return PAGE_SIZE;
    }

    /**
     * Refuses architectures whose {@code mmap} flags iomem does not know (MAP_LOCKED differs on
     * powerpc, mips, sparc, alpha, parisc).
     *
     * @return MAP_LOCKED for this architecture
     * @throws UnsupportedOperationException on an unknown architecture or operating system
     */
    static int mapLocked() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new UnsupportedOperationException("DMA memory needs Linux, this is " + System.getProperty("os.name"));
        }
        return switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64", "aarch64", "s390x", "riscv64" -> 0x2000; // asm-generic/mman.h
            case "ppc64le", "ppc64" -> 0x80;                                  // powerpc/include/uapi/asm/mman.h
            default -> throw new UnsupportedOperationException("iomem does not know the mmap flags of os.arch "
                    + System.getProperty("os.arch") + " (MAP_LOCKED differs between architectures)");
        };
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /**
     * {@return the address of a new mapping}
     *
     * @throws ErrnoException if mmap fails
     */
    static long mmap(long length, int prot, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment r = (MemorySegment) MMAP.invokeExact(st, MemorySegment.NULL, length, prot, flags, -1, 0L);
            if (r.address() == -1L) {
                throw new ErrnoException("mmap", errno(st));
            }
            return r.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @throws ErrnoException if munmap fails */
    static void munmap(long address, long length) {
        intCall(MUNMAP, "munmap", address, length);
    }

    /** @throws ErrnoException if mlock fails */
    static void mlock(long address, long length) {
        intCall(MLOCK, "mlock", address, length);
    }

    /** @throws ErrnoException if munlock fails */
    static void munlock(long address, long length) {
        intCall(MUNLOCK, "munlock", address, length);
    }

    private static void intCall(MethodHandle h, String name, long address, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) h.invokeExact(st, MemorySegment.ofAddress(address), length);
            if (r != 0) {
                throw new ErrnoException(name, errno(st));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@return the soft limit of RLIMIT_MEMLOCK in bytes, {@link #RLIM_INFINITY} for none}
     *
     * @throws ErrnoException if getrlimit fails
     */
    static long memlockLimit() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment rl = a.allocate(JAVA_LONG, 2); // struct rlimit { rlim_t cur, max; }
            int r = (int) GETRLIMIT.invokeExact(st, RLIMIT_MEMLOCK, rl);
            if (r != 0) {
                throw new ErrnoException("getrlimit(RLIMIT_MEMLOCK)", errno(st));
            }
            return rl.getAtIndex(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long sysconf(int name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long r = (long) SYSCONF.invokeExact(st, name);
            if (r <= 0) {
                throw new ErrnoException("sysconf", errno(st));
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@return a new file descriptor}
     *
     * @throws ErrnoException if open fails
     */
    static int open(String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(st, a.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw new ErrnoException("open(" + path + ")", errno(st));
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @throws ErrnoException if close fails */
    static void close(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) CLOSE.invokeExact(st, fd);
            if (r != 0) {
                throw new ErrnoException("close", errno(st));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@return the ioctl's non-negative result}
     *
     * @throws ErrnoException if the ioctl fails
     */
    static int ioctl(int fd, long request, MemorySegment arg, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) IOCTL_PTR.invokeExact(st, fd, request, arg);
            if (r < 0) {
                throw new ErrnoException("ioctl(" + name + ")", errno(st));
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@return the ioctl's non-negative result}
     *
     * @throws ErrnoException if the ioctl fails
     */
    static int ioctl(int fd, long request, long arg, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) IOCTL_LONG.invokeExact(st, fd, request, arg);
            if (r < 0) {
                throw new ErrnoException("ioctl(" + name + ")", errno(st));
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
