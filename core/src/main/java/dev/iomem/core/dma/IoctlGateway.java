package dev.iomem.core.dma;

import java.lang.foreign.MemorySegment;

/**
 * The system calls {@link VfioDmaMapper} makes on device files: open, ioctl, close. The real
 * one ({@link #system()}) calls the C library through FFM downcalls (ioctl is variadic) and
 * captures {@code errno}; tests substitute a mock that checks the exact bytes of every ioctl
 * argument, because this machine has no VFIO.
 */
public interface IoctlGateway {

    /**
     * Opens a device file for reading and writing ({@code O_RDWR | O_CLOEXEC}).
     *
     * @param path the file
     * @return the file descriptor
     * @throws ErrnoException if open fails
     */
    int open(String path);

    /**
     * Calls {@code ioctl(fd, request, arg)} with a pointer argument.
     *
     * @param fd      the file descriptor
     * @param request the request number
     * @param arg     the argument structure, read and written by the kernel
     * @return the non-negative result
     * @throws ErrnoException if the ioctl fails
     */
    int ioctl(int fd, long request, MemorySegment arg);

    /**
     * Calls {@code ioctl(fd, request, value)} with an integer argument (or none: pass 0).
     *
     * @param fd      the file descriptor
     * @param request the request number
     * @param value   the argument
     * @return the non-negative result
     * @throws ErrnoException if the ioctl fails
     */
    int ioctlWithValue(int fd, long request, long value);

    /**
     * Closes a file descriptor.
     *
     * @param fd the file descriptor
     * @throws ErrnoException if close fails
     */
    void close(int fd);

    /** {@return the gateway that makes the real system calls} */
    static IoctlGateway system() {
        return NativeIoctlGateway.INSTANCE;
    }
}
