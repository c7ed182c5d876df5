package dev.iomem.lab.guest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The NVMe example (examples/nvme, a separate Maven project whose jar lab/run adds to the payload
 * when it has been built) driving QEMU's NVMe controller, called in this JVM through its
 * {@code NvmeExample.runAll}: through VFIO in the
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
     * Runs the example once with several runs separated by {@code --then}, each
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

    /**
     * Runs the example's {@code NvmeExample.runAll} in this JVM (the example's jar is on the
     * payload's class path): the same code a child JVM would run, without the ten seconds a JVM
     * start costs in a TCG guest. Its output is printed with {@code lab-nvme:} and returned.
     */
    static Run example(String label, String... args) throws IOException, InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            Method runAll = Class.forName(MAIN).getMethod("runAll", String[].class, PrintStream.class);
            exit = (int) runAll.invoke(null, args, out);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("NvmeExample.runAll could not be called", e);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            System.out.println("lab-nvme: " + label + ": " + line);
        }
        return new Run(exit, text, report(text));
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
