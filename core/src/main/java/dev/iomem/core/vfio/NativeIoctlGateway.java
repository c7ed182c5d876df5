package dev.iomem.core.vfio;

import dev.iomem.core.linux.Libc;

import java.lang.foreign.MemorySegment;

/** The {@link IoctlGateway} that calls the C library. */
final class NativeIoctlGateway implements IoctlGateway {

    static final NativeIoctlGateway INSTANCE = new NativeIoctlGateway();

    private NativeIoctlGateway() {
    }

    @Override
    public int open(String path) {
        return Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
    }

    @Override
    public int ioctl(int fd, long request, MemorySegment arg) {
        return Libc.ioctl(fd, request, arg, VfioAbi.requestName(request));
    }

    @Override
    public int ioctlWithValue(int fd, long request, long value) {
        return Libc.ioctl(fd, request, value, VfioAbi.requestName(request));
    }

    @Override
    public long pread(int fd, MemorySegment buf, long offset) {
        return Libc.pread(fd, buf, offset);
    }

    @Override
    public long pwrite(int fd, MemorySegment buf, long offset) {
        return Libc.pwrite(fd, buf, offset);
    }

    @Override
    public void close(int fd) {
        Libc.close(fd);
    }
}
