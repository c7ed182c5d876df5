package dev.iomem.lab.host;

import dev.iomem.core.Iomem;
import dev.iomem.spi.ArchBackend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The host's half of the lab: after a guest has run, compares QEMU's trace of what the devices
 * saw with what iomem predicts for every operation the guest logged, and writes the verdicts
 * as JUnit XML beside the guest's own ({@code results/junit-host}). One test case per logged
 * operation kind and target; its failure lists the first operations that differ.
 *
 * <p>Usage: {@code HostChecks --arch A --results DIR --trace QEMU_LOG [--iommu yes|no] [--disk NVME_IMAGE --nvme-serial S]}. Exits 1
 * if any check failed. The run without an IOMMU must have logged operations (its traced suites
 * always run); the {@code --iommu} run selects only the VFIO suites, which may log none, and
 * then there is nothing to compare.
 */
public final class HostChecks {

    private static final Map<String, String> REGION = Map.of("cmb", "nvme-cmb", "edu", "edu-mmio", "nvme", "nvme");
    private static final int SHOWN = 4;

    private HostChecks() {
    }

    /**
     * Runs the checks.
     *
     * @param args {@code --arch A --results DIR --trace FILE [--iommu yes|no] [--disk NVME_IMAGE --nvme-serial S]}:
     *             with {@code --disk}, the NVMe example's blocks are looked for on the image ({@link NvmeDiskCheck})
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        String arch = a.get("--arch");
        Path results = Path.of(a.get("--results"));
        Path trace = Path.of(a.get("--trace"));
        boolean iommu = "yes".equals(a.get("--iommu"));
        JunitReport report = new JunitReport("lab host checks (" + arch + ")");
        check(arch, results, trace, iommu, report);
        NvmeDiskCheck.check(results, a.get("--disk"), a.getOrDefault("--nvme-serial", "lab0"), report);
        report.write(results.resolve("junit-host").resolve("TEST-lab-host-checks.xml"));
        System.out.println("host checks (" + arch + "): " + report.passed() + " passed, " + report.failed() + " failed");
        System.exit(report.failed() == 0 ? 0 : 1);
    }

    static void check(String arch, Path results, Path trace, boolean iommu, JunitReport report) throws IOException {
        List<Path> logs;
        try (Stream<Path> s = Files.list(results)) {
            logs = s.filter(p -> p.getFileName().toString().matches("ops.*\\.tsv")).sorted().toList();
        }
        if (logs.isEmpty() && iommu) {
            System.out.println("  no device operations logged (the --iommu run's suites): no trace to compare");
            return;
        }
        if (logs.isEmpty()) {
            report.fail("the guest logged device operations", "no ops*.tsv in " + results);
            return;
        }
        if (!Files.isRegularFile(trace)) {
            report.fail("QEMU's device trace exists", "no trace at " + trace);
            return;
        }
        Map<String, Long> bars = new HashMap<>();
        for (String line : Files.readAllLines(results.resolve("bars.tsv"))) {
            String[] f = line.split("\t");
            bars.put(f[0], Long.decode(f[1]));
        }
        long mark = -1;
        List<String[]> ops = new ArrayList<>();
        for (Path log : logs) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("# cmb-size")) {
                    mark = Long.parseLong(line.split("\t")[3]);
                } else if (!line.startsWith("#") && !line.isBlank()) {
                    String[] f = line.split("\t");
                    String[] withLog = java.util.Arrays.copyOf(f, f.length + 1);
                    withLog[f.length] = log.getFileName().toString();
                    ops.add(withLog);
                }
            }
        }
        QemuTrace t = QemuTrace.read(trace, bars.get("cmb"), mark);
        ArchBackend backend = Iomem.platform(arch).backend();
        if (t.markers() != ops.size()) {
            report.fail("every logged operation's marker is in the device trace",
                    ops.size() + " operations logged, " + t.markers() + " markers traced");
        } else {
            report.pass("every logged operation's marker is in the device trace (" + ops.size() + ")");
        }
        Map<String, List<String>> failures = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String[] f : ops) {
            int seq = Integer.parseInt(f[0]);
            String op = f[1], target = f[2], outcome = f[6], log = f[7];
            if (op.equals("end")) {
                continue; // a log's closing marker: what follows it belongs to no operation
            }
            long offset = Long.parseLong(f[3]), length = Long.parseLong(f[4]), value = Long.parseUnsignedLong(f[5], 16);
            String group = log + ": " + op + " on " + target + (outcome.startsWith("refused") ? " (refused)" : "");
            counts.merge(group, 1, Integer::sum);
            String problem = compare(backend, t.piece(seq), bars.get(target), REGION.get(target), op, offset, length, value, outcome);
            if (problem != null) {
                failures.computeIfAbsent(group, k -> new ArrayList<>()).add("#" + seq + " " + op + " " + length + " B at 0x"
                        + Long.toHexString(offset) + ": " + problem);
            }
        }
        for (var e : counts.entrySet()) {
            String name = e.getKey() + ": the device saw exactly iomem's prediction (" + e.getValue() + " operations)";
            List<String> f = failures.get(e.getKey());
            if (f == null) {
                report.pass(name);
            } else {
                report.fail(name, f.size() + " of " + e.getValue() + " differ; first: " + String.join(" | ", f.subList(0, Math.min(SHOWN, f.size()))));
            }
        }
    }

    /** {@return why the traced piece differs from the prediction, or {@code null} if it does not} */
    static String compare(ArchBackend backend, List<QemuTrace.Access> seen, Long barStart, String region, String op,
                          long offset, long length, long value, String outcome) {
        if (seen == null) {
            return "its marker is missing from the trace";
        }
        if (barStart == null) {
            return "the guest did not report the BAR's address";
        }
        Prediction p = outcome.startsWith("refused") ? Prediction.none() : Prediction.of(backend, op, offset, length, value);
        if (p.faults() != outcome.startsWith("fault")) {
            return p.faults() ? "the model predicts a fault (" + p.why() + ") but the guest got " + outcome
                    : "the guest got " + outcome + " where the model predicts none";
        }
        List<Prediction.Expected> got = new ArrayList<>();
        for (QemuTrace.Access a : seen) {
            if (!REGION.containsValue(a.region())) {
                continue; // not a lab device: the CPU's own local APIC (EOIs) and the like
            }
            if (!a.region().equals(region)) {
                return "an access to another device region: " + a.describe(a.address());
            }
            got.add(new Prediction.Expected(a.write(), QemuTrace.offsetIn(a.address(), barStart), a.size()));
        }
        if (got.equals(p.accesses())) {
            return null;
        }
        int i = 0;
        while (i < got.size() && i < p.accesses().size() && got.get(i).equals(p.accesses().get(i))) {
            i++;
        }
        return "access " + i + " of " + got.size() + " seen (predicted " + p.accesses().size() + "): seen "
                + (i < got.size() ? got.get(i) : "nothing") + ", predicted " + (i < p.accesses().size() ? p.accesses().get(i) : "nothing");
    }
}
