package dev.iomem.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the benchmarks side by side with their anchors and writes {@code bench/results/latest.json}:
 * every score with its error, allocation per operation, and the named ratios with their
 * targets. Started by {@code bench/run}.
 *
 * <p>Arguments: {@code --quick} (about three minutes) or {@code --full}; {@code --out FILE};
 * {@code --anchor LIB} (the compiled C anchor); {@code --iomem SCRIPT} (for B5);
 * {@code --include REGEX} to run a subset.
 */
public final class BenchMain {

    private BenchMain() {
    }

    /**
     * Runs the benchmarks.
     *
     * @param args see the class description
     * @throws Exception if JMH or a file fails
     */
    public static void main(String[] args) throws Exception {
        boolean quick = has(args, "--quick");
        Path out = Path.of(value(args, "--out", "bench/results/latest.json"));
        String anchor = value(args, "--anchor", null);
        String iomem = value(args, "--iomem", null);
        String include = value(args, "--include", "dev.iomem.bench.(ScalarBench|RegisterBench|CopyBench|SgTableBench|PagemapBench)");

        List<String> jvmArgs = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xms1g", "-Xmx1g"));
        if (anchor != null) {
            jvmArgs.add("-Diomem.bench.anchor=" + anchor);
        }
        ChainedOptionsBuilder opts = new OptionsBuilder().include(include).forks(1)
                .jvmArgsAppend(jvmArgs.toArray(String[]::new)).addProfiler(GCProfiler.class)
                .shouldFailOnError(true);
        if (quick) {
            opts.warmupIterations(2).warmupTime(TimeValue.milliseconds(300))
                .measurementIterations(3).measurementTime(TimeValue.milliseconds(300));
        } else {
            opts.warmupIterations(5).warmupTime(TimeValue.seconds(1))
                .measurementIterations(5).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = runJmh(opts);

        Map<String, double[]> scores = new LinkedHashMap<>();   // key -> {score, error, allocBytesPerOp, ownAllocBytesPerOp}
        Map<String, String> units = new LinkedHashMap<>();
        Map<String, List<double[]>> allocIterations = new LinkedHashMap<>();
        for (RunResult r : results) {
            String key = keyOf(r);
            allocIterations.put(key, HarnessAllocation.iterations(r));
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            scores.put(key, new double[] {primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore(),
                Double.NaN});
            units.put(key, primary.getScoreUnit());
        }

        List<Ratio> ratios = new ArrayList<>();
        for (String[] pair : new String[][] {
                {"read32Relaxed", "rawGetOpaque"}, {"write32Relaxed", "rawSetOpaque"},
                {"read32", "rawGetAcquire"}, {"write32", "rawSetRelease"}}) {
            ratio(ratios, scores, "B1." + pair[0] + "/raw", "ScalarBench." + pair[0], "ScalarBench." + pair[1], "<=", 1.10,
                    "time of the accessor over time of the raw VarHandle access");
        }
        for (String[] pair : new String[][] {{"read32Relaxed", "holderGetOpaque"}, {"write32Relaxed", "holderSetOpaque"}}) {
            contextRatio(ratios, scores, "B1." + pair[0] + "/holder", "ScalarBench." + pair[0], "ScalarBench." + pair[1],
                    "time of the accessor over time of the raw access through a one-field holder object (B1's floor for any API object)");
        }
        for (String[] pair : new String[][] {{"holderGetOpaque", "rawGetOpaque"}, {"holderSetOpaque", "rawSetOpaque"}}) {
            contextRatio(ratios, scores, "B1." + pair[0] + "/raw", "ScalarBench." + pair[0], "ScalarBench." + pair[1],
                    "time of the raw access through a one-field holder object over the raw access: what an object indirection costs");
        }
        ratio(ratios, scores, "B7.staticReadRelaxed/raw", "RegisterBench.staticReadRelaxed", "RegisterBench.rawGetOpaque", "<=", 1.05,
                "time of a relaxed 32-bit read through a register handle in a static final field over the raw opaque VarHandle read");
        ratio(ratios, scores, "B7.instanceReadRelaxed/holder", "RegisterBench.instanceReadRelaxed", "RegisterBench.holderGetOpaque", "<=", 1.00,
                "time of a relaxed 32-bit read through a register handle in an instance field over the same read through a one-field holder");
        contextRatio(ratios, scores, "B7.instanceReadRelaxed/raw", "RegisterBench.instanceReadRelaxed", "RegisterBench.rawGetOpaque",
                "time of a relaxed 32-bit read through a register handle in an instance field over the raw opaque VarHandle read");
        for (String op : new String[] {"copyToIo", "copyFromIo", "fillIo"}) {
            for (String size : new String[] {"64", "4096", "65536", "1048576"}) {
                for (String off : new String[] {"0", "3"}) {
                    String p = "[ioOffset=" + off + ",size=" + size + "]";
                    // speed of Java relative to C = time(C) / time(Java)
                    ratio(ratios, scores, "B2." + op + ".size" + size + ".off" + off + ".javaVsC",
                            "CopyBench." + op + "C" + p, "CopyBench." + op + "Java" + p, ">=", 0.9,
                            "speed of iomem relative to the C anchor: time(C) / time(Java)");
                    if (op.equals("copyToIo")) {
                        contextRatio(ratios, scores, "B2.copyToIo.size" + size + ".off" + off + ".rawJvmVsC",
                                "CopyBench.copyToIoC" + p, "CopyBench.copyToIoRawOpaque" + p,
                                "speed of the same accesses as raw opaque VarHandles, no validation, relative to C:"
                                + " time(C) / time(raw Java), the JVM's limit");
                        contextRatio(ratios, scores, "B2.copyToIo.size" + size + ".off" + off + ".javaVsRawJvm",
                                "CopyBench.copyToIoRawOpaque" + p, "CopyBench.copyToIoJava" + p,
                                "speed of iomem relative to raw opaque VarHandles: time(raw Java) / time(Java)");
                        contextRatio(ratios, scores, "B2.copyToIo.size" + size + ".off" + off + ".javaLoopVsC",
                                "CopyBench.copyToIoC" + p, "CopyBench.copyToIoJavaLoop" + p,
                                "speed of iomem's pure-Java copy loop (a MappedBus without native routines) relative to C:"
                                + " time(C) / time(Java loop)");
                    }
                }
            }
        }
        // No allocation on hot paths: JMH's figure less the harness's own bytes per iteration,
        // which the allocation-free anchors of the same run measure (see HarnessAllocation).
        List<List<double[]>> anchors = new ArrayList<>();
        allocIterations.forEach((k, v) -> {
            if (HarnessAllocation.isAnchor(k)) {
                anchors.add(v);
            }
        });
        double harness = HarnessAllocation.harnessBytesPerIteration(anchors);
        if (!Double.isNaN(harness)) {
            ratios.add(Ratio.context("alloc.harnessBytesPerIteration", harness,
                    "bytes the JMH harness allocates per iteration: the median over the allocation-free anchors"));
        }
        for (Map.Entry<String, List<double[]>> e : allocIterations.entrySet()) {
            String k = e.getKey();
            if (!e.getValue().isEmpty() && !Double.isNaN(harness)) {
                scores.get(k)[3] = HarnessAllocation.ownBytesPerOp(e.getValue(), harness);
            }
            boolean hotPath = ((k.startsWith("ScalarBench.") || k.startsWith("RegisterBench.")) && !k.contains(".raw")) || (k.startsWith("CopyBench.") && k.contains("Java"));
            if (hotPath && !e.getValue().isEmpty() && !Double.isNaN(harness)) {
                ratios.add(new Ratio("alloc." + k, scores.get(k)[3], "<=", 8,
                        "bytes the method itself allocates per operation: JMH -prof gc less the harness's share; under 8 means"
                        + " no object per call (the smallest object is 16 bytes)"));
            }
        }
        SgTableBench.addRatios(ratios, scores);
        PagemapBench.addRatios(ratios, scores);

        Map<String, Double> startup = iomem == null ? Map.of() : StartupTimer.measure(Path.of(iomem), quick ? 5 : 15);

        String json = ResultsFile.render(quick ? "quick" : "full", scores, units, ratios, startup);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json);
        System.out.println();
        System.out.println("Ratios (target)");
        for (Ratio r : ratios) {
            if (!r.name().startsWith("alloc.") || !r.met() || !r.hasTarget()) {
                if (r.hasTarget()) {
                    System.out.printf(Locale.ROOT, "  %-52s %8.3f  %s %s  %s%n", r.name(), r.value(), r.op(), r.target(), r.met() ? "met" : "MISSED");
                } else {
                    System.out.printf(Locale.ROOT, "  %-52s %8.3f  (context, no target)%n", r.name(), r.value());
                }
            }
        }
        startup.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-52s %8.1f ms%n", "B5." + k, v));
        System.out.println("wrote " + out);
    }

