package dev.iomem.core.vfio;

import dev.iomem.core.linux.ErrnoException;

import java.lang.foreign.MemorySegment;

/**
 * The system calls iomem's VFIO code makes on device files: open, ioctl, pread, pwrite, close.
 * The real one ({@link #system()}) calls {@link dev.iomem.core.linux.Libc}; fast unit tests
 * substitute a mock that checks the exact bytes of every ioctl argument, beside the lab's runs
 * against real VFIO.
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
     * Reads {@code buf.byteSize()} bytes at {@code offset} in exactly one {@code pread}.
     *
     * @param fd     the file descriptor
     * @param buf    where the bytes go
     * @param offset the file offset
     * @return the number of bytes read
     * @throws ErrnoException if pread fails
     */
    long pread(int fd, MemorySegment buf, long offset);

    /**
     * Writes all of {@code buf} at {@code offset} in exactly one {@code pwrite}.
     *
     * @param fd     the file descriptor
     * @param buf    the bytes
     * @param offset the file offset
     * @return the number of bytes written
     * @throws ErrnoException if pwrite fails
     */
    long pwrite(int fd, MemorySegment buf, long offset);

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
