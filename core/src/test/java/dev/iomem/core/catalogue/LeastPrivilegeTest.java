package dev.iomem.core.catalogue;

import dev.iomem.api.MemoryType;
import dev.iomem.api.dma.DmaMapper;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciTopology;
import dev.iomem.core.dma.DmaMappers;
import dev.iomem.core.dma.PagemapDmaMapper;
import dev.iomem.core.dma.VfioDmaMapper;
import dev.iomem.core.pci.BarMappingException;
import dev.iomem.core.pci.MalformedSysfsFileException;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.pci.SysfsPciTopology;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Least privilege: sysfs paths come only from a validated {@link PciAddress}, names and links
 * in a sysfs tree cannot turn into other paths, and windows mapped for reading are mapped
 * read-only (so a read-only mapping of a file that cannot be written works, and cannot write).
 */
@DisplayName("Least privilege: sysfs paths and read-only mappings")
class LeastPrivilegeTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("the public API that reaches sysfs or /dev/vfio names a function only by PciAddress: no String parameter anywhere")
    void onlyPciAddress() {
        List<String> stringly = new ArrayList<>();
        int addressParameters = 0;
        for (Class<?> type : List.of(PciTopology.class, SysfsPciTopology.class, SysfsBarMapper.class, DmaMapper.class,
                PagemapDmaMapper.class, VfioDmaMapper.class, DmaMappers.class)) {
            List<Executable> api = new ArrayList<>(List.of(type.getConstructors()));
            Stream.of(type.getMethods()).filter(m -> m.getDeclaringClass() != Object.class).forEach(api::add);
            for (Executable e : api) {
                if (!Modifier.isPublic(e.getModifiers())) {
                    continue;
                }
                for (Class<?> p : e.getParameterTypes()) {
                    if (CharSequence.class.isAssignableFrom(p) || p == Object.class || p == char[].class) {
                        stringly.add(type.getSimpleName() + "." + e.getName());
                    }
                    if (p == PciAddress.class) {
                        addressParameters++;
                    }
                }
            }
        }
        assertThat(stringly).as("methods that take text where a PciAddress belongs").isEmpty();
        assertThat(addressParameters).as("the functions are named by PciAddress").isGreaterThanOrEqualTo(10);
    }

    @Test
    @DisplayName("a function's directory is the root resolved with the canonical address, whatever case it was parsed from")
    void canonicalDirectory() {
        CatalogueSysfs s = new CatalogueSysfs(dir);
        s.function("0000:00:1f.0", new long[] {0xfe00_0000L, 0x1000, CatalogueSysfs.MEM32});
        SysfsPciTopology t = SysfsPciTopology.open(s.root, s.cpuinfo);
        assertThat(t.functionDirectory(PciAddress.parse("0000:00:1F.0"))).isEqualTo(s.root.resolve("0000:00:1f.0"));
        assertThat(t.functionDirectory(PciAddress.parse("00:1f.0"))).isEqualTo(s.root.resolve("0000:00:1f.0"));
    }

    @Test
    @DisplayName("entries named like traversal or near-addresses are ignored and never read (their files would not parse)")
    void trickNamesIgnored() throws IOException {
        CatalogueSysfs s = new CatalogueSysfs(dir);
        Path real = s.function("0000:00:01.0", new long[] {0xfe00_0000L, 0x1000, CatalogueSysfs.MEM32});
        List<String> names = List.of("0000:00:01.0..", "...", "..x", "0000:00:01.0 ", "0000:00:01.0\n", "0000:00:1F.0",
                "0000:00:01.0%2f..", "0000:00:01.0x", " 0000:00:01.", "10000:00:01.0", "0000:00:01.9", "00:01.0");
        for (String n : names) {
            Path d = Files.createDirectories(s.root.resolve(n));
            Files.writeString(d.resolve("vendor"), "not hex at all\n");
        }
        Files.createSymbolicLink(s.root.resolve("0000:00:01.0.link"), real);
        SysfsPciTopology t = SysfsPciTopology.open(s.root, s.cpuinfo);
        assertThat(t.devices()).hasSize(1);
        assertThat(t.devices().getFirst().address()).isEqualTo(PciAddress.parse("0000:00:01.0"));
        assertThat(t.ignoredEntries()).hasSize(names.size() + 1).contains("...", "..x", "0000:00:01.0\\u000a", "00:01.0");
    }

    @Test
    @DisplayName("a link that makes one function stand for another is refused: the canonical path must end in the address")
    void masqueradeRefused() throws IOException {
        CatalogueSysfs s = new CatalogueSysfs(dir);
        Path real = s.function("0000:00:01.0", new long[] {0xfe00_0000L, 0x1000, CatalogueSysfs.MEM32});
        Files.createSymbolicLink(s.root.resolve("0000:00:02.0"), real);
        assertThatThrownBy(() -> SysfsPciTopology.open(s.root, s.cpuinfo)).isExactlyInstanceOf(MalformedSysfsFileException.class)
                .hasMessageContaining("0000:00:02.0").hasMessageContaining("does not end in 0000:00:02.0");
    }

    @Test
    @DisplayName("a read-only window is mapped r--s, a writable one rw-s, as /proc/self/maps shows")
    void readOnlyMapping() throws IOException {
        Path f = Files.write(dir.resolve("bar.bin"), new byte[8192]);
        String real = f.toRealPath().toString();
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion ro = SysfsBarMapper.mapFile(f, 0, 8192, MemoryType.DEVICE, true, arena);
            assertThat(ro.readOnly()).isTrue();
            assertThat(ro.segment().isReadOnly()).isTrue();
            assertThat(mappings(real)).singleElement().satisfies(l -> assertThat(l.split("\\s+")[1]).isEqualTo("r--s"));
        }
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion rw = SysfsBarMapper.mapFile(f, 0, 8192, MemoryType.DEVICE, false, arena);
            assertThat(rw.readOnly()).isFalse();
            assertThat(mappings(real)).singleElement().satisfies(l -> assertThat(l.split("\\s+")[1]).isEqualTo("rw-s"));
        }
        assertThat(mappings(real)).isEmpty();
    }

    @Test
    @DisplayName("a file that cannot be written (chattr +i: even root may not) maps read-only; a writable mapping fails with one line")
    void immutableFile() throws Exception {
        Path f = Files.write(dir.resolve("rom.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assumeTrue(chattr("+i", f), "chattr +i is not possible here");
        try {
            try (Arena arena = Arena.ofConfined()) {
                MappedRegion ro = SysfsBarMapper.mapFile(f, 0, 8, MemoryType.DEVICE, true, arena);
                assertThat(ro.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 7)).isEqualTo((byte) 8);
            }
            try (Arena arena = Arena.ofConfined()) {
                assertThatThrownBy(() -> SysfsBarMapper.mapFile(f, 0, 8, MemoryType.DEVICE, false, arena))
                        .isExactlyInstanceOf(BarMappingException.class)
                        .hasMessageContaining("cannot map " + f).hasMessageContaining("Operation not permitted")
                        .message().doesNotContain("\n");
            }
            assertThat(mappings(f.toRealPath().toString())).isEmpty();
        } finally {
            chattr("-i", f);
        }
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    private static List<String> mappings(String file) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(" " + file)).toList();
    }

    /** Runs {@code chattr}; returns whether it worked. */
    static boolean chattr(String flag, Path file) throws IOException, InterruptedException {
        Path chattr = Path.of("/usr/bin/chattr");
        if (!Files.isExecutable(chattr)) {
            return false;
        }
        Process p = new ProcessBuilder(chattr.toString(), flag, file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}
