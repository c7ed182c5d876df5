package dev.iomem.core.vfio;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.fixtures.FixtureBackend;
import dev.iomem.core.linux.ErrnoException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

/**
 * A fixture sysfs tree and {@code /dev} under a temporary directory, and a mocked
 * {@link IoctlGateway} that answers as vfio-pci and iommufd would for one function. Every call
 * is logged in order, with the bytes of each ioctl argument as it arrived (before the "kernel"
 * wrote to it). The request numbers are written out here ({@code _IO(';', n)} on x86-64, arm64,
 * s390x), not taken from {@link VfioAbi}, so that the tests pin the ABI down independently.
 */
final class FakeVfioKernel {

    static final PciAddress ADDRESS = PciAddress.parse("0000:01:00.0");
    static final int IOMMU_GROUP = 7;

    // File descriptors the mocked open() and VFIO_GROUP_GET_DEVICE_FD hand out.
    static final int CONTAINER = 20;
    static final int GROUP = 21;
    static final int DEVICE = 22;
    static final int IOMMUFD = 23;
    static final int CDEV = 24;
    static final int IOAS_ID = 5;

    // include/uapi/linux/vfio.h: _IO(VFIO_TYPE = ';', VFIO_BASE = 100 + n)
    static final long GET_API_VERSION = 0x3B64;
    static final long CHECK_EXTENSION = 0x3B65;
    static final long SET_IOMMU = 0x3B66;
    static final long GROUP_GET_STATUS = 0x3B67;
    static final long GROUP_SET_CONTAINER = 0x3B68;
    static final long GROUP_GET_DEVICE_FD = 0x3B6A;
    static final long DEVICE_GET_INFO = 0x3B6B;
    static final long DEVICE_GET_REGION_INFO = 0x3B6C;
    static final long DEVICE_GET_IRQ_INFO = 0x3B6D;
    static final long DEVICE_SET_IRQS = 0x3B6E;
    static final long DEVICE_RESET = 0x3B6F;
    static final long IOMMU_GET_INFO = 0x3B70;
    static final long DEVICE_BIND_IOMMUFD = 0x3B76;
    static final long DEVICE_ATTACH_IOMMUFD_PT = 0x3B77;
    // include/uapi/linux/iommufd.h: _IO(IOMMUFD_TYPE = ';', 0x80 + n)
    static final long IOMMU_DESTROY = 0x3B80;
    static final long IOMMU_IOAS_ALLOC = 0x3B81;
    static final long IOMMU_IOAS_IOVA_RANGES = 0x3B84;

    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(GET_API_VERSION, "VFIO_GET_API_VERSION"), Map.entry(CHECK_EXTENSION, "VFIO_CHECK_EXTENSION"),
            Map.entry(SET_IOMMU, "VFIO_SET_IOMMU"), Map.entry(GROUP_GET_STATUS, "VFIO_GROUP_GET_STATUS"),
            Map.entry(GROUP_SET_CONTAINER, "VFIO_GROUP_SET_CONTAINER"), Map.entry(GROUP_GET_DEVICE_FD, "VFIO_GROUP_GET_DEVICE_FD"),
            Map.entry(DEVICE_GET_INFO, "VFIO_DEVICE_GET_INFO"), Map.entry(DEVICE_GET_REGION_INFO, "VFIO_DEVICE_GET_REGION_INFO"),
            Map.entry(DEVICE_GET_IRQ_INFO, "VFIO_DEVICE_GET_IRQ_INFO"), Map.entry(DEVICE_SET_IRQS, "VFIO_DEVICE_SET_IRQS"),
            Map.entry(DEVICE_RESET, "VFIO_DEVICE_RESET"), Map.entry(IOMMU_GET_INFO, "VFIO_IOMMU_GET_INFO"),
            Map.entry(DEVICE_BIND_IOMMUFD, "VFIO_DEVICE_BIND_IOMMUFD"),
            Map.entry(DEVICE_ATTACH_IOMMUFD_PT, "VFIO_DEVICE_ATTACH_IOMMUFD_PT"), Map.entry(IOMMU_DESTROY, "IOMMU_DESTROY"),
            Map.entry(IOMMU_IOAS_ALLOC, "IOMMU_IOAS_ALLOC"), Map.entry(IOMMU_IOAS_IOVA_RANGES, "IOMMU_IOAS_IOVA_RANGES"));

    // struct vfio_region_info flags, vfio_irq_info flags, vfio_device_info flags
    static final int REGION_READ = 1;
    static final int REGION_WRITE = 2;
    static final int REGION_MMAP = 4;
    static final int REGION_CAPS = 8;
    static final int IRQ_EVENTFD = 1;
    static final int IRQ_MASKABLE = 2;
    static final int IRQ_AUTOMASKED = 4;
    static final int IRQ_NORESIZE = 8;
    static final int DEVICE_RESET_FLAG = 1;
    static final int DEVICE_PCI_FLAG = 2;

    /** One call to the gateway: its name, fd, request, integer argument and argument bytes as passed. */
    record Call(String what, int fd, long request, long value, byte[] in) {
        @Override
        public String toString() {
            return what;
        }
    }

    /** What VFIO_DEVICE_GET_REGION_INFO reports for one index; {@code caps} is the chain laid out from offset 32. */
    record Region(int flags, long size, byte[] caps) {
        static Region absent() {
            return new Region(0, 0, new byte[0]);
        }
    }

    /** What VFIO_DEVICE_GET_IRQ_INFO reports for one index. */
    record Irq(int flags, int count) {
    }

    final Path root;
    final Path devVfio;
    final Path devIommu;
    final Path pciDevices;
    final IoctlGateway gateway = mock(IoctlGateway.class);
    final List<Call> calls = new ArrayList<>();

    /** Whether VFIO_GROUP_GET_STATUS reports the group viable. */
    boolean viable = true;
    int deviceFlags = DEVICE_PCI_FLAG | DEVICE_RESET_FLAG;
    final List<Region> regions = new ArrayList<>();
    final List<Irq> irqs = new ArrayList<>();
    /** The IOVA ranges the IOAS reports; more than 8 makes the first IOMMU_IOAS_IOVA_RANGES fail with EMSGSIZE. */
    final List<long[]> ioasRanges = new ArrayList<>();
    long ioasAlignment = 4096;
    /** Requests that fail with the given errno (after being logged). */
    final Map<Long, Integer> failing = new HashMap<>();
    /** The bytes the next preads return, in order. */
    final List<byte[]> preadData = new ArrayList<>();

    /**
     * Builds the tree: {@code sys/bus/pci/devices/ADDR} with {@code iommu_group} and
     * {@code driver} links, {@code sys/kernel/iommu_groups/N}, {@code sys/bus/pci/drivers/vfio-pci},
     * {@code dev/vfio/vfio} and {@code dev/vfio/N}. The iommufd files are added by {@link #offerIommufd()}.
     */
    FakeVfioKernel(Path root) throws IOException {
        this.root = root;
        devVfio = Files.createDirectories(root.resolve("dev/vfio"));
        devIommu = root.resolve("dev/iommu");
        pciDevices = Files.createDirectories(root.resolve("sys/bus/pci/devices"));
        Files.createDirectories(root.resolve("sys/bus/pci/drivers/vfio-pci"));
        Files.createDirectories(root.resolve("sys/bus/pci/drivers/nvme"));
        Files.createDirectories(root.resolve("sys/kernel/iommu_groups/" + IOMMU_GROUP));
        Files.createFile(devVfio.resolve("vfio"));
        Files.createFile(devVfio.resolve(Integer.toString(IOMMU_GROUP)));
        Path dev = Files.createDirectories(function());
        Files.createSymbolicLink(dev.resolve("iommu_group"), Path.of("../../../../kernel/iommu_groups/" + IOMMU_GROUP));
        bindTo("vfio-pci");
        defaultDevice();
        answer();
    }

    /** {@return the function's sysfs directory} */
    Path function() {
        return pciDevices.resolve(ADDRESS.toString());
    }

    /** Points the function's {@code driver} link at another driver (or removes it for {@code null}). */
    void bindTo(String driver) throws IOException {
        Path link = function().resolve("driver");
        Files.deleteIfExists(link);
        if (driver != null) {
            Files.createSymbolicLink(link, Path.of("../../drivers/" + driver));
        }
    }

    /** Adds what the iommufd path needs: {@code vfio-dev/vfio0} in sysfs, {@code /dev/iommu}, {@code /dev/vfio/devices/vfio0}. */
    FakeVfioKernel offerIommufd() throws IOException {
        Files.createDirectories(function().resolve("vfio-dev/vfio0"));
        Files.createFile(devIommu);
        Files.createFile(Files.createDirectories(devVfio.resolve("devices")).resolve("vfio0"));
        return this;
    }

    /** {@return options over this tree and gateway, choosing the path, with a fixture platform} */
    VfioDeviceOptions options() {
        return new VfioDeviceOptions(null, devVfio, devIommu, pciDevices, gateway, null).withPlatform(platform());
    }

    static IoPlatform platform() {
        return IoPlatform.of(new FixtureBackend.Host(), "VFIO unit tests");
    }

    /**
     * vfio-pci's nine regions: BAR0 (4 KiB, read/write, not mappable: the pread bus), BAR2
     * (16 KiB, mappable only in a sparse area list, with MSIX_MAPPABLE), config (4 KiB), the
     * others absent; five IRQ indices: INTx (1, maskable, automasked), MSI (4), MSI-X (none),
     * ERR (1), REQ (1).
     */
    private void defaultDevice() {
        regions.add(new Region(REGION_READ | REGION_WRITE, 0x1000, new byte[0]));
        regions.add(Region.absent());
        regions.add(new Region(REGION_READ | REGION_WRITE | REGION_MMAP | REGION_CAPS, 0x4000, sparseAndMsixCaps()));
        regions.add(Region.absent());
        regions.add(Region.absent());
        regions.add(Region.absent());
        regions.add(Region.absent());                                  // ROM
        regions.add(new Region(REGION_READ | REGION_WRITE, 0x1000, new byte[0])); // config
        regions.add(Region.absent());                                  // VGA
        irqs.add(new Irq(IRQ_EVENTFD | IRQ_MASKABLE | IRQ_AUTOMASKED, 1));
        irqs.add(new Irq(IRQ_EVENTFD | IRQ_NORESIZE, 4));
        irqs.add(new Irq(IRQ_EVENTFD | IRQ_NORESIZE, 0));
        irqs.add(new Irq(IRQ_EVENTFD, 1));
        irqs.add(new Irq(IRQ_EVENTFD, 1));
        ioasRanges.add(new long[] {0, 0xfedf_ffffL});
        ioasRanges.add(new long[] {0xfef0_0000L, (1L << 48) - 1});
    }

    /**
     * The capability chain of a BAR whose MSI-X table page may not be mapped, laid out from
     * offset 32 of struct vfio_region_info: SPARSE_MMAP (id 1, version 1) with two areas
     * {0x0, 0x2000} and {0x3000, 0x1000} and one of size 0 (skipped), then MSIX_MAPPABLE (id 3).
     */
    static byte[] sparseAndMsixCaps() {
        ByteBuffer b = le(16 + 3 * 16 + 8);
        b.putShort((short) 1).putShort((short) 1).putInt(32 + 64);   // header: next = MSIX cap
        b.putInt(3).putInt(0);                                        // nr_areas, reserved
        b.putLong(0x0).putLong(0x2000);
        b.putLong(0x3000).putLong(0x1000);
        b.putLong(0x2000).putLong(0);
        b.putShort((short) 3).putShort((short) 1).putInt(0);          // MSIX_MAPPABLE, last
        return b.array();
    }

    /** {@return a buffer of {@code n} bytes in this machine's order (the kernel's structures are native-endian)} */
    static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.nativeOrder());
    }

    /** {@return the native-endian bytes of these 32-bit values} */
    static byte[] ints(int... values) {
        ByteBuffer b = le(4 * values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    /** {@return the VFIO index-to-offset of vfio-pci: the region index in bits 40 and up} */
    static long regionOffset(int index) {
        return (long) index << 40;
    }

    /** {@return the logged calls, as names: "open PATH", "ioctl(FD, NAME)", "ioctl(FD, NAME, VALUE)", "close(FD)"} */
    List<String> log() {
        return calls.stream().map(Call::what).toList();
    }

    /** {@return the logged ioctls with this request, in order} */
    List<Call> ioctls(long request) {
        return calls.stream().filter(c -> c.request() == request && c.what().startsWith("ioctl")).toList();
    }

    /** {@return the root-relative form of a fixture path, for the log} */
    private String rel(String path) {
        return root.relativize(Path.of(path)).toString();
    }

    private void answer() {
        doAnswer(inv -> {
            String path = inv.getArgument(0);
            calls.add(new Call("open " + rel(path), -1, 0, 0, null));
            Map<String, Integer> fds = Map.of(
                    devVfio.resolve("vfio").toString(), CONTAINER,
                    devVfio.resolve(Integer.toString(IOMMU_GROUP)).toString(), GROUP,
                    devIommu.toString(), IOMMUFD,
                    devVfio.resolve("devices/vfio0").toString(), CDEV);
            Integer fd = fds.get(path);
            if (fd == null || !Files.exists(Path.of(path))) {
                throw new ErrnoException("open(" + path + ")", ErrnoException.ENOENT);
            }
            return fd;
        }).when(gateway).open(anyString());
        doAnswer(inv -> {
            int fd = inv.getArgument(0);
            calls.add(new Call("close(" + fd + ")", fd, 0, 0, null));
            return null;
        }).when(gateway).close(anyInt());
        doAnswer(inv -> {
            int fd = inv.getArgument(0);
            long request = inv.getArgument(1);
            long value = inv.getArgument(2);
            calls.add(new Call("ioctl(" + fd + ", " + name(request) + ", " + value + ")", fd, request, value, null));
            failIfAsked(request);
            if (request == GET_API_VERSION) {
                return 0;
            }
            if (request == CHECK_EXTENSION) {
                return value == 3 ? 1 : 0;
            }
            return 0;
        }).when(gateway).ioctlWithValue(anyInt(), anyLong(), anyLong());
        doAnswer(inv -> {
            int fd = inv.getArgument(0);
            long request = inv.getArgument(1);
            MemorySegment arg = inv.getArgument(2);
            calls.add(new Call("ioctl(" + fd + ", " + name(request) + ")", fd, request, 0, arg.toArray(ValueLayout.JAVA_BYTE)));
            if (request == IOMMU_IOAS_IOVA_RANGES) {
                return ioasIovaRanges(arg); // fails with EMSGSIZE itself
            }
            failIfAsked(request);
            return kernel(request, arg);
        }).when(gateway).ioctl(anyInt(), anyLong(), any());
        doAnswer(inv -> {
            int fd = inv.getArgument(0);
            MemorySegment buf = inv.getArgument(1);
            long offset = inv.getArgument(2);
            calls.add(new Call("pread(" + fd + ", " + buf.byteSize() + ", 0x" + Long.toHexString(offset) + ")", fd, 0, offset, null));
            byte[] data = preadData.isEmpty() ? new byte[(int) buf.byteSize()] : preadData.removeFirst();
            MemorySegment.copy(MemorySegment.ofArray(data), 0, buf, 0, Math.min(data.length, buf.byteSize()));
            return (long) Math.min(data.length, buf.byteSize());
        }).when(gateway).pread(anyInt(), any(), anyLong());
        doAnswer(inv -> {
            int fd = inv.getArgument(0);
            MemorySegment buf = inv.getArgument(1);
            long offset = inv.getArgument(2);
            calls.add(new Call("pwrite(" + fd + ", " + buf.byteSize() + ", 0x" + Long.toHexString(offset) + ")", fd, 0, offset,
                    buf.toArray(ValueLayout.JAVA_BYTE)));
            return buf.byteSize();
        }).when(gateway).pwrite(anyInt(), any(), anyLong());
    }

    static String name(long request) {
        return NAMES.getOrDefault(request, "0x" + Long.toHexString(request));
    }

    private void failIfAsked(long request) {
        Integer errno = failing.get(request);
        if (errno != null) {
            throw new ErrnoException("ioctl(" + name(request) + ")", errno);
        }
    }

    private int kernel(long request, MemorySegment s) {
        if (request == GROUP_GET_STATUS) {
            s.set(JAVA_INT_UNALIGNED, 4, viable ? 1 : 0);
        } else if (request == IOMMU_GET_INFO) {
            iommuInfo(s);
        } else if (request == GROUP_GET_DEVICE_FD) {
            return DEVICE;
        } else if (request == DEVICE_GET_INFO) {
            s.set(JAVA_INT_UNALIGNED, 4, deviceFlags);
            s.set(JAVA_INT_UNALIGNED, 8, regions.size());
            s.set(JAVA_INT_UNALIGNED, 12, irqs.size());
        } else if (request == DEVICE_GET_REGION_INFO) {
            regionInfo(s);
        } else if (request == DEVICE_GET_IRQ_INFO) {
            Irq irq = irqs.get(s.get(JAVA_INT_UNALIGNED, 8));
            s.set(JAVA_INT_UNALIGNED, 4, irq.flags());
            s.set(JAVA_INT_UNALIGNED, 12, irq.count());
        } else if (request == IOMMU_IOAS_ALLOC) {
            s.set(JAVA_INT_UNALIGNED, 8, IOAS_ID);
        } else if (request == DEVICE_BIND_IOMMUFD) {
            s.set(JAVA_INT_UNALIGNED, 12, 1); // out_devid
        }
        return 0;
    }

    /** VFIO_IOMMU_GET_INFO: page sizes 4 KiB | 2 MiB | 1 GiB, one IOVA range; too small an argsz gets the size needed. */
    private static void iommuInfo(MemorySegment s) {
        int needed = 24 + 16 + 16;
        s.set(JAVA_INT_UNALIGNED, 4, 1 | 2);
        s.set(JAVA_LONG_UNALIGNED, 8, 0x4020_1000L);
        if (s.get(JAVA_INT_UNALIGNED, 0) < needed) {
            s.set(JAVA_INT_UNALIGNED, 0, needed);
            return;
        }
        s.set(JAVA_INT_UNALIGNED, 16, 24);
        s.set(JAVA_SHORT_UNALIGNED, 24, (short) 1);
        s.set(JAVA_SHORT_UNALIGNED, 26, (short) 1);
        s.set(JAVA_INT_UNALIGNED, 28, 0);
        s.set(JAVA_INT_UNALIGNED, 32, 1);
        s.set(JAVA_LONG_UNALIGNED, 40, 0);
        s.set(JAVA_LONG_UNALIGNED, 48, (1L << 39) - 1);
    }

    /** VFIO_DEVICE_GET_REGION_INFO as vfio-pci answers it, growing argsz when the capabilities do not fit. */
    private void regionInfo(MemorySegment s) {
        int index = s.get(JAVA_INT_UNALIGNED, 8);
        Region r = regions.get(index);
        s.set(JAVA_INT_UNALIGNED, 4, r.flags());
        s.set(JAVA_LONG_UNALIGNED, 16, r.size());
        s.set(JAVA_LONG_UNALIGNED, 24, regionOffset(index));
        if (r.caps().length > 0) {
            int needed = 32 + r.caps().length;
            if (s.get(JAVA_INT_UNALIGNED, 0) < needed) {
                s.set(JAVA_INT_UNALIGNED, 0, needed);
                s.set(JAVA_INT_UNALIGNED, 12, 0);
            } else {
                s.set(JAVA_INT_UNALIGNED, 12, 32);
                MemorySegment.copy(MemorySegment.ofArray(r.caps()), 0, s, 32, r.caps().length);
            }
        }
    }

    /**
     * IOMMU_IOAS_IOVA_RANGES as iommufd answers it: it writes as many ranges as there is room
     * for, sets num_iovas to how many there are and the alignment, and fails with EMSGSIZE when
     * there was not room for all.
     */
    @SuppressWarnings("restricted") // the caller's native array, of num_iovas entries
    private int ioasIovaRanges(MemorySegment s) {
        int room = s.get(JAVA_INT_UNALIGNED, 8);
        long address = s.get(JAVA_LONG_UNALIGNED, 16);
        MemorySegment array = MemorySegment.ofAddress(address).reinterpret(16L * room);
        for (int i = 0; i < Math.min(room, ioasRanges.size()); i++) {
            array.set(JAVA_LONG_UNALIGNED, 16L * i, ioasRanges.get(i)[0]);
            array.set(JAVA_LONG_UNALIGNED, 16L * i + 8, ioasRanges.get(i)[1]);
        }
        s.set(JAVA_INT_UNALIGNED, 8, ioasRanges.size());
        s.set(JAVA_LONG_UNALIGNED, 24, ioasAlignment);
        failIfAsked(IOMMU_IOAS_IOVA_RANGES);
        if (room < ioasRanges.size()) {
            throw new ErrnoException("ioctl(IOMMU_IOAS_IOVA_RANGES)", ErrnoException.EMSGSIZE);
        }
        return 0;
    }
}
