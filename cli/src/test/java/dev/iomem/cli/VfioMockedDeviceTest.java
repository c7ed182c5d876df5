package dev.iomem.cli;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.Iomem;
import dev.iomem.core.dma.IovaRange;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.vfio.IommuPath;
import dev.iomem.core.vfio.IrqType;
import dev.iomem.core.vfio.VfioContainer;
import dev.iomem.core.vfio.VfioDevice;
import dev.iomem.core.vfio.VfioDeviceOptions;
import dev.iomem.core.vfio.VfioException;
import dev.iomem.core.vfio.VfioIrqInfo;
import dev.iomem.core.vfio.VfioRegion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;
import org.mockito.MockedStatic;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The VFIO commands' own work on a device VFIO has opened: {@code iomem vfio info}'s text and
 * JSON, and {@code peek --vfio}/{@code poke --vfio} through the BAR accessor, with
 * {@link VfioDevice#open} answered by a mock (this machine has no VFIO; the lab runs the real
 * thing). The BAR is a file mapped through the native backend.
 */
@DisplayName("iomem vfio info, peek --vfio and poke --vfio on a mocked VFIO device")
class VfioMockedDeviceTest {

    private static final String ADDR = "0000:01:00.0";
    private static final long GIB = 1L << 40;

    @TempDir
    Path dir;
    VfioFixture fx;
    VfioDevice device;
    MockedStatic<VfioDevice> open;
    final List<Arena> arenas = new ArrayList<>();

    @BeforeEach
    void mockDevice() throws IOException {
        fx = new VfioFixture(dir);
        fx.function(ADDR, "vfio-pci", 7);
        device = mock(VfioDevice.class);
        VfioContainer container = mock(VfioContainer.class);
        when(container.describe()).thenReturn("VFIO container (type1v2), IOMMU group 7");
        when(container.pageSize()).thenReturn(4096L);
        when(container.dmaAvailable()).thenReturn(OptionalInt.of(65535));
        when(container.iovaRanges()).thenReturn(List.of(new IovaRange(0, 0xfedf_ffffL), new IovaRange(0xfef0_0000L, 0xffff_ffff_ffffL)));
        when(container.path()).thenReturn(IommuPath.GROUP_CONTAINER);
        when(device.address()).thenReturn(PciAddress.parse(ADDR));
        when(device.iommu()).thenReturn(container);
        when(device.iommuGroup()).thenReturn(7);
        when(device.iommuPath()).thenReturn(IommuPath.GROUP_CONTAINER);
        when(device.iommuPathReason()).thenReturn("group-container: the kernel offers no VFIO device cdev");
        when(device.resettable()).thenReturn(true);
        when(device.regions()).thenReturn(List.of(
                new VfioRegion(0, 0x4000, 0, true, true, true, List.of(), false),
                new VfioRegion(1, 0, GIB, false, false, false, List.of(), false),
                new VfioRegion(2, 0x4000, 2 * GIB, true, true, true,
                        List.of(new VfioRegion.Area(0, 0x1000), new VfioRegion.Area(0x3000, 0x1000)), false),
                new VfioRegion(3, 0, 3 * GIB, false, false, false, List.of(), false),
                new VfioRegion(4, 0x1000, 4 * GIB, true, true, true, List.of(), true),
                new VfioRegion(5, 0, 5 * GIB, false, false, false, List.of(), false),
                new VfioRegion(6, 0x40000, 6 * GIB, true, false, false, List.of(), false),
                new VfioRegion(7, 0x1000, 7 * GIB, true, true, false, List.of(), false),
                new VfioRegion(8, 0, 8 * GIB, false, false, false, List.of(), false)));
        when(device.barIsMapped(anyInt())).thenAnswer(a -> a.getArgument(0, Integer.class) == 0 || a.getArgument(0, Integer.class) == 4);
        when(device.irqs()).thenReturn(List.of(
                new VfioIrqInfo(IrqType.INTX, 1, true, true, true, false),
                new VfioIrqInfo(IrqType.MSI, 1, true, false, false, true),
                new VfioIrqInfo(IrqType.MSIX, 0, true, false, false, false),
                new VfioIrqInfo(IrqType.ERR, 1, true, false, false, false),
                new VfioIrqInfo(IrqType.REQ, 1, true, false, false, false)));
        open = mockStatic(VfioDevice.class);
        open.when(() -> VfioDevice.open(any(PciAddress.class), any(VfioDeviceOptions.class))).thenReturn(device);
    }

