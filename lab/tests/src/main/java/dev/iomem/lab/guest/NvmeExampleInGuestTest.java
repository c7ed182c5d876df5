package dev.iomem.lab.guest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The NVMe example (examples/nvme, a separate Maven project whose jar lab/run adds to the payload
 * when it has been built) driving QEMU's NVMe controller in a child JVM: through VFIO in the
 * --iommu run on all three architectures (polling, MSI-X, the SQ in the CMB, and two bad states),
 * and through sysfs and pagemap without an IOMMU on x86-64 and arm64. Every run's blocks are listed
 * in {@code nvme-blocks.tsv}, which the host checks against the disk image after the guest is gone
 * ({@code dev.iomem.lab.host.NvmeDiskCheck}).
 */
@DisplayName("NVMe example: a user-space driver of QEMU's NVMe controller")
class NvmeExampleInGuestTest {

    static final String MAIN = "com.example.iomem.nvme.NvmeExample";
    /** QEMU's model number for its NVMe controller (hw/nvme/ctrl.c) and the serial lab/lib/guest.sh gives it. */
    static final String MODEL = "QEMU_NVMe_Ctrl";
    static final String SERIAL = "lab0";
    /** The disk image lab/lib/guest.sh gives the controller: 64 MiB. */
    static final long DISK = 64L << 20;

    record Run(int exit, String out, Map<String, String> report) {
    }

    @BeforeAll
    static void exampleBuilt() {
        boolean built;
        try {
            Class.forName(MAIN, false, NvmeExampleInGuestTest.class.getClassLoader());
            built = true;
        } catch (ClassNotFoundException e) {
            built = false;
        }
        assumeTrue(built, "examples/nvme has not been built (its jar is not in /lab/lib): run examples/nvme/check first");
    }

    /**
     * Runs the example once in a child JVM with several runs separated by {@code --then}, each
     * given as a label and its arguments, and returns each run's part of the output by label.
     */
    static Map<String, Run> examples(Map<String, List<String>> runs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        for (var e : runs.entrySet()) {
            if (!args.isEmpty()) {
                args.add("--then");
            }
            args.add("--label");
            args.add(e.getKey());
            args.addAll(e.getValue());
        }
        Run all = example("runs", args.toArray(String[]::new));
        Map<String, Run> byLabel = new HashMap<>();
        String label = null;
        StringBuilder text = new StringBuilder();
        for (String line : all.out().split("\n")) {
            if (line.startsWith("nvme-run: ") && line.endsWith(" begin")) {
                label = line.substring("nvme-run: ".length(), line.length() - " begin".length());
                text.setLength(0);
            } else if (label != null && line.startsWith("nvme-run: " + label + " exit ")) {
                int exit = Integer.parseInt(line.substring(("nvme-run: " + label + " exit ").length()).trim());
                byLabel.put(label, new Run(exit, text.toString(), report(text.toString())));
                label = null;
            } else if (label != null) {
                text.append(line).append('\n');
            }
        }
        return byLabel;
    }

    static Run example(String label, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), MAIN));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("nvme", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        boolean done = p.waitFor(240, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String text = Files.readString(out);
        for (String line : text.split("\n")) {
            System.out.println("lab-nvme: " + label + ": " + line);
        }
        assertThat(done).as("the example finished within 240 s; output: %s", text).isTrue();
        return new Run(p.exitValue(), text, report(text));
    }

    static Map<String, String> report(String text) {
        Map<String, String> report = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("nvme-report: ")) {
                for (String kv : line.substring("nvme-report: ".length()).trim().split(" ")) {
                    int eq = kv.indexOf('=');
                    report.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return report;
    }

    /** Checks a successful block test's report and lists its blocks for the host's check of the disk image. */
    static void passed(String label, Run r) throws IOException {
        assertThat(r.exit()).as("%s: exit status; output: %s", label, r.out()).isZero();
        assertThat(r.out()).contains("RESULT: OK").contains("nvme: read-back equal").contains("CSTS.SHST complete")
                .contains("nvme: released:").contains("(0 left)");
        assertThat(r.report().get("serial")).as("Identify Controller serial").isEqualTo(SERIAL);
        assertThat(r.report().get("model")).as("Identify Controller model").isEqualTo(MODEL);
        long nsze = Long.parseLong(r.report().get("nsze"));
        int block = Integer.parseInt(r.report().get("block"));
        assertThat(nsze * block).as("namespace size in bytes (%d blocks of %d)", nsze, block).isEqualTo(DISK);
        Files.writeString(LabGuest.results().resolve("nvme-blocks.tsv"),
                String.join("\t", LabGuest.arch() + " " + label, r.report().get("lba"), r.report().get("blocks"), "" + block,
                        r.report().get("seed"), r.report().get("serial"), "" + nsze) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    @DisplayName("without an IOMMU: sysfs resource0 and pagemap's physical addresses (x86-64, arm64)")
    void pagemap() throws Exception {
        assumeTrue(!LabGuest.iommu(), "the plain boot has no IOMMU");
        assumeTrue(!LabGuest.arch().equals("s390x"), "s390x's zPCI always translates: VFIO only");
        Run r = example("pagemap", "--pagemap", LabGuest.nvme().toString(), "--lba", "8192", "--blocks", "256", "--seed", "44");
        passed("pagemap", r);
        assertThat(r.out()).contains("DMA tables hold physical addresses").contains("PRP1 + a PRP list");
    }
}
