package dev.iomem.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("iomem vfio bind, unbind and info on fixture sysfs trees")
class VfioCommandsTest {

    private static final String NVME = "0000:01:00.0";
    private static final String OTHER = "0000:01:00.1";

    @TempDir
    Path dir;
    VfioFixture fx;

    @BeforeEach
    void tree() throws IOException {
        fx = new VfioFixture(dir);
    }

    private CliRun run(String... args) {
        return CliRun.inProcess(PciCommandsTest.args(args, fx.options()));
    }

    private static void oneLine(CliRun r, int exit, String phrase) {
        assertThat(r.exit()).as("exit; stderr: %s", r.err()).isEqualTo(exit);
        assertThat(r.err().lines().toList()).as("stderr: %s", r.err()).hasSize(1);
        assertThat(r.err().strip()).startsWith("iomem: ").contains(phrase).doesNotContain("\tat ");
        assertThat(r.out()).as("stdout").isEmpty();
    }

    private static boolean canMakeFifos() {
        return Files.isExecutable(Path.of("/usr/bin/mkfifo")) || Files.isExecutable(Path.of("/bin/mkfifo"));
    }

    // ---- bind ----

    @Test
    @DisplayName("bind of a function in use by nvme is refused without --force: exit 1, one line naming --force, nothing written")
    void bindRefusedWithoutForce() throws IOException {
        fx.function(NVME, "nvme", 7);
        Map<String, String> before = fx.snapshot();
        CliRun r = run("vfio", "bind", NVME);
        oneLine(r, 1, NVME + " is in use by driver nvme; unbinding it may stop whatever uses the device: pass --force to take it anyway");
        assertThat(fx.snapshot()).isEqualTo(before);
        assertThat(run("vfio", "bind", NVME, "--json").exit()).as("--json changes nothing").isEqualTo(1);
        assertThat(fx.snapshot()).isEqualTo(before);
    }

    @Test
    @DisplayName("bind --force writes driver_override, the old driver's unbind and drivers_probe, in that order, and reports where the function came from")
    void bindForce() throws Exception {
        assumeTrue(canMakeFifos(), "needs mkfifo");
        fx.function(NVME, "nvme", 7);
        fx.function(OTHER, "nvme", 7);
        CompletableFuture<List<VfioFixture.Write>> kernel = fx.kernel(
                List.of("devices/" + NVME + "/driver_override", "drivers/nvme/unbind", "drivers_probe"),
                List.of(VfioFixture.nothing(), fx.relink(NVME, "vfio-pci"), VfioFixture.nothing()));
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("vfio", "bind", NVME, "--force"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(kernel.get(10, TimeUnit.SECONDS)).containsExactly(
                new VfioFixture.Write("devices/" + NVME + "/driver_override", "vfio-pci"),
                new VfioFixture.Write("drivers/nvme/unbind", NVME),
                new VfioFixture.Write("drivers_probe", NVME));
        assertThat(r.out()).isEqualTo("bound " + NVME + " to vfio-pci (taken from nvme)\n"
                + "IOMMU group 7, also holding " + OTHER + " (nvme)\n"
                + "VFIO cannot claim the group while " + OTHER + " (nvme) keeps its driver: bind it to vfio-pci too\n");
        assertThat(fx.driverLink(NVME)).isEqualTo("../../drivers/vfio-pci");
    }

    @Test
    @DisplayName("bind --force --json: the device, its new and previous driver, its group and the group's other devices")
    void bindForceJson() throws Exception {
        assumeTrue(canMakeFifos(), "needs mkfifo");
        fx.function(NVME, "nvme", 7);
        CompletableFuture<List<VfioFixture.Write>> kernel = fx.kernel(
                List.of("devices/" + NVME + "/driver_override", "drivers/nvme/unbind", "drivers_probe"),
                List.of(VfioFixture.nothing(), fx.relink(NVME, "vfio-pci"), VfioFixture.nothing()));
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("vfio", "bind", "--force", "--json", NVME));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(kernel.get(10, TimeUnit.SECONDS)).hasSize(3);
        assertThat(r.out().strip()).isEqualTo("{\"device\":\"" + NVME + "\",\"driver\":\"vfio-pci\",\"previousDriver\":\"nvme\","
                + "\"changed\":true,\"iommuGroup\":7,\"groupMembers\":[]}");
    }