    @AfterEach
    void release() {
        open.close();
        arenas.forEach(Arena::close);
    }

    private CliRun run(String... args) {
        return CliRun.inProcess(PciCommandsTest.args(args, fx.options()));
    }

    private VfioDeviceOptions opened() {
        ArgumentCaptor<VfioDeviceOptions> options = ArgumentCaptor.forClass(VfioDeviceOptions.class);
        open.verify(() -> VfioDevice.open(any(PciAddress.class), options.capture()), atLeastOnce());
        return options.getValue();
    }

    /** BAR {@code bar} of the mocked device is {@code file}, mapped and driven by the native backend. */
    private void bar(int bar, Path file) {
        Arena arena = Arena.ofShared();
        arenas.add(arena);
        IoAccessor io = Iomem.platform().open(SysfsBarMapper.mapFile(file, 0, SysfsBarMapper.fileSize(file), MemoryType.DEVICE, false, arena));
        when(device.bar(bar)).thenReturn(io);
    }

    @Test
    @DisplayName("info: group, path and why, IOMMU, IOVA ranges, reset, every region with size, file offset, flags, sparse areas, and every IRQ index")
    void infoText() {
        CliRun r = run("vfio", "info", ADDR);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("""
                0000:01:00.0: vfio-pci, IOMMU group 7
                  IOMMU path   group-container: the kernel offers no VFIO device cdev
                  IOMMU        VFIO container (type1v2), IOMMU group 7, page size 4 KiB, 65535 DMA mappings available
                  IOVA ranges  0x0-0xfedfffff, 0xfef00000-0xffffffffffff
                  reset        supported (VFIO_DEVICE_RESET)
                  regions
                    index name     size         file offset    flags
                    0     BAR0     0x4000       0x0            rw mmap (iomem: mmap)
                    1     BAR1     absent
                    2     BAR2     0x4000       0x20000000000  rw mmap sparse 0x0+0x1000, 0x3000+0x1000 (iomem: pread/pwrite)
                    3     BAR3     absent
                    4     BAR4     0x1000       0x40000000000  rw mmap msix-mappable (iomem: mmap)
                    5     BAR5     absent
                    6     ROM      0x40000      0x60000000000  r-
                    7     config   0x1000       0x70000000000  rw
                    8     VGA      absent
                  interrupts
                    INTX     1 vector   eventfd maskable automasked
                    MSI      1 vector   eventfd noresize
                    MSIX     0 vectors  eventfd
                    ERR      1 vector   eventfd
                    REQ      1 vector   eventfd
                """);
        assertThat(r.err()).isEmpty();
        VfioDeviceOptions o = opened();
        assertThat(o.path()).as("auto").isNull();
        assertThat(o.pciDevices()).isEqualTo(fx.devices);
        assertThat(o.devVfio()).isEqualTo(Path.of("/dev/vfio"));
        assertThat(o.devIommu()).isEqualTo(Path.of("/dev/iommu"));
        verify(device).close();
        verify(device, never()).bar(anyInt());
        verify(device, never()).reset();
    }

