package dev.iomem.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("iomem map (real mmap, mlock and /proc/self/pagemap, as root)")
class MapCommandTest {

    private static final Pattern SEGMENT = Pattern.compile("\\{\"address\":(\\d+),\"length\":(\\d+)}");
    private static final long MIB = 1 << 20;

    /** {@return VmLck of this JVM in bytes} */
    private static long lockedBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmLck:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
            }
        }
        return 0;
    }

    /** The "segments" array of --json output as {address, length} pairs. */
    private static List<long[]> segments(String json) {
        String list = json.substring(json.indexOf("\"segments\":["));
        List<long[]> out = new ArrayList<>();
        Matcher m = SEGMENT.matcher(list);
        while (m.find()) {
            out.add(new long[] {Long.parseUnsignedLong(m.group(1)), Long.parseLong(m.group(2))});
        }
        return out;
    }

    @Test
    @DisplayName("--size 64M --json: segment lengths add up to exactly 64 MiB at nonzero, page-aligned PHYSICAL addresses")
    void json64M() throws IOException {
        long before = lockedBytes();
        CliRun r = CliRun.inProcess("map", "--size", "64M", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        String json = r.out().strip();
        assertThat(json).startsWith("{").endsWith("}").doesNotContain("\n");
        assertThat(json).contains("\"mapper\":\"pagemap\"", "\"addressSpace\":\"PHYSICAL\"", "\"size\":67108864",
                "\"totalLength\":67108864", "\"unmapped\":true", "\"coalescingRatio\":", "\"boundaryMask\":null");
        List<long[]> segs = segments(json);
        assertThat(json).contains("\"segmentCount\":" + segs.size() + ",");
        assertThat(segs.stream().mapToLong(s -> s[1]).sum()).isEqualTo(64 * MIB);
        assertThat(segs).allSatisfy(s -> {
            assertThat(s[0]).isNotZero();
            assertThat(s[0] % 4096).isZero();
            assertThat(s[1]).isPositive().isLessThanOrEqualTo(0xFFFF_FFFFL);
        });
        assertThat(lockedBytes()).as("nothing stays locked").isEqualTo(before);
    }

    @Test
    @DisplayName("text output names the address space, segment count, coalescing ratio and first and last segments")
    void text() {
        CliRun r = CliRun.inProcess("map", "--size", "4M");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Mapped 4 MiB for DMA with pagemap, then unmapped and freed it.",
                "address space  PHYSICAL", "for 1024 pages of 4 KiB (coalescing ratio", "first          0x", "last           0x");
        assertThat(r.err()).isEmpty();
    }

    @Test
    @DisplayName("--max-segment 4096 makes every segment at most 4096 bytes; --boundary 0xffff is never crossed")
    void constraints() {
        CliRun r = CliRun.inProcess("map", "--size", "8M", "--max-segment", "4096", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        List<long[]> segs = segments(r.out());
        assertThat(segs).hasSize(2048).allSatisfy(s -> assertThat(s[1]).isLessThanOrEqualTo(4096));
        CliRun b = CliRun.inProcess("map", "--size", "8M", "--boundary", "0xffff", "--max-segment", "1M", "--json");
        assertThat(b.exit()).as(b.err()).isZero();
        List<long[]> bs = segments(b.out());
        assertThat(bs.stream().mapToLong(s -> s[1]).sum()).isEqualTo(8 * MIB);
        assertThat(bs).allSatisfy(s -> assertThat(s[0] & ~0xffffL).isEqualTo((s[0] + s[1] - 1) & ~0xffffL));
        assertThat(b.out()).contains("\"boundaryMask\":65535", "\"maxSegmentSize\":1048576");
    }

    @Test
    @DisplayName("a DMA mask too small for the memory fails with one line, prints nothing, and leaves nothing locked")
    void maskTooSmall() throws IOException {
        long before = lockedBytes();
        CliRun r = CliRun.inProcess("map", "--size", "16M", "--address-bits", "20", "--json");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).startsWith("iomem: DMA range 0x").contains("above the device's 20-bit DMA mask 0xfffff")
                .doesNotContain("\n");
        assertThat(lockedBytes()).isEqualTo(before);
    }

    @Test
    @DisplayName("--hugepages with a short pool fails saying what to change, and leaves nothing locked")
    void hugePagesShort() throws IOException {
        long free;
        try {
            free = Long.parseLong(Files.readString(Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages")).strip());
        } catch (IOException e) {
            free = -1;
        }
        assumeTrue(free >= 0 && free < 8, "this machine has 8 or more free hugepages");
        long before = lockedBytes();
        CliRun r = CliRun.inProcess("map", "--size", "16M", "--hugepages");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).contains("2 MiB hugepages", "needs 8 free hugepages", "vm.nr_hugepages").doesNotContain("\n");
        assertThat(lockedBytes()).isEqualTo(before);
    }

    @Test
    @DisplayName("bad sizes, masks, widths and devices are usage errors (exit 2) that name the option")
    void badOptions() {
        for (String[] args : List.of(new String[] {"--size", "12Q"}, new String[] {"--size", "0"}, new String[] {"--size", "-5"},
                new String[] {"--size", "99999999999T"}, new String[] {"--size", "1M", "--boundary", "0x1000"},
                new String[] {"--size", "1M", "--boundary", "0xzz"}, new String[] {"--size", "1M", "--address-bits", "65"},
                new String[] {"--size", "1M", "--max-segment", "4G"}, new String[] {"--size", "1M", "--max-segment", "0"},
                new String[] {"--size", "1M", "--device", "01:00"}, new String[] {})) {
            List<String> a = new ArrayList<>(List.of("map"));
            a.addAll(List.of(args));
            CliRun r = CliRun.inProcess(a.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().findFirst().orElseThrow()).as(String.join(" ", args)).matches(".*(--|SIZE|size).*");
        }
        CliRun bound = CliRun.inProcess("map", "--size", "1M", "--boundary", "0x1000");
        assertThat(bound.err()).isEqualTo("iomem: --boundary: segment boundary mask must be 2^n-1, got 0x1000" + System.lineSeparator());
    }

    @Test
    @DisplayName("--device on a machine without /dev/vfio falls back to pagemap and says why")
    void deviceWithoutVfio() {
        assumeTrue(!Files.exists(Path.of("/dev/vfio/vfio")), "this machine has VFIO");
        CliRun r = CliRun.inProcess("map", "--size", "1M", "--device", "0000:00:00.0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("with pagemap", "there is no /dev/vfio/vfio on this machine");
    }

    @Test
    @DisplayName("without privileges (a child JVM with every capability dropped) it exits 1 with a privilege message and prints no address")
    void unprivileged() throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "no setpriv");
        List<String> cmd = new ArrayList<>(List.of(setpriv.toString(), "--inh-caps=-all", "--bounding-set=-all", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", CliRun.classPath(), "dev.iomem.cli.Main"));
        for (List<String> args : List.of(List.of("map", "--size", "64M"), List.of("map", "--size", "64M", "--json"))) {
            List<String> full = new ArrayList<>(cmd);
            full.addAll(args);
            Process p = new ProcessBuilder(full).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            String err = new String(p.getErrorStream().readAllBytes());
            assertThat(p.waitFor()).as(err).isEqualTo(1);
            assertThat(out).isEmpty();
            assertThat(err.strip()).startsWith("iomem: pagemap DMA mapping needs the CAP_SYS_ADMIN privilege")
                    .doesNotContain("0x").doesNotContain("\n");
        }
    }

    @Test
    @DisplayName("map --help documents the options")
    void help() {
        CliRun r = CliRun.inProcess("map", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--size", "--hugepages", "--max-segment", "--boundary", "--address-bits", "--json", "--device");
    }
}
