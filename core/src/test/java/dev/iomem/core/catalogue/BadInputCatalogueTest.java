package dev.iomem.core.catalogue;

import dev.iomem.api.ReadOnlyWindowException;
import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.Availability;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;
import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.Bar;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.BackendChoice;
import dev.iomem.core.BackendDiscovery;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.Iomem;
import dev.iomem.core.UnknownBackendException;
import dev.iomem.core.access.MappedBus;
import dev.iomem.core.access.RuleDrivenAccessor;
import dev.iomem.core.dma.DmaTableBuilder;
import dev.iomem.core.dma.PagemapDmaMapper;
import dev.iomem.core.dma.VfioDmaMapper;
import dev.iomem.core.vfio.IoctlGateway;
import dev.iomem.core.fixtures.FixtureBackend;
import dev.iomem.core.pci.BarMappingException;
import dev.iomem.core.pci.MalformedSysfsFileException;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.pci.SysfsPciTopology;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The bad-input catalogue of the API: each row is one mistake a caller can make, the exact
 * exception type it must get, the key phrase of its one-line message, and the proof that nothing
 * happened: an empty bus trace (every accessor here runs over a {@link TracingBus} around a real
 * {@code FileChannel.map} mapping), the same locked memory (VmLck), the same mappings of the
 * fixture files in {@code /proc/self/maps}, and the same bytes in every fixture file. Mappings
 * are made into an arena that stays open across each case, so a leaked mapping would show.
 */
@DisplayName("Bad-input catalogue: the API")
class BadInputCatalogueTest {

    static final AccessRules ARM64 = AccessRules.builder("aarch64", MemoryType.DEVICE)
            .copy(CopyAlgorithm.GENERIC).build();
    static final AccessRules X86 = AccessRules.builder("x86_64", MemoryType.DEVICE).naturalAlignment(false)
            .copy(CopyAlgorithm.X86).build();
    static final PciAddress FN = PciAddress.parse("0000:00:01.0");
    static final long BAR_FILE_SIZE = 8192;

    @TempDir
    static Path dir;
    static Arena shared;
    static MappedRegion writable;
    static MappedRegion readOnly;
    static Path barFile;
    static SysfsPciTopology topology;
    static SysfsBarMapper bars;
    static Path cpuinfo;
    static Path badRoots;
    static MemorySegment dmaBuffer;
    static ClassLoader brokenPlugin;

    @BeforeAll
    static void fixtures() throws IOException {
        shared = Arena.ofShared();
        byte[] noise = new byte[(int) BAR_FILE_SIZE];
        new Random(8).nextBytes(noise);
        barFile = Files.write(dir.resolve("bar.bin"), noise);
        Path romFile = Files.write(dir.resolve("rom.bin"), noise);
        writable = map(barFile, false);
        readOnly = map(romFile, true);

        CatalogueSysfs good = new CatalogueSysfs(dir.resolve("good"));
        Path fn = good.function(FN.toString(),
                new long[] {0xfe00_0000L, 0x4000, CatalogueSysfs.MEM32},          // BAR 0: memory, resource0
                new long[] {0xe000, 0x20, CatalogueSysfs.IO},                     // BAR 1: I/O ports
                new long[] {0xfd00_0000L, 0x2000, CatalogueSysfs.MEM32_PREFETCH}, // BAR 2: resource2 becomes a link
                null,                                                             // BAR 3: absent
                new long[] {0xfc00_0000L, 0x1000, CatalogueSysfs.MEM32},          // BAR 4: resource4 deleted
                new long[] {0xfb00_0000L, 0x10000, CatalogueSysfs.MEM32});        // BAR 5: resource5 truncated
        Files.delete(fn.resolve("resource4"));
        try (FileChannel ch = FileChannel.open(fn.resolve("resource5"), StandardOpenOption.WRITE)) {
            ch.truncate(0x1000);
        }
        Files.delete(fn.resolve("resource2"));
        Files.createSymbolicLink(fn.resolve("resource2"), barFile);
        cpuinfo = good.cpuinfo;
        topology = SysfsPciTopology.open(good.root, good.cpuinfo);
        bars = new SysfsBarMapper(topology);

        badRoots = dir.resolve("bad");
        badSysfs("vendor-missing", d -> delete(d.resolve("vendor")));
        badSysfs("vendor-unreadable", d -> {
            delete(d.resolve("vendor"));
            createDirectory(d.resolve("vendor"));
        });
        badSysfs("vendor-not-hex", d -> write(d.resolve("vendor"), "0x1g34\n"));
        badSysfs("vendor-link", d -> {
            delete(d.resolve("vendor"));
            Path secret = write(badRoots.resolve("secret.txt"), "SECRET-CONTENT\n");
            link(d.resolve("vendor"), secret);
        });
        badSysfs("resource-truncated", d -> write(d.resolve("resource"), "0x00000000fe000000 0x00000000fe003fff 0x0000000000040200\n"));
        badSysfs("resource-not-hex", d -> write(d.resolve("resource"), "0x00000000fe000000 0x00000000fe003fff 0x00000000000zz200\n"
                + "0x0000000000000000 0x0000000000000000 0x0000000000000000\n".repeat(6)));
        badSysfs("config-truncated", d -> write(d.resolve("config"), "short"));
        badSysfs("link-out-of-tree", d -> {
            Path root = d.getParent().getParent().getParent().resolve("bus/pci/devices");
            Path outside = createDirectory(badRoots.resolve("outside-" + d.getFileName().toString().replace(':', '_')));
            write(outside.resolve("vendor"), "SECRET-CONTENT\n");
            delete(root.resolve(FN.toString()));
            link(root.resolve(FN.toString()), outside);
        });

        dmaBuffer = shared.allocate(1 << 20, 4096);
        brokenPlugin = brokenPluginLoader(dir.resolve("plugins"));
    }