    @Test
    @DisplayName("info --json: the same, as one object; --iommu-path and --dev-vfio reach VfioDeviceOptions")
    void infoJson() {
        CliRun r = run("vfio", "info", ADDR, "--json", "--iommu-path", "group-container", "--dev-vfio", "/tmp/dev-vfio");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(1);
        assertThat(r.out()).startsWith("{\"device\":\"0000:01:00.0\",\"iommuGroup\":7,\"iommuPath\":\"group-container\","
                        + "\"iommuPathReason\":\"group-container: the kernel offers no VFIO device cdev\","
                        + "\"iommu\":\"VFIO container (type1v2), IOMMU group 7\",\"iommuPageSize\":4096,\"dmaMappingsAvailable\":65535,"
                        + "\"iovaRanges\":[{\"start\":\"0x0\",\"last\":\"0xfedfffff\"},{\"start\":\"0xfef00000\",\"last\":\"0xffffffffffff\"}],"
                        + "\"resettable\":true,\"regions\":[")
                .contains("{\"index\":2,\"name\":\"BAR2\",\"present\":true,\"size\":\"0x4000\",\"fileOffset\":\"0x20000000000\","
                        + "\"readable\":true,\"writable\":true,\"mmappable\":true,"
                        + "\"sparseAreas\":[{\"offset\":\"0x0\",\"size\":\"0x1000\"},{\"offset\":\"0x3000\",\"size\":\"0x1000\"}],"
                        + "\"msixMappable\":false,\"access\":\"pread/pwrite\"}")
                .contains("{\"index\":1,\"name\":\"BAR1\",\"present\":false,")
                .contains("{\"index\":7,\"name\":\"config\",\"present\":true,\"size\":\"0x1000\",\"fileOffset\":\"0x70000000000\","
                        + "\"readable\":true,\"writable\":true,\"mmappable\":false,\"sparseAreas\":[],\"msixMappable\":false}")
                .endsWith("\"irqs\":[{\"type\":\"INTX\",\"index\":0,\"count\":1,\"eventfd\":true,\"maskable\":true,\"automasked\":true,"
                        + "\"noResize\":false},{\"type\":\"MSI\",\"index\":1,\"count\":1,\"eventfd\":true,\"maskable\":false,"
                        + "\"automasked\":false,\"noResize\":true},{\"type\":\"MSIX\",\"index\":2,\"count\":0,\"eventfd\":true,"
                        + "\"maskable\":false,\"automasked\":false,\"noResize\":false},{\"type\":\"ERR\",\"index\":3,\"count\":1,"
                        + "\"eventfd\":true,\"maskable\":false,\"automasked\":false,\"noResize\":false},{\"type\":\"REQ\",\"index\":4,"
                        + "\"count\":1,\"eventfd\":true,\"maskable\":false,\"automasked\":false,\"noResize\":false}]}\n");
        VfioDeviceOptions o = opened();
        assertThat(o.path()).isEqualTo(IommuPath.GROUP_CONTAINER);
        assertThat(o.devVfio()).isEqualTo(Path.of("/tmp/dev-vfio"));
        verify(device).close();
    }

