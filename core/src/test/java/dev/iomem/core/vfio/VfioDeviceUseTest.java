package dev.iomem.core.vfio;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.Width;
import dev.iomem.core.linux.ErrnoException;
import dev.iomem.core.linux.Libc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.iomem.core.vfio.FakeVfioKernel.ADDRESS;
import static dev.iomem.core.vfio.FakeVfioKernel.CONTAINER;
import static dev.iomem.core.vfio.FakeVfioKernel.DEVICE;
import static dev.iomem.core.vfio.FakeVfioKernel.GROUP;
import static dev.iomem.core.vfio.FakeVfioKernel.IOAS_ID;
import static dev.iomem.core.vfio.FakeVfioKernel.ints;
import static dev.iomem.core.vfio.FakeVfioKernel.le;
import static dev.iomem.core.vfio.FakeVfioKernel.regionOffset;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * An opened VFIO device through a mocked gateway: its BARs over the pread/pwrite bus, its config
 * space, interrupts (with real eventfds, which need no device), reset and closing. Each test
 * forgets the opening calls, so that "no call" means none after the device was open.
 */
@DisplayName("Using a VFIO device (mocked ioctls over a fixture sysfs tree)")
class VfioDeviceUseTest {

    /** EFD_CLOEXEC | EFD_NONBLOCK eventfds show as this in /proc/self/fd. */
    private static final String EVENTFD = "anon_inode:[eventfd]";

    @TempDir
    Path dir;
    FakeVfioKernel kernel;
    VfioDevice device;

    @BeforeEach
    void setUp() throws IOException {
        kernel = new FakeVfioKernel(dir);
    }

    @AfterEach
    void tearDown() {
        if (device != null) {
            device.close();
        }
    }

    private VfioDevice open() {
        device = VfioDevice.open(ADDRESS, kernel.options());
        clearInvocations(kernel.gateway);
        kernel.calls.clear();
        return device;
    }

