package dev.iomem.bench;

import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Separates what a benchmarked method allocates from what the JMH harness allocates.
 *
 * <p>JMH's GC profiler divides the bytes allocated during an iteration, by every thread of the
 * forked JVM, by the operations of that iteration. The harness itself allocates some kilobytes
 * per iteration (results, profiler bookkeeping, the link to the host), so a method that
 * allocates nothing shows {@code H / ops} bytes per operation: nothing measurable for a 2 ns
 * register access, tens of bytes for a 1 ms copy of 1 MiB (a few hundred operations per
 * iteration). The anchors (raw VarHandle accesses, critical downcalls to C, the JDK's bulk
 * copy) allocate nothing in the method by construction, so their bytes per iteration are the
 * harness's {@code H}; a method's own allocation is then {@code norm - H / ops}, iteration by
 * iteration.
 */
final class HarnessAllocation {

    private HarnessAllocation() {
    }

    /**
     * {@return per measured iteration: {bytes allocated per operation (gc.alloc.rate.norm),
     * operations}, or an empty list without the GC profiler}
     */
    static List<double[]> iterations(RunResult r) {
        List<double[]> out = new ArrayList<>();
        r.getBenchmarkResults().forEach(b -> {
            for (IterationResult it : b.getIterationResults()) {
                Result<?> norm = it.getSecondaryResults().get("gc.alloc.rate.norm");
                long ops = it.getMetadata().getAllOps();
                if (norm != null && ops > 0 && !Double.isNaN(norm.getScore())) {
                    out.add(new double[] {norm.getScore(), ops});
                }
            }
        });
        return out;
    }

    /** {@return the mean bytes one iteration allocates in all} */
    static double bytesPerIteration(List<double[]> iterations) {
        return iterations.stream().mapToDouble(i -> i[0] * i[1]).average().orElse(Double.NaN);
    }

    /**
     * {@return the harness's bytes per iteration: the median over the anchors' iterations}
     *
     * @param anchors the iterations of every anchor benchmark
     */
    static double harnessBytesPerIteration(Collection<List<double[]>> anchors) {
        double[] all = anchors.stream().flatMap(List::stream).mapToDouble(i -> i[0] * i[1]).sorted().toArray();
        return all.length == 0 ? Double.NaN : all.length % 2 == 1 ? all[all.length / 2]
                : (all[all.length / 2 - 1] + all[all.length / 2]) / 2;
    }

    /**
     * {@return the bytes per operation a method allocates itself: the mean over its iterations
     * of {@code norm - harness / ops}}
     *
     * @param iterations the method's iterations
     * @param harness    the harness's bytes per iteration
     */
    static double ownBytesPerOp(List<double[]> iterations, double harness) {
        return iterations.stream().mapToDouble(i -> i[0] - harness / i[1]).average().orElse(Double.NaN);
    }

    /** {@return whether a benchmark is an anchor: allocation-free by construction} */
    static boolean isAnchor(String key) {
        return key.startsWith("ScalarBench.raw") || key.startsWith("CopyBench.segmentCopyContext")
                || key.matches("CopyBench\\.[a-zA-Z]+(C|RawOpaque)\\[.*");
    }
}