    @Test
    @DisplayName("info: a failure to open is one line, exit 1")
    void infoOpenFails() {
        open.when(() -> VfioDevice.open(any(PciAddress.class), any(VfioDeviceOptions.class)))
                .thenThrow(new VfioException("IOMMU group 7 of 0000:01:00.0 is not viable: bind every device in /sys/kernel/iommu_groups/7/devices to vfio-pci (or unbind it)"));
        CliRun r = run("vfio", "info", ADDR);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("iomem: IOMMU group 7 of 0000:01:00.0 is not viable: bind every device in "
                + "/sys/kernel/iommu_groups/7/devices to vfio-pci (or unbind it)\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    @DisplayName("peek --vfio reads through the device's bar(N), the platform of the command line; the device is closed")
    void peekVfio() throws IOException {
        Path f = Files.write(dir.resolve("bar0.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        bar(0, f);
        CliRun r = run("peek", "--vfio", ADDR, "0", "4", "--count", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("0x4: 0x08070605\n0x8: 0x0c0b0a09\n");
        CliRun j = run("peek", "--vfio", ADDR, "0", "0", "--width", "64", "--json", "--iommu-path", "iommufd");
        assertThat(j.out().strip()).isEqualTo("{\"target\":\"0000:01:00.0 BAR0 (vfio mmap)\",\"memoryType\":\"DEVICE\",\"backend\":\"x86_64\","
                + "\"width\":64,\"iommuPath\":\"group-container\",\"values\":[{\"offset\":\"0x0\",\"value\":\"0x0807060504030201\"}]}");
        VfioDeviceOptions o = opened();
        assertThat(o.path()).isEqualTo(IommuPath.IOMMUFD);
        assertThat(o.pciDevices()).isEqualTo(fx.devices);
        assertThat(o.platformOrNull()).as("the command's platform drives the BAR").isNotNull();
        verify(device, times(2)).close();
        assertThat(Files.readAllBytes(f)[0]).isEqualTo((byte) 1);
    }

    @Test
    @DisplayName("poke --vfio writes once through bar(N); beyond the BAR it is refused before any access; the device is closed")
    void pokeVfio() throws IOException {
        Path f = Files.write(dir.resolve("bar2.bin"), new byte[0x40]);
        bar(2, f);
        CliRun r = run("poke", "--vfio", ADDR, "2", "0x10", "0xdeadbeef");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("wrote 0xdeadbeef (32 bits) at 0x10 of 0000:01:00.0 BAR2 (vfio pread/pwrite)\n");
        byte[] bytes = Files.readAllBytes(f);
        assertThat(bytes[0x10]).isEqualTo((byte) 0xef);
        assertThat(bytes[0x13]).isEqualTo((byte) 0xde);
        CliRun past = run("poke", "--vfio", ADDR, "2", "0x3e", "1");
        assertThat(past.exit()).isEqualTo(1);
        assertThat(past.err()).isEqualTo("iomem: 0000:01:00.0 BAR2 (vfio pread/pwrite): 1 access(es) of 4 byte(s) at offset 0x3e "
                + "go beyond its 0x40 bytes\n");
        assertThat(Files.readAllBytes(f)).isEqualTo(bytes);
        verify(device, times(2)).close();
    }

    @Test
    @DisplayName("peek/poke --vfio: bad arguments and combinations exit 2 before VfioDevice.open is called")
    void refusedBeforeOpen() throws IOException {
        Path f = Files.write(dir.resolve("bar.bin"), new byte[16]);
        String[][] cases = {
            {"peek", "--vfio", "../../etc", "0", "0"},
            {"poke", "--vfio", "0000:01:00.0/..", "0", "0", "1"},
            {"peek", "--vfio", ADDR, "6", "0"},
            {"peek", "--vfio", ADDR, "0", "0", "--width", "24"},
            {"poke", "--vfio", ADDR, "0", "0", "0x100", "--width", "8"},
            {"peek", "--vfio", "--file", f.toString(), "0"},
            {"peek", "--vfio", "--wc", ADDR, "0", "0"},
            {"poke", "--vfio", ADDR, "0", "0", "1", "--iommu-path", "legacy"},
            {"peek", ADDR, "0", "0", "--iommu-path", "iommufd"},
            {"poke", ADDR, "0", "0", "1", "--dev-vfio", "/dev/vfio"},
        };
        String[] phrases = {
            "invalid PCI address \"../../etc\"", "invalid PCI address \"0000:01:00.0/..\"", "BAR index 6 is not 0 to 5",
            "--width 24 is not 8, 16, 32 or 64", "VALUE 0x100 does not fit 8 bits", "--vfio and --file cannot be combined",
            "--wc cannot be combined with --vfio", "--iommu-path legacy is not auto, iommufd or group-container",
            "--iommu-path, --dev-vfio and --dev-iommu need --vfio", "--iommu-path, --dev-vfio and --dev-iommu need --vfio",
        };
        for (int i = 0; i < cases.length; i++) {
            CliRun r = run(cases[i]);
            assertThat(r.exit()).as(String.join(" ", cases[i]) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().lines().toList()).hasSize(1);
            assertThat(r.err().strip()).startsWith("iomem: " + phrases[i]);
            assertThat(r.out()).isEmpty();
        }
        open.verify(() -> VfioDevice.open(any(PciAddress.class), any(VfioDeviceOptions.class)), never());
        assertThat(Files.readAllBytes(f)).containsOnly(0);
    }

    @Test
    @DisplayName("peek without --vfio of a function bound to vfio-pci whose resourceN is missing: the error suggests --vfio")
    void sysfsHint() throws IOException {
        PciFixture pci = new PciFixture(dir.resolve("pci"), "vendor_id\t: GenuineIntel\ncpu family\t: 6\n");
        Path d = pci.function("pci0000:00/" + ADDR, 0x1b36, 0x0010, 0x010802, false, new long[] {0xfe00_0000L, 0x4000, 0x40200});
        Files.createSymbolicLink(d.resolve("driver"), Path.of("../../../bus/pci/drivers/vfio-pci"));
        CliRun r = CliRun.inProcess(PciCommandsTest.args(new String[] {"peek", ADDR, "0", "0"}, pci.options()));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("iomem: " + ADDR + " BAR 0: ").endsWith("(" + ADDR + " is bound to vfio-pci: add --vfio to reach it through VFIO)");
        open.verify(() -> VfioDevice.open(any(PciAddress.class), any(VfioDeviceOptions.class)), never());
    }
}