    @Test
    @DisplayName("bind --force on plain files (no kernel to rebind): exit 1 saying the kernel did not bind it, driver_override cleared again")
    void bindForceKernelDidNotBind() throws IOException {
        Path d = fx.function(NVME, "nvme", 7);
        CliRun r = run("vfio", "bind", NVME, "--force");
        oneLine(r, 1, "the kernel did not bind " + NVME + " to vfio-pci (its driver is nvme)");
        assertThat(Files.readString(fx.bus.resolve("drivers/nvme/unbind"))).isEqualTo(NVME);
        assertThat(Files.readString(fx.bus.resolve("drivers_probe"))).isEqualTo(NVME);
        // "vfio-pci", then the clearing "\n" written over its first byte: sysfs takes each write
        // whole, a plain file keeps what the shorter write did not cover.
        assertThat(Files.readString(d.resolve("driver_override"))).isEqualTo("\nfio-pci");
        assertThat(Files.readString(fx.bus.resolve("drivers/vfio-pci/bind"))).isEmpty();
        assertThat(fx.driverLink(NVME)).isEqualTo("../../drivers/nvme");
    }

    @Test
    @DisplayName("bind of a function already bound to vfio-pci writes nothing and says so; with --json changed is false")
    void bindAlreadyBound() throws IOException {
        fx.function(NVME, "vfio-pci", 7);
        Map<String, String> before = fx.snapshot();
        CliRun r = run("vfio", "bind", NVME);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(NVME + " is already bound to vfio-pci\nIOMMU group 7, no other function in it\n");
        CliRun j = run("vfio", "bind", NVME, "--json");
        assertThat(j.out().strip()).isEqualTo("{\"device\":\"" + NVME + "\",\"driver\":\"vfio-pci\",\"previousDriver\":\"vfio-pci\","
                + "\"changed\":false,\"iommuGroup\":7,\"groupMembers\":[]}");
        assertThat(fx.snapshot()).isEqualTo(before);
    }

