package dev.iomem.core.linux;

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
 * iomem's one native layer: every Linux C library call iomem makes (DMA memory, pagemap, VFIO,
 * executable stubs, the s390x system calls), as FFM downcalls that capture {@code errno}
 * ({@code Linker.Option.captureCallState("errno")}). A failed call throws
 * {@link ErrnoException}, named from the one errno table ({@link ErrnoException#name}).
 * Constants are Linux's for the architectures iomem knows; others are refused when first used
 * rather than guessed.
 *
 * <p>Calls that may sleep (ioctl, read, poll, the zPCI system calls) are ordinary downcalls,
 * never critical ones. Needs native access for {@code dev.iomem.core}.
 */
public final class Libc {

    /** PROT_NONE. */
    public static final int PROT_NONE = 0x0;
    /** PROT_READ. */
    public static final int PROT_READ = 0x1;
    /** PROT_WRITE. */
    public static final int PROT_WRITE = 0x2;
    /** PROT_EXEC. */
    public static final int PROT_EXEC = 0x4;
    /** PROT_READ | PROT_WRITE. */
    public static final int PROT_READ_WRITE = PROT_READ | PROT_WRITE;
    /** MAP_SHARED. */
    public static final int MAP_SHARED = 0x01;
    /** MAP_PRIVATE (asm-generic/mman-common.h; the same on every Linux architecture). */
    public static final int MAP_PRIVATE = 0x02;
    /** MAP_ANONYMOUS (0x20 on x86, arm64, s390x, riscv, powerpc). */
    public static final int MAP_ANONYMOUS = 0x20;
    /** MAP_POPULATE (asm-generic/mman.h and powerpc). */
    public static final int MAP_POPULATE = 0x8000;
    /** MAP_HUGETLB (asm-generic/mman.h and powerpc). */
    public static final int MAP_HUGETLB = 0x40000;
    /** MAP_HUGE_2MB: log2(2 MiB) = 21 in the bits at MAP_HUGE_SHIFT 26 (uapi/linux/mman.h). */
    public static final int MAP_HUGE_2MB = 21 << 26;
    /** O_RDWR. */
    public static final int O_RDWR = 2;
    /** O_CLOEXEC (02000000 on every architecture iomem knows). */
    public static final int O_CLOEXEC = 0x80000;
    /** O_RDONLY. */
    public static final int O_RDONLY = 0;
    /** EFD_CLOEXEC (= O_CLOEXEC, include/uapi/linux/eventfd.h). */
    public static final int EFD_CLOEXEC = 0x80000;
    /** EFD_NONBLOCK (= O_NONBLOCK, 04000 on x86, arm64, s390x, riscv). */
    public static final int EFD_NONBLOCK = 0x800;
    /** POLLIN. */
    public static final short POLLIN = 0x1;
    /** RLIMIT_MEMLOCK (asm-generic/resource.h; powerpc uses the generic numbering). */
    public static final int RLIMIT_MEMLOCK = 8;
    /** RLIM_INFINITY. */
    public static final long RLIM_INFINITY = -1L;
    private static final int SC_PAGESIZE = 30; // glibc's _SC_PAGESIZE

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle MMAP = handle("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MPROTECT = handle("mprotect", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PREAD = handle("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = handle("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle EVENTFD = handle("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = handle("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    // long syscall(long number, ...): the arguments after the number are variadic.
    private static final MethodHandle SYSCALL3 = handle("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle GETAUXVAL = LINKER.downcallHandle(LIBC.find("getauxval").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    /** One capture buffer per thread for the calls on fast paths (pread/pwrite, syscall). */
    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));
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
    public static long pageSize() {
        return PAGE_SIZE;
    }

    /**
     * Refuses architectures whose {@code mmap} flags iomem does not know (MAP_LOCKED differs on
     * powerpc, mips, sparc, alpha, parisc).
     *
     * @return MAP_LOCKED for this architecture
     * @throws UnsupportedOperationException on an unknown architecture or operating system
     */
    public static int mapLocked() {
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
    public static long mmap(long length, int prot, int flags) {
        return mmap(length, prot, flags, -1, 0L);
    }

    /**
     * {@return the address of a new mapping of {@code fd} at {@code offset}}
     *
     * @param length the length in bytes
     * @param prot   PROT_ bits
     * @param flags  MAP_ bits
     * @param fd     the file, or -1 for anonymous memory
     * @param offset the offset in the file, a multiple of the page size
     * @throws ErrnoException if mmap fails
     */
    public static long mmap(long length, int prot, int flags, int fd, long offset) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment r = (MemorySegment) MMAP.invokeExact(st, MemorySegment.NULL, length, prot, flags, fd, offset);
            if (r.address() == -1L) {
                throw new ErrnoException("mmap", errno(st));
            }
            return r.address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @throws ErrnoException if munmap fails */
    public static void munmap(long address, long length) {
        intCall(MUNMAP, "munmap", address, length);
    }

    /** @throws ErrnoException if mlock fails */
    public static void mlock(long address, long length) {
        intCall(MLOCK, "mlock", address, length);
    }

    /** @throws ErrnoException if munlock fails */
    public static void munlock(long address, long length) {
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
    public static long memlockLimit() {
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
    public static int open(String path, int flags) {
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
    public static void close(int fd) {
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
    public static int ioctl(int fd, long request, MemorySegment arg, String name) {
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
    public static int ioctl(int fd, long request, long arg, String name) {
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

    /** @throws ErrnoException if mprotect fails */
    public static void mprotect(long address, long length, int prot) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) MPROTECT.invokeExact(st, MemorySegment.ofAddress(address), length, prot);
            if (r != 0) {
                throw new ErrnoException("mprotect", errno(st));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Reads {@code buf.byteSize()} bytes at {@code offset} of {@code fd} in one {@code pread}.
     *
     * @return the number of bytes read (a short read is returned, not retried)
     * @throws ErrnoException if pread fails
     */
    public static long pread(int fd, MemorySegment buf, long offset) {
        MemorySegment st = STATE.get();
        try {
            long r = (long) PREAD.invokeExact(st, fd, buf, buf.byteSize(), offset);
            if (r < 0) {
                throw new ErrnoException("pread", errno(st));
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Writes all of {@code buf} at {@code offset} of {@code fd} in one {@code pwrite}.
     *
     * @return the number of bytes written (a short write is returned, not retried)
     * @throws ErrnoException if pwrite fails
     */
    public static long pwrite(int fd, MemorySegment buf, long offset) {
        MemorySegment st = STATE.get();
        try {
            long r = (long) PWRITE.invokeExact(st, fd, buf, buf.byteSize(), offset);
            if (r < 0) {
                throw new ErrnoException("pwrite", errno(st));
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@return the number of bytes read into {@code buf} by one {@code read}}
     *
     * @throws ErrnoException if read fails (EAGAIN on an empty non-blocking eventfd)
     */
    public static long read(int fd, MemorySegment buf) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long r = (long) READ.invokeExact(st, fd, buf, buf.byteSize());
            if (r < 0) {
                throw new ErrnoException("read", errno(st));
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@return the number of bytes written from {@code buf} by one {@code write}}
     *
     * @throws ErrnoException if write fails
     */
    public static long write(int fd, MemorySegment buf) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            long r = (long) WRITE.invokeExact(st, fd, buf, buf.byteSize());
            if (r < 0) {
                throw new ErrnoException("write", errno(st));
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@return a new eventfd}
     *
     * @param flags EFD_ bits
     * @throws ErrnoException if eventfd fails
     */
    public static int eventfd(int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int fd = (int) EVENTFD.invokeExact(st, 0, flags);
            if (fd < 0) {
                throw new ErrnoException("eventfd", errno(st));
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Waits until {@code fd} is readable.
     *
     * @param fd        the file descriptor
     * @param timeoutMs milliseconds to wait, 0 to poll, negative to wait forever
     * @return whether the descriptor became readable before the timeout
     * @throws ErrnoException if poll fails (EINTR is retried)
     */
    public static boolean pollIn(int fd, int timeoutMs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment pfd = a.allocate(8, 4); // struct pollfd { int fd; short events, revents; }
            while (true) {
                pfd.set(JAVA_INT, 0, fd);
                pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, POLLIN);
                pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 6, (short) 0);
                int r = (int) POLL.invokeExact(st, pfd, 1L, timeoutMs);
                if (r < 0) {
                    if (errno(st) == ErrnoException.EINTR) {
                        continue;
                    }
                    throw new ErrnoException("poll", errno(st));
                }
                return r > 0 && (pfd.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6) & POLLIN) != 0;
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Calls {@code syscall(number, a, buf, length)}: the shape of s390x's
     * {@code s390_pci_mmio_write/read} (352/353).
     *
     * @return the system call's result, or {@code -errno} if it failed
     */
    public static long syscall(long number, long a, MemorySegment buf, long length) {
        MemorySegment st = STATE.get();
        long r;
        try {
            r = (long) SYSCALL3.invokeExact(st, number, a, buf, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        // libc turns a kernel result in -4095..-1 into -1 with errno set.
        return r == -1 ? -errno(st) : r;
    }

    /** {@return {@code getauxval(type)}, 0 if the auxiliary vector has no such entry} */
    public static long getauxval(long type) {
        try {
            return (long) GETAUXVAL.invokeExact(type);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