    private static String fdTarget(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (NoSuchFileException e) {
            return "closed";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("BAR index 6 and BARs of size 0 are refused before any call")
    void barRefusals() {
        open();
        assertThatThrownBy(() -> device.bar(6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0000:01:00.0: BAR index 6 is not 0 to 5");
        assertThatThrownBy(() -> device.bar(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> device.bar(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0000:01:00.0 has no BAR 1 (VFIO reports its region empty)");
        assertThatThrownBy(() -> device.bar(5)).isInstanceOf(IllegalArgumentException.class);
        verifyNoInteractions(kernel.gateway);
        assertThat(device.accessors()).isEmpty();
    }

    @Test
    @DisplayName("a BAR the kernel will not map is driven by exactly one pread or pwrite of the access's size at its file offset, little-endian")
    void barOverPread() {
        open();
        IoAccessor bar0 = device.bar(0);
        kernel.preadData.add(new byte[] {0x11, 0x22, 0x33, 0x44});
        assertThat(bar0.read32(0x10)).isEqualTo(0x44332211);
        bar0.write16(0x22, (short) 0xBEEF);
        kernel.preadData.add(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 0x88});
        assertThat(bar0.read64(0x18)).isEqualTo(0x8807060504030201L);
        assertThat(kernel.log()).containsExactly("pread(22, 4, 0x10)", "pwrite(22, 2, 0x22)", "pread(22, 8, 0x18)");
        assertThat(kernel.calls.get(1).in()).containsExactly(0xEF, 0xBE);
        verify(kernel.gateway, never()).ioctl(anyInt(), anyLong(), any());
    }

    @Test
    @DisplayName("a BAR with a sparse mmap maps its areas: where the kernel refuses the mmap, the BAR fails in one line, nothing of it mapped, no pread made")
    void sparseBarMapsItsAreas() {
        open();
        assertThat(device.barIsMapped(2)).isFalse();
        assertThatThrownBy(() -> device.bar(2)).isInstanceOf(VfioException.class).hasMessageContaining("cannot map BAR2 at 0x0");
        assertThat(kernel.log()).isEmpty();
        assertThat(device.accessors()).isEmpty();
    }

    @Test
    @DisplayName("config space is read and written through region 7 with one call per access")
    void configSpace() {
        open();
        kernel.preadData.add(new byte[] {0x02, 0x00}); // command: memory on, bus master off
        assertThat(device.config().enableMemoryAndBusMaster()).isEqualTo(0x6);
        long cfg = regionOffset(7);
        assertThat(kernel.log()).containsExactly("pread(22, 2, 0x" + Long.toHexString(cfg + 4) + ")",
                "pwrite(22, 2, 0x" + Long.toHexString(cfg + 4) + ")");
        assertThat(kernel.calls.get(1).in()).containsExactly(0x06, 0x00);
        assertThatThrownBy(() -> device.config().read(0x1000, Width.BYTE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> device.config().read(0x0, Width.LONG)).isInstanceOf(IllegalArgumentException.class);
        assertThat(kernel.calls).hasSize(2);
    }

    @Test
    @DisplayName("enabling interrupts sends SET_IRQS with argsz 20+4n, DATA_EVENTFD|ACTION_TRIGGER, the index, start 0, the count and one eventfd per vector")
    void setIrqsBytes() {
        open();
        try (VfioInterrupts irqs = device.enableInterrupts(IrqType.MSI, 3)) {
            assertThat(irqs.type()).isEqualTo(IrqType.MSI);
            assertThat(irqs.count()).isEqualTo(3);
            byte[] in = kernel.ioctls(FakeVfioKernel.DEVICE_SET_IRQS).getFirst().in();
            assertThat(in).hasSize(32);
            ByteBuffer b = le(32).put(in).flip();
            assertThat(new int[] {b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt()}).containsExactly(32, 0x24, 1, 0, 3);
            int[] fds = {b.getInt(), b.getInt(), b.getInt()};
            assertThat(fds).doesNotHaveDuplicates();
            for (int fd : fds) {
                assertThat(fdTarget(fd)).as("fd %d", fd).isEqualTo(EVENTFD);
            }
            assertThat(kernel.log()).containsExactly("ioctl(22, VFIO_DEVICE_SET_IRQS)");
        }
    }

    @Test
    @DisplayName("closing interrupts disables the index (DATA_NONE|ACTION_TRIGGER, count 0) and closes the eventfds")
    void interruptsClose() {
        open();
        VfioInterrupts irqs = device.enableInterrupts(IrqType.INTX, 1);
        byte[] enabled = kernel.ioctls(FakeVfioKernel.DEVICE_SET_IRQS).getFirst().in();
        int eventfd = le(24).put(enabled).getInt(20);
        assertThat(java.util.Arrays.copyOf(enabled, 20)).isEqualTo(ints(24, 0x24, 0, 0, 1));
        irqs.close();
        irqs.close(); // idempotent
        List<FakeVfioKernel.Call> sets = kernel.ioctls(FakeVfioKernel.DEVICE_SET_IRQS);
        assertThat(sets).hasSize(2);
        assertThat(sets.get(1).in()).isEqualTo(ints(20, 0x21, 0, 0, 0));
        assertThat(fdTarget(eventfd)).isNotEqualTo(EVENTFD);
        // Another index may now be enabled.
        device.enableInterrupts(IrqType.MSI, 1).close();
    }

    @Test
    @DisplayName("an interrupt written to a vector's eventfd is seen by await and poll, and consumed")
    void eventfdSignals() {
        open();
        try (VfioInterrupts irqs = device.enableInterrupts(IrqType.MSI, 2); Arena a = Arena.ofConfined()) {
            int fd1 = le(28).put(kernel.ioctls(FakeVfioKernel.DEVICE_SET_IRQS).getFirst().in()).getInt(24);
            assertThat(irqs.poll(1)).isZero();
            assertThat(irqs.await(1, Duration.ZERO)).isFalse();
            MemorySegment one = a.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1);
            Libc.write(fd1, one);
            Libc.write(fd1, one);
            assertThat(irqs.await(0, Duration.ZERO)).as("vector 0 was not signalled").isFalse();
            assertThat(irqs.await(1, Duration.ofSeconds(5))).isTrue();
            assertThat(irqs.poll(1)).as("await consumed both").isZero();
            Libc.write(fd1, one);
            assertThat(irqs.poll(1)).isEqualTo(1);
            assertThatThrownBy(() -> irqs.poll(2)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    @DisplayName("an IRQ index the device lacks, a count of 0 and a count above what it offers are refused with no SET_IRQS")
    void interruptRefusals() {
        kernel.irqs.subList(3, 5).clear(); // the device reports INTx, MSI and MSI-X only
        open();
        assertThatThrownBy(() -> device.enableInterrupts(IrqType.ERR, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0000:01:00.0 has no ERR interrupt index (it reports 3 indices)");
        assertThatThrownBy(() -> device.enableInterrupts(IrqType.MSI, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0000:01:00.0 offers 4 MSI vectors; cannot enable 0");
        assertThatThrownBy(() -> device.enableInterrupts(IrqType.MSI, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0000:01:00.0 offers 4 MSI vectors; cannot enable 5");
        assertThatThrownBy(() -> device.enableInterrupts(IrqType.MSIX, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("0000:01:00.0 offers 0 MSIX vectors; cannot enable 1");
        verifyNoInteractions(kernel.gateway);
    }

    @Test
    @DisplayName("a second index cannot be enabled while one is: vfio-pci enables one at a time")
    void oneIndexAtATime() {
        open();
        try (VfioInterrupts ignored = device.enableInterrupts(IrqType.MSI, 1)) {
            assertThatThrownBy(() -> device.enableInterrupts(IrqType.INTX, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("MSI interrupts are enabled");
            assertThat(kernel.ioctls(FakeVfioKernel.DEVICE_SET_IRQS)).hasSize(1);
        }
    }

    @Test
    @DisplayName("masking an MSI vector is refused with no ioctl; INTx is masked and unmasked with DATA_NONE and one vector")
    void masking() {
        open();
        try (VfioInterrupts msi = device.enableInterrupts(IrqType.MSI, 2)) {
            clearInvocations(kernel.gateway);
            assertThatThrownBy(() -> msi.mask(0)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("MSI vectors cannot be masked");
            assertThatThrownBy(() -> msi.unmask(1)).isInstanceOf(UnsupportedOperationException.class);
            verifyNoInteractions(kernel.gateway);
        }
        kernel.calls.clear();
        try (VfioInterrupts intx = device.enableInterrupts(IrqType.INTX, 1)) {
            intx.mask(0);
            intx.unmask(0);
            assertThatThrownBy(() -> intx.mask(1)).isInstanceOf(IndexOutOfBoundsException.class);
            List<FakeVfioKernel.Call> sets = kernel.ioctls(FakeVfioKernel.DEVICE_SET_IRQS);
            assertThat(sets).hasSize(3);
            assertThat(sets.get(1).in()).isEqualTo(ints(20, 0x1 | 0x8, 0, 0, 1));  // DATA_NONE | ACTION_MASK
            assertThat(sets.get(2).in()).isEqualTo(ints(20, 0x1 | 0x10, 0, 0, 1)); // DATA_NONE | ACTION_UNMASK
        }
    }

    @Test
    @DisplayName("a refused SET_IRQS closes the eventfds it made and leaves interrupts off")
    void setIrqsRefused() {
        open();
        kernel.failing.put(FakeVfioKernel.DEVICE_SET_IRQS, ErrnoException.EINVAL);
        assertThatThrownBy(() -> device.enableInterrupts(IrqType.MSI, 2)).isInstanceOf(VfioException.class)
                .hasMessage("0000:01:00.0: cannot enable 2 MSI vectors: ioctl(VFIO_DEVICE_SET_IRQS) failed: EINVAL (22)");
        byte[] in = kernel.ioctls(FakeVfioKernel.DEVICE_SET_IRQS).getFirst().in();
        ByteBuffer b = le(28).put(in);
        assertThat(fdTarget(b.getInt(20))).isNotEqualTo(EVENTFD);
        assertThat(fdTarget(b.getInt(24))).isNotEqualTo(EVENTFD);
        kernel.failing.clear();
        device.enableInterrupts(IrqType.MSI, 1).close();
    }

    @Test
    @DisplayName("reset is refused with no ioctl when the device reports no reset, and sent as VFIO_DEVICE_RESET when it does")
    void reset() {
        kernel.deviceFlags = FakeVfioKernel.DEVICE_PCI_FLAG;
        open();
        assertThat(device.resettable()).isFalse();
        assertThatThrownBy(device::reset).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("VFIO_DEVICE_FLAGS_RESET is not set");
        verifyNoInteractions(kernel.gateway);
        device.close();

        kernel.deviceFlags = FakeVfioKernel.DEVICE_PCI_FLAG | FakeVfioKernel.DEVICE_RESET_FLAG;
        open();
        device.reset();
        assertThat(kernel.log()).containsExactly("ioctl(22, VFIO_DEVICE_RESET, 0)");
        kernel.failing.put(FakeVfioKernel.DEVICE_RESET, ErrnoException.EBUSY);
        assertThatThrownBy(device::reset).isInstanceOf(VfioException.class)
                .hasMessage("0000:01:00.0: VFIO_DEVICE_RESET failed: ioctl(VFIO_DEVICE_RESET) failed: EBUSY (16)");
    }

    @Test
    @DisplayName("closing goes in reverse: interrupts off, accessors closed, the device fd, then the group and the container")
    void closeOrderGroup() {
        open();
        IoAccessor bar0 = device.bar(0);
        VfioInterrupts irqs = device.enableInterrupts(IrqType.MSI, 1);
        int eventfd = le(24).put(kernel.ioctls(FakeVfioKernel.DEVICE_SET_IRQS).getFirst().in()).getInt(20);
        clearInvocations(kernel.gateway);
        kernel.calls.clear();
        device.close();
        device.close(); // idempotent
        InOrder order = inOrder(kernel.gateway);
        order.verify(kernel.gateway).ioctl(eq(DEVICE), eq(FakeVfioKernel.DEVICE_SET_IRQS), any());
        order.verify(kernel.gateway).close(DEVICE);
        order.verify(kernel.gateway).close(GROUP);
        order.verify(kernel.gateway).close(CONTAINER);
        order.verifyNoMoreInteractions();
        assertThat(kernel.log()).containsExactly("ioctl(22, VFIO_DEVICE_SET_IRQS)", "close(22)", "close(21)", "close(20)");
        assertThat(kernel.calls.getFirst().in()).isEqualTo(ints(20, 0x21, 1, 0, 0));
        assertThat(fdTarget(eventfd)).isNotEqualTo(EVENTFD);
        assertThatThrownBy(() -> bar0.read32(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> irqs.poll(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> device.bar(0)).isInstanceOf(IllegalStateException.class);
        verify(kernel.gateway, never()).pread(anyInt(), any(), anyLong());
        device = null;
    }

    @Test
    @DisplayName("closing on the iommufd path closes the device cdev, then destroys the IOAS and closes /dev/iommu")
    void closeOrderIommufd() throws IOException {
        kernel.offerIommufd();
        open();
        device.close();
        assertThat(kernel.log()).containsExactly("close(24)", "ioctl(23, IOMMU_DESTROY)", "close(23)");
        assertThat(kernel.ioctls(FakeVfioKernel.IOMMU_DESTROY).getFirst().in()).isEqualTo(ints(8, IOAS_ID));
        device = null;
    }

    @Test
    @DisplayName("a failed step while closing is reported, and every later step is still done")
    void closeFailure() {
        open();
        org.mockito.Mockito.doThrow(new ErrnoException("close", ErrnoException.EBADF)).when(kernel.gateway).close(DEVICE);
        assertThatThrownBy(device::close).isInstanceOf(VfioException.class)
                .hasMessage("closing 0000:01:00.0: close failed: EBADF (9)");
        verify(kernel.gateway).close(GROUP);
        verify(kernel.gateway).close(CONTAINER);
        device = null;
    }
}
