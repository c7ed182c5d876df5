package dev.iomem.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("iomem devices and iomem p2p")
class PciCommandsTest {

    private static final String AMD = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n";
    private static final String INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n";

    static boolean projectMachine() {
        Path host = Path.of("/sys/bus/pci/devices/0000:00:00.0");
        try {
            return Files.readString(host.resolve("vendor")).equals("0x8086\n") && Files.readString(host.resolve("device")).equals("0x0d57\n");
        } catch (IOException e) {
            return false;
        }
    }

    static String[] args(String[] base, String... more) {
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    @DisplayName("devices --json on this machine lists the six real functions with BARs exactly as sysfs reports them")
    void realDevices() throws IOException {
        assumeTrue(projectMachine(), "not the project's machine");
        CliRun r = CliRun.inProcess("devices", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        String json = r.out().strip();
        assertThat(json).startsWith("{").doesNotContain("\n");
        List<String> addresses = new ArrayList<>();
        Matcher m = Pattern.compile("\\{\"address\":\"([0-9a-f:.]{12})\"").matcher(json);
        while (m.find()) {
            addresses.add(m.group(1));
        }
        assertThat(addresses).containsExactly("0000:00:00.0", "0000:00:01.0", "0000:00:02.0", "0000:00:03.0", "0000:00:04.0", "0000:00:05.0");
        assertThat(json).contains("\"address\":\"0000:00:00.0\",\"vendor\":\"0x8086\",\"device\":\"0x0d57\",\"class\":\"0x060000\",\"bridge\":true");
        try (Stream<Path> fns = Files.list(Path.of("/sys/bus/pci/devices"))) {
            for (Path fn : fns.sorted().toList()) {
                List<String> lines = Files.readAllLines(fn.resolve("resource"));
                for (int i = 0; i < 6; i++) {
                    String[] f = lines.get(i).split(" ");
                    if (!f[1].equals("0x0000000000000000")) {
                        assertThat(json).as(fn + " BAR " + i).contains("{\"index\":" + i + ",\"start\":\"" + f[0] + "\",\"end\":\"" + f[1]
                                + "\",\"flags\":\"" + f[2] + "\"");
                    }
                }
            }
        }
        assertThat(json).contains("\"vendor\":\"0x1af4\"", "\"driver\":\"virtio-pci\"", "\"is64Bit\":true", "\"size\":524288");
        assertThat(json.split("\"vendor\":\"0x1af4\"", -1)).hasSize(6);
    }

    @Test
    @DisplayName("p2p --json on this machine routes every virtio pair by the CPU rule: THRU_HOST_BRIDGE on AMD >= 0x17, else NOT_SUPPORTED")
    void realP2p() {
        assumeTrue(projectMachine(), "not the project's machine");
        CliRun r = CliRun.inProcess("p2p", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        String json = r.out().strip();
        // The project's machines have come with AMD EPYC (family 25) and with Intel CPUs.
        boolean amd = json.contains("\"amdCpuRule\":true");
        assertThat(json).containsAnyOf("\"cpu\":{\"vendor\":\"AuthenticAMD\",\"family\":25,\"amdCpuRule\":true}",
                "\"cpu\":{\"vendor\":\"GenuineIntel\",\"family\":6,\"amdCpuRule\":false}");
        assertThat(json).contains("\"endpoints\":[\"0000:00:01.0\",\"0000:00:02.0\",\"0000:00:03.0\",\"0000:00:04.0\",\"0000:00:05.0\"]");
        Matcher m = Pattern.compile("\\{\"provider\":\"[^\"]+\",\"client\":\"[^\"]+\",\"mapType\":\"(\\w+)\",\"distance\":(-?\\d+),\"reason\":\"([^\"]*)\"}").matcher(json);
        int n = 0;
        while (m.find()) {
            n++;
            assertThat(m.group(1)).isEqualTo(amd ? "THRU_HOST_BRIDGE" : "NOT_SUPPORTED");
            assertThat(m.group(2)).isEqualTo(amd ? "2" : "-1");
            assertThat(m.group(3)).contains(amd ? "AMD CPU rule" : "the AMD CPU rule does not apply");
        }
        assertThat(n).as("5 endpoints, 20 ordered pairs").isEqualTo(20);
    }

    @Test
    @DisplayName("devices on a fixture tree shows an I/O BAR, a 32-bit BAR and a prefetchable 64-bit BAR with sizes and flags")
    void fixtureDevices(@TempDir Path dir) throws IOException {
        PciFixture fx = new PciFixture(dir, INTEL);
        fx.function("pci0000:00/0000:00:00.0", 0x8086, 0x0d57, 0x060000, false);
        fx.function("pci0000:00/0000:00:1c.0", 0x8086, 0xa110, 0x060400, false);
        fx.function("pci0000:00/0000:00:1c.0/0000:01:00.0", 0x10de, 0x2204, 0x030000, false,
                new long[] {0xe000, 0x80, 0x40101}, new long[] {0xfb000000L, 0x1000000, 0x40200}, new long[] {0x6000000000L, 0x10000000L, 0x14220c});
        CliRun text = CliRun.inProcess(args(new String[] {"devices"}, fx.options()));
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains(
                "0000:01:00.0 [030000] 10de:2204  driver -  iommu group -  numa -",
                "    path: pci0000:00 -> 0000:00:1c.0",
                "    BAR 0: 0x000000000000e000-0x000000000000e07f 128 B, I/O [flags 0x40101]",
                "    BAR 1: 0x00000000fb000000-0x00000000fbffffff 16 MiB, memory, 32-bit, non-prefetchable [flags 0x40200]",
                "    BAR 2: 0x0000006000000000-0x000000600fffffff 256 MiB, memory, 64-bit, prefetchable [flags 0x14220c]");
        CliRun json = CliRun.inProcess(args(new String[] {"devices", "--json"}, fx.options()));
        assertThat(json.out()).contains("\"upstreamBridges\":[\"0000:00:1c.0\"]",
                "{\"index\":0,\"start\":\"0x000000000000e000\",\"end\":\"0x000000000000e07f\",\"flags\":\"0x0000000000040101\",\"size\":128,\"type\":\"io\"",
                "\"type\":\"memory\",\"is64Bit\":true,\"prefetchable\":true,\"busAddress\":\"0x0000006000000000\"");
    }

    @Test
    @DisplayName("a malformed resource file makes devices exit 1 with one line naming the file")
    void malformed(@TempDir Path dir) throws IOException {
        PciFixture fx = new PciFixture(dir, INTEL);
        Path d = fx.function("pci0000:00/0000:00:03.0", 0x1af4, 0x1041, 0x020000, false);
        Files.writeString(d.resolve("resource"), "0x0000000000000000 0x0000000000000000 0x0000000000000000\n");
        CliRun r = CliRun.inProcess(args(new String[] {"devices"}, fx.options()));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("iomem: " + fx.root.resolve("0000:00:03.0/resource") + ": is truncated: 1 line(s), expected at least 6");
        assertThat(r.out()).isEmpty();
    }

    @Test
    @DisplayName("p2p on a fixture with an Intel host bridge off the whitelist and two root ports says NOT_SUPPORTED and why")
    void fixtureP2p(@TempDir Path dir) throws IOException {
        PciFixture fx = new PciFixture(dir, INTEL);
        fx.function("pci0000:00/0000:00:00.0", 0x8086, 0x0d57, 0x060000, false);
        fx.function("pci0000:00/0000:00:01.0", 0x8086, 0xa110, 0x060400, false);
        fx.function("pci0000:00/0000:00:02.0", 0x8086, 0xa110, 0x060400, false);
        fx.function("pci0000:00/0000:00:01.0/0000:01:00.0", 0x144d, 0xa808, 0x010802, false);
        fx.function("pci0000:00/0000:00:02.0/0000:02:00.0", 0x144d, 0xa808, 0x010802, false);
        CliRun r = CliRun.inProcess(args(new String[] {"p2p"}, fx.options()));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("CPU: GenuineIntel family 0x6",
                "0000:01:00.0  0000:02:00.0  NOT_SUPPORTED       -1  no common upstream bridge",
                "host bridge pci0000:00 (0000:00:00.0, 8086:0d57) is not on the kernel's P2PDMA whitelist");
        assertThat(r.out().lines().filter(l -> l.startsWith("0000:")).count()).isEqualTo(2);
    }
}