    @AfterAll
    static void closeArena() {
        shared.close();
    }

    private static MappedRegion map(Path file, boolean ro) throws IOException {
        try (FileChannel ch = FileChannel.open(file, ro ? Set.of(StandardOpenOption.READ)
                : Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE))) {
            MemorySegment s = ch.map(ro ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, 0, BAR_FILE_SIZE, shared);
            return new MappedRegion(s, MemoryType.DEVICE, "file " + file, ro);
        }
    }

    /** A fixture tree with one good function, then broken by {@code breakIt}. */
    private static void badSysfs(String name, Consumer<Path> breakIt) {
        CatalogueSysfs s = new CatalogueSysfs(badRoots.resolve(name));
        Path d = s.function(FN.toString(), new long[] {0xfe00_0000L, 0x1000, CatalogueSysfs.MEM32});
        breakIt.accept(d);
    }

    private static Path badRoot(String name) {
        return badRoots.resolve(name).resolve("sys/bus/pci/devices");
    }

    /** A plugin directory whose one jar names a provider class that is not in it. */
    private static ClassLoader brokenPluginLoader(Path plugins) throws IOException {
        Files.createDirectories(plugins);
        Path jar = plugins.resolve("broken.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os)) {
            jos.putNextEntry(new JarEntry("META-INF/services/dev.iomem.spi.ArchBackend"));
            jos.write("com.example.MissingBackend\n".getBytes());
        }
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, BadInputCatalogueTest.class.getClassLoader());
    }

    // ---- the rig: fresh accessors and a table per case, everything traced ----

    /** What one case works on. Accessors share the fixture mappings; their traffic goes to {@link #trace}. */
    static final class Rig {
        final List<String> trace = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger busCloses = new AtomicInteger();
        final AtomicInteger unmaps = new AtomicInteger();
        final AtomicInteger segmentsSeen = new AtomicInteger();
        final IoAccessor arm64 = over(writable, ARM64);
        final IoAccessor x86 = over(writable, X86);
        final IoAccessor noLong = over(writable, ARM64.withQuirk(DeviceQuirk.forbidWidths("no-64-bit", Width.LONG)));
        final IoAccessor noShort = over(writable, ARM64.withQuirk(DeviceQuirk.forbidWidths("no-16-bit", Width.SHORT)));
        final IoAccessor readOnlyIo = over(readOnly, X86);
        final DmaOnlySgTable table = DmaTableBuilder.create(DmaAddressSpace.IOVA, DmaConstraints.UNRESTRICTED,
                        DmaDirection.TO_DEVICE, null, false)
                .add(0x10000, 8192).add(0x40000, 4096).build(unmaps::incrementAndGet);

        IoAccessor over(MappedRegion region, AccessRules rules) {
            TracingBus bus = new TracingBus(new MappedBus(region), trace, busCloses);
            return RuleDrivenAccessor.over(bus, rules, bus);
        }

        DmaTableBuilder physical() {
            return DmaTableBuilder.create(DmaAddressSpace.PHYSICAL, DmaConstraints.UNRESTRICTED, DmaDirection.TO_DEVICE, null, false);
        }
    }

    /** A case's action. */
    @FunctionalInterface
    interface Action {
        void run(Rig r) throws Exception;
    }

    /**
     * One row.
     *
     * @param name   what the mistake is
     * @param type   the exact exception type, or {@code null} if the call must complete
     * @param phrase the key phrase of the message
     * @param action the mistake
     * @param after  further checks on the rig
     */
    record Case(String name, Class<? extends Throwable> type, String phrase, Action action, Consumer<Rig> after) {
        Case then(Consumer<Rig> more) {
            return new Case(name, type, phrase, action, more);
        }
    }

    static Case refused(String name, Class<? extends Throwable> type, String phrase, Action action) {
        return new Case(name, type, phrase, action, r -> { });
    }

    static Case completes(String name, Action action) {
        return new Case(name, null, null, action, r -> { });
    }

    static MemorySegment ram(int bytes) {
        return MemorySegment.ofArray(new byte[bytes]);
    }

    /** A page of native memory whose arena has been closed. */
    static MemorySegment closedSegment() {
        Arena a = Arena.ofShared();
        MemorySegment s = a.allocate(4096, 4096);
        a.close();
        return s;
    }

    /** Native memory confined to a thread that has ended. */
    static MemorySegment otherThreadSegment() throws InterruptedException {
        MemorySegment[] s = new MemorySegment[1];
        Thread t = Thread.ofPlatform().start(() -> s[0] = Arena.ofConfined().allocate(64, 8));
        t.join();
        return s[0];
    }

    static final Class<OutOfBoundsAccessException> OOB = OutOfBoundsAccessException.class;
    static final Class<MisalignedAccessException> MISALIGNED = MisalignedAccessException.class;
    static final Class<WidthNotAllowedException> WIDTH = WidthNotAllowedException.class;
    static final Class<AccessorClosedException> CLOSED = AccessorClosedException.class;
    static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    static final Class<IllegalStateException> ISE = IllegalStateException.class;
    static final Class<NullPointerException> NPE = NullPointerException.class;

    static List<Case> cases() {
        long max = Long.MAX_VALUE;
        return List.of(
            // ---- negative, overflowing and near-Long.MAX_VALUE offsets and lengths ----
            refused("read32 at a negative offset", OOB, "read32 of 4 bytes at offset -4 is out of bounds", r -> r.arm64.read32(-4)),
            refused("write64 at a negative offset", OOB, "write64 of 8 bytes at offset -8", r -> r.arm64.write64(-8, 1)),
            refused("read8 at Long.MIN_VALUE", OOB, "out of bounds", r -> r.x86.read8(Long.MIN_VALUE)),
            refused("read64 at the window's size", OOB, "read64 of 8 bytes at offset 8192", r -> r.arm64.read64(BAR_FILE_SIZE)),
            refused("read64 at Long.MAX_VALUE (offset + 8 overflows)", OOB, "out of bounds", r -> r.x86.read64(max)),
            refused("write32Relaxed at Long.MAX_VALUE - 3 (offset + 4 is exactly 2^63)", OOB, "out of bounds",
                    r -> r.x86.write32Relaxed(max - 3, 1)),
            refused("fillIo of a negative length", OOB, "fillIo of -1 bytes", r -> r.arm64.fillIo(0, -1, (byte) 1)),
            refused("fillIo at a negative offset", OOB, "fillIo of 4 bytes at offset -1", r -> r.arm64.fillIo(-1, 4, (byte) 1)),
            refused("fillIo whose offset + length overflows", OOB, "out of bounds", r -> r.arm64.fillIo(8, max, (byte) 1)),
            refused("fillIo of one byte at Long.MAX_VALUE", OOB, "out of bounds", r -> r.x86.fillIo(max, 1, (byte) 1)),
            refused("fillIo of Long.MIN_VALUE bytes", OOB, "out of bounds", r -> r.x86.fillIo(0, Long.MIN_VALUE, (byte) 1)),
            refused("copyToIo at Long.MAX_VALUE", OOB, "copyToIo of 16 bytes", r -> r.arm64.copyToIo(ram(16), max)),
            refused("copyFromIo at Long.MAX_VALUE - 1", OOB, "copyFromIo of 16 bytes", r -> r.arm64.copyFromIo(max - 1, ram(16))),
            refused("copyToIo running past the end of the window", OOB, "out of bounds of a window of 8192 bytes",
                    r -> r.x86.copyToIo(ram(32), BAR_FILE_SIZE - 16)),
            refused("slice at a negative offset", OOB, "slice of 4 bytes at offset -1", r -> r.arm64.slice(-1, 4)),
            refused("slice of a negative size", OOB, "slice of -1 bytes", r -> r.arm64.slice(0, -1)),
            refused("slice whose offset + size is near Long.MAX_VALUE", OOB, "out of bounds",
                    r -> r.arm64.slice(4096, max - 100)),

            // ---- slices beyond their parent, copies whose destination is too small or read-only ----
            refused("slice beyond its parent's end", OOB, "slice of 32 bytes at offset 8176", r -> r.arm64.slice(BAR_FILE_SIZE - 16, 32)),
            refused("slice of a slice beyond the inner parent", OOB, "out of bounds of a window of 64 bytes",
                    r -> r.arm64.slice(0, 64).slice(32, 64)),
            refused("read32 through a slice just past its end", OOB, "read32 of 4 bytes at offset 64 is out of bounds of a window of 64 bytes",
                    r -> r.arm64.slice(64, 64).read32(64)),
            refused("copyToIo into a device window too small for the source", OOB, "copyToIo of 65 bytes at offset 0",
                    r -> r.x86.slice(128, 64).copyToIo(ram(65), 0)),
            refused("copyFromIo into a read-only segment", IAE, "read-only segment",
                    r -> r.x86.copyFromIo(0, ram(16).asReadOnly())),
            refused("copyToIo from a segment whose arena is closed", ISE, "Already closed", r -> r.arm64.copyToIo(closedSegment(), 0)),
            refused("copyFromIo into a segment whose arena is closed", ISE, "Already closed",
                    r -> r.arm64.copyFromIo(0, closedSegment())),
            refused("copyFromIo into a segment confined to another thread", WrongThreadException.class, "outside owning thread",
                    r -> r.x86.copyFromIo(0, otherThreadSegment())),
            refused("write32 through a window mapped read-only", ReadOnlyWindowException.class, "mapped read-only", r -> r.readOnlyIo.write32(0, 0x55)),
            refused("copyToIo through a window mapped read-only", ReadOnlyWindowException.class, "mapped read-only", r -> r.readOnlyIo.copyToIo(ram(64), 0)),
            refused("fillIo through a window mapped read-only", ReadOnlyWindowException.class, "mapped read-only", r -> r.readOnlyIo.fillIo(0, 64, (byte) 0)),

            // ---- unaligned scalars under arm64's rules, and widths a quirk forbids ----
            refused("read16 at an odd offset (arm64)", MISALIGNED, "misaligned 16-bit access at offset 0x1", r -> r.arm64.read16(1)),
            refused("read32 at offset 2 (arm64)", MISALIGNED, "requires natural alignment", r -> r.arm64.read32(2)),
            refused("write64 at offset 4 (arm64)", MISALIGNED, "misaligned 64-bit access at offset 0x4", r -> r.arm64.write64(4, 1)),
            refused("write64Relaxed at offset 12 (arm64)", MISALIGNED, "requires natural alignment (offset a multiple of 8)",
                    r -> r.arm64.write64Relaxed(12, 1)),
            refused("write(INT) at offset 3 (arm64)", MISALIGNED, "misaligned 32-bit access", r -> r.arm64.write(3, Width.INT, 1)),
            refused("read32 misaligned inside a slice at an aligned base (arm64)", MISALIGNED, "misaligned 32-bit",
                    r -> r.arm64.slice(8, 64).read32(2)),
            refused("write64 when a quirk forbids 64-bit accesses", WIDTH, "(quirks: no-64-bit)", r -> r.noLong.write64(0, 1)),
            refused("read64Relaxed when a quirk forbids 64-bit accesses", WIDTH, "64-bit access at offset 0x8 is not allowed",
                    r -> r.noLong.read64Relaxed(8)),
            refused("read(LONG) when a quirk forbids 64-bit accesses", WIDTH, "no-64-bit", r -> r.noLong.read(0, Width.LONG)),
            refused("write16 when a quirk forbids 16-bit accesses", WIDTH, "16-bit access at offset 0x2 is not allowed",
                    r -> r.noShort.write16(2, (short) 1)),
            refused("a quirk that forbids every width", IAE, "forbids every width",
                    r -> DeviceQuirk.forbidWidths("nothing-left", Width.values())),

            // ---- closed accessors and tables, and double closes ----
            refused("read32 on a closed accessor", CLOSED, "read32 on a closed accessor", r -> {
                r.arm64.close();
                r.arm64.read32(0);
            }).then(r -> assertThat(r.busCloses).hasValue(1)),
            refused("copyToIo on a closed accessor", CLOSED, "copyToIo on a closed accessor", r -> {
                r.x86.close();
                r.x86.copyToIo(ram(8), 0);
            }),
            refused("fillIo on a closed accessor", CLOSED, "fillIo on a closed accessor", r -> {
                r.x86.close();
                r.x86.fillIo(0, 8, (byte) 0);
            }),
            refused("flushWrites on a closed accessor", CLOSED, "flushWrites on a closed accessor", r -> {
                r.x86.close();
                r.x86.flushWrites();
            }),
            refused("slice of a closed accessor", CLOSED, "slice on a closed accessor", r -> {
                r.arm64.close();
                r.arm64.slice(0, 8);
            }),
            refused("a slice read after its parent was closed", CLOSED, "read8 on a closed accessor", r -> {
                IoAccessor s = r.arm64.slice(0, 64);
                r.arm64.close();
                s.read8(0);
            }),
            completes("double close of an accessor", r -> {
                r.arm64.close();
                r.arm64.close();
            }).then(r -> {
                assertThat(r.busCloses).as("the bus is closed once").hasValue(1);
                assertThat(r.arm64.isClosed()).isTrue();
            }),
            completes("double close of a slice leaves its parent open", r -> {
                IoAccessor s = r.arm64.slice(0, 64);
                s.close();
                s.close();
            }).then(r -> {
                assertThat(r.busCloses).hasValue(0);
                assertThat(r.arm64.isClosed()).isFalse();
            }),
            refused("segmentCount of a closed DMA table", ISE, "the DMA table is closed", r -> {
                r.table.close();
                r.table.segmentCount();
            }),
            refused("dmaAddress of a closed DMA table", ISE, "the DMA table is closed", r -> {
                r.table.close();
                r.table.dmaAddress(0);
            }),
            refused("forEachSegment of a closed DMA table", ISE, "the DMA table is closed", r -> {
                r.table.close();
                r.table.forEachSegment((i, a, l) -> r.segmentsSeen.incrementAndGet());
            }).then(r -> assertThat(r.segmentsSeen).as("no address handed out").hasValue(0)),
            completes("double close of a DMA table", r -> {
                r.table.close();
                r.table.close();
            }).then(r -> assertThat(r.unmaps).as("unmapped exactly once").hasValue(1)),
            refused("a DMA segment index past the end", IndexOutOfBoundsException.class, "out of bounds for length 2",
                    r -> r.table.length(2)),
            refused("a negative DMA segment index", IndexOutOfBoundsException.class, "Index -1 out of bounds",
                    r -> r.table.dmaAddress(-1)),

            // ---- null arguments ----
            refused("copyToIo from null", NPE, "src", r -> r.arm64.copyToIo(null, 0)),
            refused("copyFromIo into null", NPE, "dst", r -> r.arm64.copyFromIo(0, null)),
            refused("read with a null width", NPE, "width", r -> r.arm64.read(0, null)),
            refused("forEachSegment with a null consumer", NPE, "consumer", r -> r.table.forEachSegment(null)),
            refused("PciAddress.parse(null)", NPE, "PCI address", r -> PciAddress.parse(null)),
            refused("mapping a BAR of a null address", NPE, "address",
                    r -> bars.map(null, 0, MemoryType.DEVICE, 0, 4096, false, shared)),
            refused("mapping a BAR into a null arena", NPE, "arena", r -> bars.map(FN, 0, MemoryType.DEVICE, 0, 4096, false, null)),
            refused("mapping a null DMA buffer", NPE, "buffer",
                    r -> PagemapDmaMapper.create().mapUser(null, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
            refused("mapping DMA with a null direction", NPE, "direction",
                    r -> PagemapDmaMapper.create().mapUser(dmaBuffer, null, DmaConstraints.UNRESTRICTED)),
            refused("mapping DMA with null constraints", NPE, "constraints",
                    r -> PagemapDmaMapper.create().mapUser(dmaBuffer, DmaDirection.TO_DEVICE, null)),
            refused("mapping DMA for a null device", NPE, "device",
                    r -> PagemapDmaMapper.create().mapUser((PciAddress) null, dmaBuffer, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
            refused("opening a null region", NPE, "region",
                    r -> IoPlatform.of(new FixtureBackend.Host(), "catalogue").open(null)),

            // ---- malformed PCI addresses and path traversal ----
            refused("PCI address ../../etc", IAE, "invalid PCI address \"../../etc\"", r -> PciAddress.parse("../../etc")),
            refused("PCI address 0000:00:01.0/..", IAE, "invalid PCI address \"0000:00:01.0/..\"", r -> PciAddress.parse("0000:00:01.0/..")),
            refused("PCI address with a NUL byte", IAE, "\\u0000", r -> PciAddress.parse("0000:00:01\u0000")),
            refused("PCI address with device 0x20", IAE, "device 0x20 is above 0x1f", r -> PciAddress.parse("0000:00:20.0")),
            refused("PCI address with function 8", IAE, "function 8 is above 7", r -> PciAddress.parse("0000:00:01.8")),
            refused("PCI address with a full-width digit", IAE, "is not a hex digit", r -> PciAddress.parse("0000:00:0\uff11.0")),
            refused("PCI address with a domain above 0xffff", IAE, "PCI domain 0x10000 is out of range",
                    r -> new PciAddress(0x10000, 0, 0, 0)),

            // ---- BAR index 6 or more, I/O BARs, and BAR windows ----
            refused("BAR index 6", IAE, "BAR index 6 is not 0 to 5", r -> bars.map(FN, 6, MemoryType.DEVICE, 0, 4096, false, shared)),
            refused("BAR index -1", IAE, "BAR index -1 is not 0 to 5", r -> bars.mapWhole(FN, -1, MemoryType.DEVICE, true, shared)),
            refused("BAR index 6 of a device record", IAE, "BAR index 6 is not 0 to 5", r -> topology.device(FN).orElseThrow().bar(6)),
            refused("the bus address of BAR 6", IAE, "BAR index 6 is not 0 to 5", r -> topology.busAddress(FN, 6)),
            refused("the bus address of an absent BAR", IAE, "0000:00:01.0 has no BAR 3", r -> topology.busAddress(FN, 3)),
            refused("a peer-to-peer route to a function that does not exist", IAE,
                    "the client 0000:00:1f.7 is not a PCI function of this machine",
                    r -> topology.route(FN, PciAddress.parse("0000:00:1f.7"))),
            refused("a Bar record with index 7", IAE, "BAR index 7 is not 0 to 5", r -> new Bar(7, 0, 0, 0)),
            refused("mapping an I/O BAR", IAE, "BAR 1 is I/O port space, which cannot be memory-mapped",
                    r -> bars.mapWhole(FN, 1, MemoryType.DEVICE, false, shared)),
            refused("write-combining a BAR that is not prefetchable", IAE, "is not prefetchable",
                    r -> bars.mapWhole(FN, 0, MemoryType.WRITE_COMBINING, false, shared)),
            refused("mapping an absent BAR", IAE, "BAR 3 is not implemented", r -> bars.mapWhole(FN, 3, MemoryType.DEVICE, true, shared)),
            refused("mapping a BAR of a function that does not exist", IAE, "no PCI function 0000:00:1f.7",
                    r -> bars.mapWhole(PciAddress.parse("0000:00:1f.7"), 0, MemoryType.DEVICE, true, shared)),
            refused("a BAR window at a negative offset", IAE, "is not inside the BAR",
                    r -> bars.map(FN, 0, MemoryType.DEVICE, -4096, 4096, false, shared)),
            refused("a BAR window whose offset + length overflows", IAE, "is not inside the BAR",
                    r -> bars.map(FN, 0, MemoryType.DEVICE, 4096, max, false, shared)),
            refused("a BAR window at Long.MAX_VALUE - 10", IAE, "is not inside the BAR",
                    r -> bars.map(FN, 0, MemoryType.DEVICE, max - 10, 16, false, shared)),
            refused("a BAR window of length 0", IAE, "is not inside the BAR", r -> bars.map(FN, 0, MemoryType.DEVICE, 0, 0, true, shared)),
            refused("a BAR whose resourceN file is missing", BarMappingException.class, "resource4 does not exist",
                    r -> bars.mapWhole(FN, 4, MemoryType.DEVICE, false, shared)),
            refused("a BAR whose resourceN file is shorter than the BAR", BarMappingException.class, "goes beyond",
                    r -> bars.mapWhole(FN, 5, MemoryType.DEVICE, false, shared)),
            refused("a BAR whose resourceN is a symbolic link", BarMappingException.class, "is a symbolic link",
                    r -> bars.mapWhole(FN, 2, MemoryType.DEVICE, false, shared)),
            refused("a stand-in file that does not exist", BarMappingException.class, "does not exist",
                    r -> SysfsBarMapper.mapFile(dir.resolve("missing.bin"), 0, 16, MemoryType.DEVICE, true, shared)),
            refused("a stand-in file window past its end", BarMappingException.class, "goes beyond",
                    r -> SysfsBarMapper.mapFile(barFile, 4096, max, MemoryType.DEVICE, false, shared)),
            refused("a stand-in file window at a negative offset", IAE, "is empty or negative",
                    r -> SysfsBarMapper.mapFile(barFile, -1, 16, MemoryType.DEVICE, false, shared)),
            refused("a directory as a stand-in file", BarMappingException.class, "is not a regular file",
                    r -> SysfsBarMapper.mapFile(dir, 0, 16, MemoryType.DEVICE, true, shared)),

            // ---- sysfs files missing, unreadable, truncated, not hex; trees that lead elsewhere ----
            refused("sysfs vendor file missing", UncheckedIOException.class, "0000:00:01.0/vendor: missing",
                    r -> SysfsPciTopology.open(badRoot("vendor-missing"), cpuinfo)),
            refused("sysfs vendor file unreadable (a directory)", UncheckedIOException.class, "vendor: cannot read",
                    r -> SysfsPciTopology.open(badRoot("vendor-unreadable"), cpuinfo)),
            refused("sysfs vendor file not hex", MalformedSysfsFileException.class, "'g' is not a hex digit",
                    r -> SysfsPciTopology.open(badRoot("vendor-not-hex"), cpuinfo)),
            refused("sysfs resource file truncated", MalformedSysfsFileException.class, "resource: is truncated",
                    r -> SysfsPciTopology.open(badRoot("resource-truncated"), cpuinfo)),
            refused("sysfs resource file not hex", MalformedSysfsFileException.class, "resource: line 1",
                    r -> SysfsPciTopology.open(badRoot("resource-not-hex"), cpuinfo)),
            refused("sysfs config file truncated", MalformedSysfsFileException.class, "config: is truncated",
                    r -> SysfsPciTopology.open(badRoot("config-truncated"), cpuinfo)),
            refused("sysfs attribute file that is a link to another file", MalformedSysfsFileException.class,
                    "vendor: is a symbolic link", r -> SysfsPciTopology.open(badRoot("vendor-link"), cpuinfo)),
            refused("sysfs function link that leads out of the device tree", MalformedSysfsFileException.class,
                    "does not end in 0000:00:01.0", r -> SysfsPciTopology.open(badRoot("link-out-of-tree"), cpuinfo)),
            refused("sysfs root that is not a directory", UncheckedIOException.class, "not a directory of PCI functions",
                    r -> SysfsPciTopology.open(barFile, cpuinfo)),

            // ---- DMA constraints, and memory the constraints cannot reach ----
            refused("0 DMA address bits", IAE, "DMA address bits must be 1 to 64, got 0",
                    r -> DmaConstraints.UNRESTRICTED.withAddressBits(0)),
            refused("65 DMA address bits", IAE, "DMA address bits must be 1 to 64, got 65",
                    r -> DmaConstraints.UNRESTRICTED.withAddressBits(65)),
            refused("a max segment of 0", IAE, "max segment size must be 1 to 4294967295 bytes, got 0",
                    r -> DmaConstraints.UNRESTRICTED.withMaxSegmentSize(0)),
            refused("a max segment of 4 GiB", IAE, "got 4294967296", r -> DmaConstraints.UNRESTRICTED.withMaxSegmentSize(1L << 32)),
            refused("a boundary mask that is not 2^n-1", IAE, "segment boundary mask must be 2^n-1, got 0x1000",
                    r -> DmaConstraints.UNRESTRICTED.withBoundaryMask(0x1000)),
            refused("a boundary mask of 0", IAE, "segment boundary mask must be 2^n-1, got 0x0",
                    r -> DmaConstraints.UNRESTRICTED.withBoundaryMask(0)),
            refused("a DMA alignment that is not a power of two", IAE, "power of two, got 3",
                    r -> DmaConstraints.UNRESTRICTED.withAlignment(3)),
            refused("address bits too few for the memory (real pagemap mapping)", DmaMappingException.class,
                    "above the device's 20-bit DMA mask 0xfffff",
                    r -> PagemapDmaMapper.create().mapUser(dmaBuffer, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED.withAddressBits(20))),
            refused("VFIO for a function that does not exist", DmaMappingException.class, "no PCI device 0000:00:1f.7",
                    r -> VfioDmaMapper.open(PciAddress.parse("0000:00:1f.7"))),
            refused("VFIO for a function without an IOMMU group", DmaMappingException.class, "0000:00:01.0 has no IOMMU group",
                    r -> VfioDmaMapper.open(FN, IoctlGateway.system(), dir.resolve("no-dev-vfio"), topology.root())),
            refused("a heap segment as a DMA buffer", IAE, "must be native memory",
                    r -> PagemapDmaMapper.create().mapUser(ram(4096), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
            refused("a DMA buffer whose arena is closed", ISE, "the DMA buffer's arena is closed",
                    r -> PagemapDmaMapper.create().mapUser(closedSegment(), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
            refused("a DMA buffer that does not start on a page", IAE, "must start on a page boundary",
                    r -> PagemapDmaMapper.create().mapUser(dmaBuffer.asSlice(8, 4096), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
            refused("an empty DMA buffer", IAE, "DMA buffer is empty",
                    r -> PagemapDmaMapper.create().mapUser(dmaBuffer.asSlice(0, 0), DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)),
            refused("a DMA range of length 0", IAE, "must be positive, got 0", r -> r.physical().add(0x1000, 0)),
            refused("a DMA range that wraps past 2^64", IAE, "wraps past the top", r -> r.physical().add(-4096L, 8192)),
            refused("a DMA range at physical address 0", DmaMappingException.class, "physical DMA address 0 refused",
                    r -> r.physical().add(0, 4096)),
            refused("a DMA range near Long.MAX_VALUE bytes (more segments than a table holds)", IAE, "a table holds at most 2^29",
                    r -> r.physical().add(0x1000, max - 0x1000)),
            refused("DMA ranges whose total passes Long.MAX_VALUE", IAE, "longer than " + max,
                    r -> DmaTableBuilder.create(DmaAddressSpace.IOVA, DmaConstraints.UNRESTRICTED.withMaxSegmentSize(0xFFFF_FFFFL),
                            DmaDirection.TO_DEVICE, null, false).add(0x1000, 1L << 40).add(1L << 62, max - (1L << 40) + 1)),

            // ---- backends ----
            refused("an unknown backend", UnknownBackendException.class, "unknown backend \"nonesuch\" (from catalogue); known backends:",
                    r -> BackendDiscovery.discover(BadInputCatalogueTest.class.getClassLoader())
                            .select(Optional.of(new BackendChoice("nonesuch", "catalogue")))),
            refused("an unknown backend through the Iomem entry point", UnknownBackendException.class,
                    "unknown backend \"nonesuch\" (from Iomem.platform(name))", r -> Iomem.platform("nonesuch")),
            refused("a blank backend name", IAE, "empty backend name from catalogue", r -> new BackendChoice("  ", "catalogue")),
            refused("a backend from a plugin jar that fails to load", UnknownBackendException.class,
                    "failed to load: MissingBackend",
                    r -> BackendDiscovery.discover(brokenPlugin).select(Optional.of(new BackendChoice("missing", "catalogue")))),
            refused("opening a window with a backend whose probe() throws", ISE,
                    "probe() threw IllegalStateException: plugin probe exploded",
                    r -> IoPlatform.of(new FixtureBackend("exploding", Set.of("amd64"), 1, Availability.available("x")) {
                        @Override
                        public Availability probe() {
                            throw new IllegalStateException("plugin probe exploded");
                        }
                    }, "catalogue").open(writable))
        );
    }

    @Test
    @DisplayName("the catalogue holds at least 40 cases, each with a distinct name")
    void size() {
        List<Case> all = cases();
        assertThat(all).hasSizeGreaterThanOrEqualTo(40);
        assertThat(all.stream().map(Case::name).distinct().count()).isEqualTo(all.size());
    }

    @TestFactory
    @DisplayName("each bad input gets its exact exception and one-line message, and nothing happens")
    Stream<DynamicTest> catalogue() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Case c) {
        Rig rig = new Rig();
        ProcessFootprint before = ProcessFootprint.of(dir);
        Throwable thrown = catchThrowable(() -> c.action().run(rig));
        if (c.type() == null) {
            assertThat(thrown).as("completes").isNull();
        } else {
            assertThat(thrown).as("exception").isExactlyInstanceOf(c.type());
            assertThat(thrown.getMessage()).as("message").contains(c.phrase()).doesNotContain("\n").doesNotContain("\r");
            assertThat(thrown.getMessage()).as("no file content quoted").doesNotContain("SECRET-CONTENT");
        }
        assertThat(rig.trace).as("bus transactions and barriers").isEmpty();
        assertThat(ProcessFootprint.of(dir)).as("locked memory, mappings of the fixture files, their bytes").isEqualTo(before);
        c.after().accept(rig);
    }

    private static Path write(Path p, String text) {
        try {
            return Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createDirectory(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
