package dev.iomem.core.dma;

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
    public void close(int fd) {
        Libc.close(fd);
    }
}