    private static Collection<RunResult> runJmh(ChainedOptionsBuilder opts) throws RunnerException {
        return new Runner(opts.build()).run();
    }

    private static void ratio(List<Ratio> ratios, Map<String, double[]> scores, String name, String numerator, String denominator,
                              String op, double target, String meaning) {
        double[] n = scores.get(numerator);
        double[] d = scores.get(denominator);
        if (n != null && d != null && d[0] > 0) {
            ratios.add(new Ratio(name, n[0] / d[0], op, target, meaning));
        }
    }

    private static void contextRatio(List<Ratio> ratios, Map<String, double[]> scores, String name, String numerator,
                                     String denominator, String meaning) {
        double[] n = scores.get(numerator);
        double[] d = scores.get(denominator);
        if (n != null && d != null && d[0] > 0) {
            ratios.add(Ratio.context(name, n[0] / d[0], meaning));
        }
    }

    private static String keyOf(RunResult r) {
        String bench = r.getParams().getBenchmark();
        String shortName = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
        Collection<String> keys = r.getParams().getParamsKeys();
        if (keys.isEmpty()) {
            return shortName;
        }
        StringBuilder sb = new StringBuilder(shortName).append('[');
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(null);
        for (int i = 0; i < sorted.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(sorted.get(i)).append('=').append(r.getParams().getParam(sorted.get(i)));
        }
        return sb.append(']').toString();
    }

