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
        String include = value(args, "--include", "dev.iomem.bench.(ScalarBench|CopyBench|SgTableBench|PagemapBench)");

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

        Map<String, double[]> scores = new LinkedHashMap<>();   // key -> {score, error, allocBytesPerOp}
        Map<String, String> units = new LinkedHashMap<>();
        for (RunResult r : results) {
            String key = keyOf(r);
            Result<?> primary = r.getPrimaryResult();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            scores.put(key, new double[] {primary.getScore(), primary.getScoreError(), alloc == null ? Double.NaN : alloc.getScore()});
            units.put(key, primary.getScoreUnit());
        }

        List<Ratio> ratios = new ArrayList<>();
        for (String[] pair : new String[][] {
                {"read32Relaxed", "rawGetOpaque"}, {"write32Relaxed", "rawSetOpaque"},
                {"read32", "rawGetAcquire"}, {"write32", "rawSetRelease"}}) {
            ratio(ratios, scores, "B1." + pair[0] + "/raw", "ScalarBench." + pair[0], "ScalarBench." + pair[1], "<=", 1.10,
                    "time of the accessor over time of the raw VarHandle access");
        }
        for (String op : new String[] {"copyToIo", "copyFromIo", "fillIo"}) {
            for (String size : new String[] {"64", "4096", "65536", "1048576"}) {
                for (String off : new String[] {"0", "3"}) {
                    String p = "[ioOffset=" + off + ",size=" + size + "]";
                    // speed of Java relative to C = time(C) / time(Java)
                    ratio(ratios, scores, "B2." + op + ".size" + size + ".off" + off + ".javaVsC",
                            "CopyBench." + op + "C" + p, "CopyBench." + op + "Java" + p, ">=", 0.9,
                            "speed of iomem relative to the C anchor: time(C) / time(Java)");
                }
            }
        }
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            String k = e.getKey();
            boolean hotPath = (k.startsWith("ScalarBench.") && !k.contains(".raw")) || (k.startsWith("CopyBench.") && k.contains("Java"));
            if (hotPath && !Double.isNaN(e.getValue()[2])) {
                ratios.add(new Ratio("alloc." + k, e.getValue()[2], "<=", 0.5, "bytes allocated per operation (JMH -prof gc)"));
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
            if (!r.name().startsWith("alloc.") || !r.met()) {
                System.out.printf(Locale.ROOT, "  %-52s %8.3f  %s %s  %s%n", r.name(), r.value(), r.op(), r.target(), r.met() ? "met" : "MISSED");
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
     * @param op      {@code "<="} or {@code ">="}
     * @param target  the target
     * @param meaning what it measures
     */
    record Ratio(String name, double value, String op, double target, String meaning) {
        boolean met() {
            return op.equals("<=") ? value <= target : value >= target;
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
