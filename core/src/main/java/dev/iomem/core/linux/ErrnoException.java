package dev.iomem.core.linux;

/**
 * A C library call that failed, with the {@code errno} it left. Thrown by {@link Libc} and by
 * the gateways over it; callers turn it into an exception that says what to change. Its
 * {@link #name} is iomem's one table of errno names.
 */
public final class ErrnoException extends RuntimeException {

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** I/O error (a zPCI access the platform reported as failed). */
    public static final int EIO = 5;
    /** No such device or address (a zPCI access QEMU refused). */
    public static final int ENXIO = 6;
    /** Bad file descriptor. */
    public static final int EBADF = 9;
    /** Try again (mmap with MAP_LOCKED over RLIMIT_MEMLOCK). */
    public static final int EAGAIN = 11;
    /** Out of memory (mlock over RLIMIT_MEMLOCK, VFIO pinning over it). */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists (an overlapping VFIO mapping). */
    public static final int EEXIST = 17;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Inappropriate ioctl for device. */
    public static final int ENOTTY = 25;
    /** No space left on device (VFIO's dma_entry_limit). */
    public static final int ENOSPC = 28;
    /** Function not implemented (an unknown system call). */
    public static final int ENOSYS = 38;
    /** Message too long (IOMMU_IOAS_IOVA_RANGES wants a longer array). */
    public static final int EMSGSIZE = 90;

    /** The system call or ioctl that failed. */
    private final String call;
    /** The errno value. */
    private final int errno;

    /**
     * Creates the exception.
     *
     * @param call  the call that failed, for example {@code "ioctl(VFIO_IOMMU_MAP_DMA)"}
     * @param errno the {@code errno} it left
     */
    public ErrnoException(String call, int errno) {
        super(call + " failed: " + name(errno));
        this.call = call;
        this.errno = errno;
    }

    /** {@return the call that failed} */
    public String call() {
        return call;
    }

    /** {@return the {@code errno} value} */
    public int errno() {
        return errno;
    }

    /**
     * {@return the symbolic name and number of an {@code errno} value, for example
     * {@code "ENOMEM (12)"}; a value without a name in this table as {@code "errno 99"}}
     *
     * @param errno the value (Linux numbering, the same on every architecture iomem supports)
     */
    public static String name(int errno) {
        String n = switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case 7 -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case 14 -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case 24 -> "EMFILE";
            case ENOTTY -> "ENOTTY";
            case ENOSPC -> "ENOSPC";
            case 34 -> "ERANGE";
            case ENOSYS -> "ENOSYS";
            case 75 -> "EOVERFLOW";
            case EMSGSIZE -> "EMSGSIZE";
            case 95 -> "EOPNOTSUPP";
            case 110 -> "ETIMEDOUT";
            default -> null;
        };
        return n == null ? "errno " + errno : n + " (" + errno + ")";
    }
}