    private static boolean has(String[] args, String flag) {
        return Arrays.asList(args).contains(flag);
    }

    private static String value(String[] args, String flag, String dflt) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(flag)) {
                return args[i + 1];
            }
        }
        return dflt;
    }

    /**
     * A named ratio and its target.
     *
     * @param name    the ratio's name
     * @param value   its value
     * @param op      {@code "<="} or {@code ">="}, or {@code null} for a figure reported for
     *                context, without a target
     * @param target  the target (ignored without {@code op})
     * @param meaning what it measures
     */
    record Ratio(String name, double value, String op, double target, String meaning) {
        /** {@return a figure reported for context, without a target} */
        static Ratio context(String name, double value, String meaning) {
            return new Ratio(name, value, null, Double.NaN, meaning);
        }

        /** {@return whether the figure has a target} */
        boolean hasTarget() {
            return op != null;
        }

        /** {@return whether the target is met; true for a figure without one} */
        boolean met() {
            return op == null || (op.equals("<=") ? value <= target : value >= target);
        }
    }

    /** Wall time of {@code iomem probe} against a JVM that prints hello (B5). */
    static final class StartupTimer {
        private StartupTimer() {
        }

        static Map<String, Double> measure(Path iomem, int runs) throws IOException, InterruptedException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> probe = List.of(iomem.toString(), "probe");
            List<String> hello = List.of(java, "-cp", System.getProperty("java.class.path"), Hello.class.getName());
            time(probe);  // builds if needed
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("iomemProbeMs", median(probe, runs));
            m.put("helloJvmMs", median(hello, runs));
            m.put("ratio", m.get("iomemProbeMs") / m.get("helloJvmMs"));
            return m;
        }

        private static double median(List<String> cmd, int runs) throws IOException, InterruptedException {
            double[] t = new double[runs];
            for (int i = 0; i < runs; i++) {
                t[i] = time(cmd);
            }
            Arrays.sort(t);
            return t[runs / 2];
        }

        private static double time(List<String> cmd) throws IOException, InterruptedException {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("startup run failed: " + cmd);
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }
}