    @Test
    @DisplayName("bind when vfio-pci is not loaded (no drivers/vfio-pci): exit 1 naming modprobe, nothing written")
    void bindWithoutVfioPci() throws IOException {
        fx.function(NVME, null, 7);
        try (var s = Files.list(fx.bus.resolve("drivers/vfio-pci"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(fx.bus.resolve("drivers/vfio-pci"));
        Map<String, String> before = fx.snapshot();
        oneLine(run("vfio", "bind", NVME), 1, "vfio-pci is not loaded");
        assertThat(run("vfio", "bind", NVME).err()).contains("modprobe vfio-pci");
        assertThat(fx.snapshot()).isEqualTo(before);
    }

    @Test
    @DisplayName("bind and unbind of a function that does not exist: exit 1, no PCI function ADDR, nothing written")
    void missingFunction() throws IOException {
        fx.function(NVME, "nvme", 7);
        Map<String, String> before = fx.snapshot();
        oneLine(run("vfio", "bind", "0000:02:00.0", "--force"), 1, "no PCI function 0000:02:00.0 in " + fx.devices);
        oneLine(run("vfio", "unbind", "0000:02:00.0"), 1, "no PCI function 0000:02:00.0 in " + fx.devices);
        assertThat(fx.snapshot()).isEqualTo(before);
    }

    // ---- unbind ----

    @Test
    @DisplayName("unbind writes vfio-pci's unbind, clears driver_override and writes drivers_probe, then names the driver that took it")
    void unbind() throws Exception {
        assumeTrue(canMakeFifos(), "needs mkfifo");
        fx.function(NVME, "vfio-pci", 7);
        CompletableFuture<List<VfioFixture.Write>> kernel = fx.kernel(
                List.of("drivers/vfio-pci/unbind", "devices/" + NVME + "/driver_override", "drivers_probe"),
                List.of(fx.relink(NVME, null), fx.relink(NVME, "nvme"), VfioFixture.nothing()));
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("vfio", "unbind", NVME));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(kernel.get(10, TimeUnit.SECONDS)).containsExactly(
                new VfioFixture.Write("drivers/vfio-pci/unbind", NVME),
                new VfioFixture.Write("devices/" + NVME + "/driver_override", "\n"),
                new VfioFixture.Write("drivers_probe", NVME));
        assertThat(r.out()).isEqualTo("unbound " + NVME + " from vfio-pci; now bound to nvme\n");
    }

    @Test
    @DisplayName("unbind --json, and a function no driver takes back")
    void unbindJsonNoDriver() throws Exception {
        assumeTrue(canMakeFifos(), "needs mkfifo");
        fx.function(NVME, "vfio-pci", -1);
        CompletableFuture<List<VfioFixture.Write>> kernel = fx.kernel(
                List.of("drivers/vfio-pci/unbind", "devices/" + NVME + "/driver_override", "drivers_probe"),
                List.of(fx.relink(NVME, null), VfioFixture.nothing(), VfioFixture.nothing()));
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("vfio", "unbind", NVME, "--json"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(kernel.get(10, TimeUnit.SECONDS)).hasSize(3);
        assertThat(r.out().strip()).isEqualTo("{\"device\":\"" + NVME + "\",\"previousDriver\":\"vfio-pci\",\"driver\":null}");
    }

    @Test
    @DisplayName("unbind of a function not bound to vfio-pci is refused: exit 1, its driver named, nothing written")
    void unbindNotVfio() throws IOException {
        fx.function(NVME, "nvme", 7);
        fx.function(OTHER, null, 7);
        Map<String, String> before = fx.snapshot();
        oneLine(run("vfio", "unbind", NVME), 1, NVME + " is not bound to vfio-pci (its driver is nvme)");
        oneLine(run("vfio", "unbind", OTHER), 1, OTHER + " is not bound to vfio-pci (it has no driver)");
        assertThat(fx.snapshot()).isEqualTo(before);
    }

    // ---- bad addresses and usage errors ----

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"../../etc", "0000:01:00.0/..", "0000:01:00.0/../../../../etc", "/etc/passwd", "0000:01:00.0 ", "01:00.0\n", ""})
    @DisplayName("malformed addresses are refused with exit 2 and one line before any file is opened (the --sysfs tree does not exist)")
    void malformedAddress(String address) {
        Path missing = dir.resolve("no-sysfs-here");
        for (String[] cmd : new String[][] {
            {"vfio", "bind", address, "--force"},
            {"vfio", "unbind", address},
            {"vfio", "info", address},
            {"vfio", "info", address, "--iommu-path", "iommufd"},
        }) {
            CliRun r = CliRun.inProcess(PciCommandsTest.args(cmd, "--sysfs", missing.resolve("bus/pci/devices").toString()));
            oneLine(r, 2, "invalid PCI address \"");
            assertThat(r.err()).doesNotContain("no-sysfs-here");
        }
        assertThat(missing).doesNotExist();
    }

    @Test
    @DisplayName("usage errors exit 2 with one line: no vfio command, an unknown one, a missing or extra ADDR, an unknown option, a bad --iommu-path")
    void usageErrors() throws IOException {
        fx.function(NVME, "nvme", 7);
        Map<String, String> before = fx.snapshot();
        oneLine(CliRun.inProcess("vfio"), 2, "a vfio command is required: bind, unbind or info");
        oneLine(CliRun.inProcess("vfio", "frobnicate"), 2, "Unmatched argument at index 1: 'frobnicate'");
        oneLine(run("vfio", "bind"), 2, "Missing required parameter: 'ADDR'");
        oneLine(run("vfio", "unbind"), 2, "Missing required parameter: 'ADDR'");
        oneLine(run("vfio", "info"), 2, "Missing required parameter: 'ADDR'");
        oneLine(run("vfio", "bind", NVME, OTHER), 2, "Unmatched argument");
        oneLine(run("vfio", "unbind", NVME, "--force"), 2, "Unknown option: '--force'");
        oneLine(run("vfio", "info", NVME, "--iommu-path", "vfio-noiommu"), 2,
                "--iommu-path vfio-noiommu is not auto, iommufd or group-container");
        oneLine(CliRun.inProcess("vfio", "info", NVME, "--iommu-path"), 2, "Missing required parameter for option '--iommu-path'");
        assertThat(fx.snapshot()).isEqualTo(before);
    }

    @Test
    @DisplayName("--help of vfio and of each vfio command exits 0 and says what it does; iomem --help lists vfio")
    void help() {
        CliRun top = CliRun.inProcess("--help");
        assertThat(top.out()).contains("vfio");
        CliRun vfio = CliRun.inProcess("vfio", "--help");
        assertThat(vfio.exit()).isZero();
        assertThat(vfio.out()).contains("Usage: iomem vfio", "bind", "unbind", "info");
        CliRun bind = CliRun.inProcess("vfio", "bind", "--help");
        assertThat(bind.exit()).isZero();
        assertThat(bind.out()).contains("Usage: iomem vfio bind", "--force", "--sysfs", "driver_override", "drivers_probe");
        assertThat(CliRun.inProcess("vfio", "unbind", "--help").out()).contains("Usage: iomem vfio unbind", "drivers_probe");
        CliRun info = CliRun.inProcess("vfio", "info", "--help");
        assertThat(info.out()).contains("Usage: iomem vfio info", "--iommu-path=auto|iommufd|group-container", "--json", "msix-mappable");
        assertThat(CliRun.inProcess("vfio", "help", "info").out()).contains("Usage: iomem vfio info");
        assertThat(CliRun.inProcess("help", "vfio").out()).contains("Usage: iomem vfio");
        assertThat(CliRun.inProcess("peek", "--help").out()).contains("--vfio", "--iommu-path");
        assertThat(CliRun.inProcess("poke", "--help").out()).contains("--vfio", "--iommu-path");
    }

    // ---- info ----

    @Test
    @DisplayName("info of a function bound to nvme: exit 1, one line naming its driver and iomem vfio bind")
    void infoNotBound() throws IOException {
        fx.function(NVME, "nvme", 7);
        oneLine(run("vfio", "info", NVME), 1,
                NVME + " is not bound to vfio-pci (its driver is nvme): bind it with 'iomem vfio bind " + NVME + "'");
        oneLine(run("vfio", "info", NVME, "--json"), 1, "is not bound to vfio-pci");
        oneLine(run("vfio", "info", NVME, "--iommu-path", "group-container"), 1, "is not bound to vfio-pci");
    }

    @Test
    @DisplayName("info of a function without an IOMMU group: exit 1, one line saying the IOMMU is off or absent")
    void infoNoGroup() throws IOException {
        fx.function(NVME, "vfio-pci", -1);
        oneLine(run("vfio", "info", NVME), 1, NVME + " has no IOMMU group: the IOMMU is off or absent");
    }

    @Test
    @DisplayName("info of a function that does not exist: exit 1, one line")
    void infoMissing() {
        oneLine(run("vfio", "info", "0000:09:00.0"), 1, "no PCI device 0000:09:00.0 in " + fx.devices);
    }

    @Test
    @DisplayName("info of a bound function with --dev-vfio pointing at an empty directory: exit 1, the container file named")
    void infoNoDevVfio() throws IOException {
        fx.function(NVME, "vfio-pci", 7);
        Path devVfio = Files.createDirectories(dir.resolve("dev/vfio"));
        oneLine(run("vfio", "info", NVME, "--dev-vfio", devVfio.toString(), "--dev-iommu", dir.resolve("dev/iommu").toString()), 1,
                "cannot open the VFIO container: " + devVfio.resolve("vfio") + " does not exist");
    }

    @Test
    @DisplayName("info --iommu-path iommufd where the kernel made no VFIO cdev: exit 1 saying so")
    void infoIommufdNotOffered() throws IOException {
        fx.function(NVME, "vfio-pci", 7);
        oneLine(run("vfio", "info", NVME, "--iommu-path", "iommufd"), 1,
                "the iommufd path was asked for, but the kernel made no VFIO device cdev");
    }

    @Test
    @DisplayName("global options are taken before iomem, vfio or the command's name")
    void globalOptionsAnywhere() throws IOException {
        fx.function(NVME, "nvme", 7);
        for (String[] cmd : new String[][] {
            {"--debug", "vfio", "info", NVME},
            {"vfio", "--debug", "info", NVME},
            {"vfio", "info", "--debug", NVME},
        }) {
            CliRun r = run(cmd);
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("VfioException", "\tat ");
        }
    }
}
