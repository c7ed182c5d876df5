package dev.iomem.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bad-input catalogue of the command line: each row is a mistaken command, the exit code it
 * must give (2 for a usage error, 1 for any other failure) and the key phrase of its one line on
 * stderr. For every row: exactly one line on stderr, starting {@code iomem: }, with no stack
 * trace; nothing on stdout; nothing printed around picocli's writers (System.out and System.err
 * are captured too); and nothing happened: the same locked memory, the same mappings of the
 * fixture files, and the same bytes in every fixture file. Rows that need a real process (the
 * JVM's own stderr, fewer privileges, a lower memlock limit) run in a child JVM.
 */
@DisplayName("Bad-input catalogue: the iomem command")
class BadInputCatalogueCliTest {

    private static final String INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n";
    private static final long MEM = 0x200;
    private static final long IO = 0x101;

    @TempDir
    static Path dir;
    static PciFixture pci;
    static Path bar;
    static Path empty;
    static Path plugins;

    @BeforeAll
    static void fixtures() throws IOException {
        byte[] noise = new byte[256];
        new Random(11).nextBytes(noise);
        bar = Files.write(dir.resolve("bar.bin"), noise);
        empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        pci = new PciFixture(dir.resolve("pci"), INTEL);
        Path fn = pci.function("pci0000:00/0000:00:01.0", 0x1af4, 0x1041, 0x020000, true,
                new long[] {0xfe00_0000L, 0x1000, MEM},  // BAR 0: resource0
                new long[] {0xe000, 0x20, IO},           // BAR 1: I/O ports
                new long[] {0xfd00_0000L, 0x1000, MEM}); // BAR 2: resource2 deleted below
        Files.delete(fn.resolve("resource2"));

        broken("vendor-missing", d -> Files.delete(d.resolve("vendor")));
        broken("vendor-unreadable", d -> {
            Files.delete(d.resolve("vendor"));
            Files.createDirectory(d.resolve("vendor"));
        });
        broken("vendor-not-hex", d -> Files.writeString(d.resolve("vendor"), "0x1g34\n"));
        broken("resource-truncated", d -> Files.writeString(d.resolve("resource"),
                "0x00000000fe000000 0x00000000fe000fff 0x0000000000000200\n"));
        broken("config-truncated", d -> Files.writeString(d.resolve("config"), "short"));

        plugins = dir.resolve("plugins");
        Files.createDirectories(plugins.resolve("empty"));
        Files.createDirectories(plugins.resolve("corrupt"));
        Files.writeString(plugins.resolve("corrupt/corrupt.jar"), "this is not a zip file\n");
        Files.createDirectories(plugins.resolve("missing-provider"));
        try (OutputStream os = Files.newOutputStream(plugins.resolve("missing-provider/broken.jar"));
             JarOutputStream jos = new JarOutputStream(os)) {
            jos.putNextEntry(new JarEntry("META-INF/services/dev.iomem.spi.ArchBackend"));
            jos.write("com.example.MissingBackend\n".getBytes(StandardCharsets.US_ASCII));
        }
        Path jar = ProbeCommandTest.PluginFixture.build(dir.resolve("build"), "explodingfixture", "ExplodingBackend", "exploding", "", true);
        Files.createDirectories(plugins.resolve("probe-throws"));
        Files.move(jar, plugins.resolve("probe-throws").resolve(jar.getFileName()));
        Path asserting = ProbeCommandTest.PluginFixture.build(dir.resolve("build-asserting"), "assertingfixture", "AssertingBackend",
                "asserting", "return Availability.available(\"fixture\");", "throw new AssertionError(\"plugin bug\");");
        Files.createDirectories(plugins.resolve("asserting"));
        Files.move(asserting, plugins.resolve("asserting").resolve(asserting.getFileName()));
    }

    @FunctionalInterface
    interface Mutation {
        void apply(Path functionDirectory) throws IOException;
    }

    /** A fixture tree of one function, then broken. */
    private static void broken(String name, Mutation mutation) throws IOException {
        PciFixture f = new PciFixture(dir.resolve("broken").resolve(name), INTEL);
        mutation.apply(f.function("pci0000:00/0000:00:01.0", 0x1af4, 0x1041, 0x020000, true, new long[] {0xfe00_0000L, 0x1000, MEM}));
    }

    private static String sysfs(String broken) {
        return dir.resolve("broken").resolve(broken).resolve("sys/bus/pci/devices").toString();
    }

    /**
     * One row.
     *
     * @param name   what the mistake is
     * @param exit   the exit code
     * @param phrase the key phrase of the stderr line
     * @param args   the command line
     */
    record Row(String name, int exit, String phrase, List<String> args) {
    }

    static Row usage(String name, String phrase, String... args) {
        return new Row(name, 2, phrase, List.of(args));
    }

    static Row failure(String name, String phrase, String... args) {
        return new Row(name, 1, phrase, List.of(args));
    }

    static List<Row> rows() {
        String f = bar.toString();
        String[] sys = pci.options();
        String root = sys[1];
        String cpu = sys[3];
        return List.of(
            // ---- usage errors: exit 2 ----
            usage("no command", "a command is required"),
            usage("an unknown command", "Unmatched argument at index 0: 'no-such-command'", "no-such-command"),
            usage("an unknown option", "Unknown option: '--no-such-option'", "probe", "--no-such-option"),
            usage("peek of PCI address ../../etc", "invalid PCI address \"../../etc\"", "peek", "../../etc", "0", "0", "--sysfs", root),
            usage("peek of PCI address 0000:00:01.0/..", "invalid PCI address \"0000:00:01.0/..\"", "peek", "0000:00:01.0/..", "0", "0",
                    "--sysfs", root),
            usage("poke of PCI address ../../etc", "invalid PCI address", "poke", "../../etc", "0", "0", "1", "--sysfs", root),
            usage("BAR index 6", "BAR index 6 is not 0 to 5", "peek", "0000:00:01.0", "6", "0", "--sysfs", root),
            usage("a BAR index beyond 64 bits", "BAR \"99999999999999999999\" is not a non-negative number",
                    "peek", "0000:00:01.0", "99999999999999999999", "0", "--sysfs", root),
            usage("a negative offset", "OFFSET \"-4\" is not a non-negative number", "peek", "--file", f, "-4"),
            usage("an offset of 2^64 - 1", "OFFSET 0xffffffffffffffff is beyond 2^63", "peek", "--file", f, "0xffffffffffffffff"),
            usage("an offset of 17 hex digits", "OFFSET \"0x1ffffffffffffffff\" is not a non-negative number",
                    "peek", "--file", f, "0x1ffffffffffffffff"),
            usage("a width of 12 bits", "--width 12 is not 8, 16, 32 or 64", "peek", "--file", f, "0", "--width", "12"),
            usage("a count of 0", "--count 0 is not 1 to 1048576", "peek", "--file", f, "0", "--count", "0"),
            usage("a negative count", "--count -1 is not 1 to 1048576", "peek", "--file", f, "0", "--count", "-1"),
            usage("a count that is not a number", "Invalid value for option '--count': 'x' is not a long",
                    "peek", "--file", f, "0", "--count", "x"),
            usage("a value that does not fit the width", "VALUE 0x100 does not fit 8 bits", "poke", "--file", f, "0", "0x100", "--width", "8"),
            usage("a value that is not a number", "VALUE \"zz\" is not a non-negative number", "poke", "--file", f, "0", "zz"),
            usage("poke without a value", "requires at least 2 values, but only 1 were specified", "poke", "--file", f, "0"),
            usage("map of size 0", "--size must be positive, got 0", "map", "--size", "0"),
            usage("map of a size too large", "'99999999999T' is too large", "map", "--size", "99999999999T"),
            usage("map with a max segment of 0", "--max-segment: max segment size must be 1 to 4294967295 bytes, got 0",
                    "map", "--size", "1M", "--max-segment", "0"),
            usage("map with a boundary mask that is not 2^n-1", "--boundary: segment boundary mask must be 2^n-1, got 0x1000",
                    "map", "--size", "1M", "--boundary", "0x1000"),
            usage("map with 0 address bits", "--address-bits: DMA address bits must be 1 to 64, got 0", "map", "--size", "1M",
                    "--address-bits", "0"),
            usage("map for device ../../etc", "--device: invalid PCI address \"../../etc\"", "map", "--size", "1M", "--device", "../../etc"),
            usage("vfio without a command", "a vfio command is required: bind, unbind or info", "vfio"),
            usage("vfio bind of PCI address ../../etc", "invalid PCI address \"../../etc\"", "vfio", "bind", "../../etc", "--force",
                    "--sysfs", root),
            usage("vfio unbind of PCI address 0000:00:01.0/..", "invalid PCI address \"0000:00:01.0/..\"", "vfio", "unbind",
                    "0000:00:01.0/..", "--sysfs", root),
            usage("vfio info with an unknown IOMMU path", "--iommu-path legacy is not auto, iommufd or group-container",
                    "vfio", "info", "0000:00:01.0", "--iommu-path", "legacy", "--sysfs", root),
            usage("peek --vfio with --file", "--vfio and --file cannot be combined", "peek", "--vfio", "--file", f, "0"),
            usage("poke --vfio with --wc", "--wc cannot be combined with --vfio", "poke", "--vfio", "--wc", "0000:00:01.0", "0", "0", "1",
                    "--sysfs", root),
            usage("peek with --iommu-path but without --vfio", "--iommu-path, --dev-vfio and --dev-iommu need --vfio",
                    "peek", "0000:00:01.0", "0", "0", "--iommu-path", "iommufd", "--sysfs", root),

            // ---- failures: exit 1 ----
            failure("peek of an I/O BAR", "0000:00:01.0 BAR 1 is I/O port space, which cannot be memory-mapped",
                    PciCommandsTest.args(new String[] {"peek", "0000:00:01.0", "1", "0"}, sys)),
            failure("peek of an absent BAR", "0000:00:01.0 BAR 3 is not implemented", PciCommandsTest.args(new String[] {"peek", "0000:00:01.0", "3", "0"}, sys)),
            failure("peek of a BAR whose resourceN file is missing", "resource2 does not exist",
                    PciCommandsTest.args(new String[] {"peek", "0000:00:01.0", "2", "0"}, sys)),
            failure("peek past the end of a BAR", "1 access(es) of 4 byte(s) at offset 0x1000 go beyond its 0x1000 bytes",
                    PciCommandsTest.args(new String[] {"peek", "0000:00:01.0", "0", "0x1000"}, sys)),
            failure("poke past the end of a BAR", "go beyond its 0x1000 bytes",
                    PciCommandsTest.args(new String[] {"poke", "0000:00:01.0", "0", "0xffe", "1"}, sys)),
            failure("peek of a function that does not exist", "no PCI function 0000:00:1f.7",
                    PciCommandsTest.args(new String[] {"peek", "0000:00:1f.7", "0", "0"}, sys)),
            failure("peek --wc of a BAR that is not prefetchable", "BAR 0 is not prefetchable",
                    PciCommandsTest.args(new String[] {"peek", "--wc", "0000:00:01.0", "0", "0"}, sys)),
            failure("peek of a stand-in file that does not exist", "does not exist", "peek", "--file", dir.resolve("missing.bin").toString(), "0"),
            failure("peek of an empty stand-in file", "is empty: there is nothing to map", "peek", "--file", empty.toString(), "0"),
            failure("poke of a directory as a stand-in file", "is not a regular file", "poke", "--file", dir.toString(), "0", "1"),
            failure("peek --count running past the end of the file", "2 access(es) of 4 byte(s) at offset 0xfc go beyond its 0x100 bytes",
                    "peek", "--file", f, "0xfc", "--count", "2"),
            failure("poke one byte past the end of the file", "1 access(es) of 1 byte(s) at offset 0x100 go beyond",
                    "poke", "--file", f, "0x100", "1", "--width", "8"),
            failure("devices of a sysfs directory that does not exist", "not a directory of PCI functions",
                    "devices", "--sysfs", dir.resolve("no-such-sysfs").toString(), "--cpuinfo", cpu),
            failure("devices with a vendor file missing", "0000:00:01.0/vendor: missing", "devices", "--sysfs", sysfs("vendor-missing")),
            failure("devices with a vendor file unreadable", "0000:00:01.0/vendor: cannot read", "devices", "--sysfs", sysfs("vendor-unreadable")),
            failure("devices with a vendor file not hex", "'g' is not a hex digit", "devices", "--sysfs", sysfs("vendor-not-hex")),
            failure("devices with a truncated resource file", "resource: is truncated: 1 line(s), expected at least 6",
                    "devices", "--sysfs", sysfs("resource-truncated")),
            failure("devices with a truncated config file", "config: is truncated", "devices", "--sysfs", sysfs("config-truncated")),
            failure("p2p with a vendor file not hex", "'g' is not a hex digit", "p2p", "--sysfs", sysfs("vendor-not-hex")),
            failure("peek through a sysfs tree with a truncated resource file", "resource: is truncated",
                    "peek", "0000:00:01.0", "0", "0", "--sysfs", sysfs("resource-truncated")),
            failure("vfio info of a function without an IOMMU group", "0000:00:01.0 has no IOMMU group: the IOMMU is off or absent",
                    "vfio", "info", "0000:00:01.0", "--sysfs", root),
            failure("peek --vfio of a function without an IOMMU group", "0000:00:01.0 has no IOMMU group",
                    "peek", "--vfio", "0000:00:01.0", "0", "0", "--sysfs", root),
            failure("vfio bind when vfio-pci is not loaded", "vfio-pci is not loaded", "vfio", "bind", "0000:00:01.0", "--sysfs", root),
            failure("vfio bind of a function that does not exist", "no PCI function 0000:00:1f.7", "vfio", "bind", "0000:00:1f.7",
                    "--force", "--sysfs", root),
            failure("vfio unbind of a function without a driver", "0000:00:01.0 is not bound to vfio-pci (it has no driver)",
                    "vfio", "unbind", "0000:00:01.0", "--sysfs", root),
            failure("map with address bits too few for the memory", "above the device's 20-bit DMA mask 0xfffff",
                    "map", "--size", "16M", "--address-bits", "20"),
            failure("an unknown backend", "unknown backend \"nonesuch\" (from --backend); known backends: aarch64, s390x, x86_64",
                    "--backend", "nonesuch", "probe"),
            failure("a backend that cannot run here", "backend aarch64 cannot open file", "--backend", "aarch64", "peek", "--file", f, "0"),
            failure("a plugin directory that does not exist", "not a directory", "--plugins", plugins.resolve("none").toString(), "probe"),
            failure("a plugin directory without jars", "no .jar files in it", "--plugins", plugins.resolve("empty").toString(), "probe"),
            failure("a plugin jar that is not a jar", "corrupt.jar is not a readable jar", "--plugins", plugins.resolve("corrupt").toString(),
                    "probe"),
            failure("a backend from a plugin jar that fails to load", "failed to load: MissingBackend",
                    "--plugins", plugins.resolve("missing-provider").toString(), "--backend", "sparc64", "probe"),
            failure("a plugin whose probe() throws, chosen and used", "probe() threw IllegalStateException: plugin probe exploded",
                    "--plugins", plugins.resolve("probe-throws").toString(), "--backend", "exploding", "peek", "--file", f, "0"),
            failure("a plugin backend that fails with an Error, not an exception", "iomem: AssertionError: plugin bug",
                    "--plugins", plugins.resolve("asserting").toString(), "--backend", "asserting", "peek", "--file", f, "0")
        );
    }

    @Test
    @DisplayName("the catalogue holds at least 40 commands, each with a distinct name")
    void size() {
        assertThat(rows()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(rows().stream().map(Row::name).distinct().count()).isEqualTo(rows().size());
    }

    @Test
    @DisplayName("a cpuinfo file without end (/dev/zero) is read only as far as its first MiB: devices completes")
    void endlessCpuinfo() {
        CliRun r = CliRun.inProcess("devices", "--sysfs", pci.options()[1], "--cpuinfo", "/dev/zero");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("0000:00:01.0");
    }

    @TestFactory
    @DisplayName("each bad command exits 2 or 1 with one line on stderr, nothing on stdout, and nothing happens")
    Stream<DynamicTest> catalogue() {
        return rows().stream().map(r -> DynamicTest.dynamicTest(r.name() + " (exit " + r.exit() + ")", () -> check(r)));
    }

    private static void check(Row row) {
        ProcessFootprint before = ProcessFootprint.of(dir);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stray = new ByteArrayOutputStream();
        CliRun r;
        try (PrintStream capture = new PrintStream(stray, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(capture);
            r = CliRun.inProcess(row.args().toArray(String[]::new));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(row.exit());
        assertOneLine(r.err(), row.phrase());
        assertThat(r.out()).as("stdout").isEmpty();
        assertThat(stray.toString(StandardCharsets.UTF_8)).as("printed around picocli's writers").isEmpty();
        assertThat(ProcessFootprint.of(dir)).as("locked memory, mappings of the fixture files, their bytes").isEqualTo(before);
    }

    private static void assertOneLine(String err, String phrase) {
        assertThat(err.lines().toList()).as("stderr lines: %s", err).hasSize(1);
        assertThat(err).endsWith(System.lineSeparator());
        assertThat(err.strip()).startsWith("iomem: ").contains(phrase).doesNotContain("\tat ").doesNotContain("java.");
    }

    // ---- rows that need a real process ----

    /**
     * One row run in a child JVM.
     *
     * @param name    the situation
     * @param wrapper what runs the child with fewer privileges or lower limits, or nothing
     * @param exit    the exit code
     * @param phrase  the key phrase of its one stderr line, or {@code null} for an empty stderr
     * @param args    the command line
     */
    record ProcessRow(String name, List<String> wrapper, int exit, String phrase, List<String> args) {
    }

    static List<ProcessRow> processRows() {
        List<String> noCapabilities = List.of("/usr/bin/setpriv", "--inh-caps=-all", "--bounding-set=-all", "--");
        List<String> smallMemlock = List.of("/usr/bin/prlimit", "--memlock=8388608:8388608", "--",
                "/usr/bin/setpriv", "--inh-caps=-all", "--bounding-set=-ipc_lock", "--");
        return List.of(
            new ProcessRow("a plugin jar that fails to load is listed by probe, and nothing is logged to stderr", List.of(), 0, null,
                    List.of("--plugins", plugins.resolve("missing-provider").toString(), "probe")),
            new ProcessRow("a plugin whose probe() throws, chosen and used", List.of(), 1, "probe() threw IllegalStateException",
                    List.of("--plugins", plugins.resolve("probe-throws").toString(), "--backend", "exploding", "peek", "--file",
                            bar.toString(), "0")),
            new ProcessRow("a usage error", List.of(), 2, "invalid PCI address \"../../etc\"", List.of("peek", "../../etc", "0", "0")),
            new ProcessRow("map without CAP_SYS_ADMIN (pagemap read without privilege)", noCapabilities, 1,
                    "pagemap DMA mapping needs the CAP_SYS_ADMIN privilege", List.of("map", "--size", "64M")),
            new ProcessRow("map of 64 MiB over an 8 MiB RLIMIT_MEMLOCK without CAP_IPC_LOCK", smallMemlock, 1,
                    "RLIMIT_MEMLOCK", List.of("map", "--size", "64M", "--json")));
    }

    @TestFactory
    @DisplayName("in a real process: the exit code, one line on stderr (the JVM's whole stderr), nothing on stdout")
    Stream<DynamicTest> inAProcess() {
        return processRows().stream().map(r -> DynamicTest.dynamicTest(r.name(), () -> checkProcess(r)));
    }

    private static void checkProcess(ProcessRow row) throws IOException, InterruptedException {
        if (!row.wrapper().isEmpty()) {
            assumeTrue(row.wrapper().stream().filter(w -> w.startsWith("/")).allMatch(w -> Files.isExecutable(Path.of(w))),
                    "no setpriv or prlimit");
        }
        List<String> cmd = new ArrayList<>(row.wrapper());
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", CliRun.classPath(), Main.class.getName()));
        cmd.addAll(row.args());
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("IOMEM_BACKEND");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] outBytes = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(err).isEqualTo(row.exit());
        if (row.phrase() == null) {
            assertThat(err).as("stderr").isEmpty();
            return;
        }
        assertOneLine(err, row.phrase());
        assertThat(outBytes).as("stdout").isEmpty();
    }
}
