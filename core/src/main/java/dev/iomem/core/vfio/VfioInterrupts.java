package dev.iomem.core.vfio;

import dev.iomem.core.linux.ErrnoException;
import dev.iomem.core.linux.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Enabled interrupt vectors of one VFIO device at one index (INTx, MSI or MSI-X), each signalled
 * through its own eventfd ({@code VFIO_DEVICE_SET_IRQS} with {@code DATA_EVENTFD | ACTION_TRIGGER}).
 * A vector's eventfd counts the interrupts since it was last read: {@link #await} blocks for
 * one, {@link #poll} takes what has come without blocking.
 *
 * {@snippet :
 * try (VfioInterrupts irqs = device.enableInterrupts(IrqType.MSI, 1)) {
 *     bar.write32(0x08, 5);                                  // start the work
 *     if (!irqs.await(0, Duration.ofSeconds(1))) throw new IllegalStateException("no interrupt");
 * }
 * }
 *
 * <p>Closing disables the vectors ({@code DATA_NONE | ACTION_TRIGGER}, count 0) and closes the
 * eventfds. Not thread-safe, except that different threads may wait on different vectors.
 */
public final class VfioInterrupts implements AutoCloseable {

    private final VfioDevice device;
    private final VfioIrqInfo info;
    private final int[] eventfds;
    private boolean closed;

    private VfioInterrupts(VfioDevice device, VfioIrqInfo info, int[] eventfds) {
        this.device = device;
        this.info = info;
        this.eventfds = eventfds;
    }

    /** Creates the eventfds and enables the vectors; on failure closes them all again. */
    static VfioInterrupts enable(VfioDevice device, IoctlGateway gateway, int deviceFd, VfioIrqInfo info, int count) {
        int[] fds = new int[count];
        java.util.Arrays.fill(fds, -1);
        try {
            for (int i = 0; i < count; i++) {
                fds[i] = Libc.eventfd(Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            }
            try (Arena a = Arena.ofConfined()) {
                int argsz = VfioAbi.IRQ_SET_HEADER_SIZE + 4 * count;
                MemorySegment set = a.allocate(argsz, 8);
                set.set(JAVA_INT_UNALIGNED, 0, argsz);
                set.set(JAVA_INT_UNALIGNED, 4, VfioAbi.IRQ_SET_DATA_EVENTFD | VfioAbi.IRQ_SET_ACTION_TRIGGER);
                set.set(JAVA_INT_UNALIGNED, 8, info.type().index());
                set.set(JAVA_INT_UNALIGNED, 12, 0);
                set.set(JAVA_INT_UNALIGNED, 16, count);
                for (int i = 0; i < count; i++) {
                    set.set(JAVA_INT_UNALIGNED, VfioAbi.IRQ_SET_HEADER_SIZE + 4L * i, fds[i]);
                }
                gateway.ioctl(deviceFd, VfioAbi.DEVICE_SET_IRQS, set);
            }
            return new VfioInterrupts(device, info, fds);
        } catch (RuntimeException e) {
            for (int fd : fds) {
                VfioFiles.closeQuietly(NativeIoctlGateway.INSTANCE, fd, e);
            }
            if (e instanceof ErrnoException errno) {
                throw new VfioException(device.address() + ": cannot enable " + count + " " + info.type() + " vector"
                        + (count == 1 ? "" : "s") + ": " + errno.getMessage(), errno);
            }
            throw e;
        }
    }

    /** {@return the interrupt index these vectors belong to} */
    public IrqType type() {
        return info.type();
    }

    /** {@return how many vectors are enabled} */
    public int count() {
        return eventfds.length;
    }

    /**
     * Waits for an interrupt on {@code vector} and consumes every one that has come.
     *
     * @param vector  the vector, 0 to {@link #count()} - 1
     * @param timeout how long to wait; zero polls
     * @return whether an interrupt came before the timeout
     * @throws IndexOutOfBoundsException if {@code vector} is not an enabled vector
     * @throws IllegalStateException     if these interrupts are closed
     */
    public boolean await(int vector, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        int fd = fd(vector);
        long ms = Math.min(Math.max(timeout.toMillis(), 0), Integer.MAX_VALUE);
        if (!Libc.pollIn(fd, (int) ms)) {
            return false;
        }
        return drain(fd) > 0;
    }

    /**
     * {@return how many interrupts came on {@code vector} since it was last read (0 if none),
     * without blocking}
     *
     * @param vector the vector, 0 to {@link #count()} - 1
     * @throws IndexOutOfBoundsException if {@code vector} is not an enabled vector
     * @throws IllegalStateException     if these interrupts are closed
     */
    public long poll(int vector) {
        return drain(fd(vector));
    }

    /**
     * Masks {@code vector}: the device's interrupt stays pending until {@link #unmask}.
     *
     * @param vector the vector
     * @throws IndexOutOfBoundsException     if {@code vector} is not an enabled vector
     * @throws UnsupportedOperationException if the index is not maskable (vfio-pci masks only
     *                                       INTx); nothing is sent to the kernel
     */
    public void mask(int vector) {
        maskAction(vector, VfioAbi.IRQ_SET_ACTION_MASK);
    }

    /**
     * Unmasks {@code vector}. INTx is masked by the kernel each time it fires (automasked); a
     * driver unmasks it after it has served the device.
     *
     * @param vector the vector
     * @throws IndexOutOfBoundsException     if {@code vector} is not an enabled vector
     * @throws UnsupportedOperationException if the index is not maskable; nothing is sent
     */
    public void unmask(int vector) {
        maskAction(vector, VfioAbi.IRQ_SET_ACTION_UNMASK);
    }

    private void maskAction(int vector, int action) {
        fd(vector);
        if (!info.maskable()) {
            throw new UnsupportedOperationException(device.address() + ": " + info.type() + " vectors cannot be masked"
                    + " through VFIO (VFIO_IRQ_INFO_MASKABLE is not set; vfio-pci masks only INTx)");
        }
        device.setIrqs(VfioAbi.IRQ_SET_DATA_NONE | action, info.type(), vector, 1);
    }

    private int fd(int vector) {
        if (closed) {
            throw new IllegalStateException(device.address() + ": these " + info.type() + " interrupts are closed");
        }
        Objects.checkIndex(vector, eventfds.length);
        return eventfds[vector];
    }

    private static long drain(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment counter = a.allocate(JAVA_LONG);
            Libc.read(fd, counter);
            return counter.get(JAVA_LONG, 0);
        } catch (ErrnoException e) {
            if (e.errno() == ErrnoException.EAGAIN) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Disables the vectors and closes their eventfds. Idempotent.
     *
     * @throws VfioException if the kernel refused to disable them; the eventfds are closed anyway
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            device.setIrqs(VfioAbi.IRQ_SET_DATA_NONE | VfioAbi.IRQ_SET_ACTION_TRIGGER, info.type(), 0, 0);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            device.interruptsClosed(this);
        }
        for (int fd : eventfds) {
            try {
                Libc.close(fd);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
