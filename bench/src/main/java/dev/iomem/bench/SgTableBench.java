package dev.iomem.bench;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.core.dma.DmaTableBuilder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * B3: building a {@link DmaOnlySgTable} with {@link DmaTableBuilder} from the page list of 1 GiB:
 * 262,144 pages of 4 KiB. The page list (physical frame numbers) is made once per trial, so the
 * benchmark measures only the builder: one {@code add} per page, then {@code build}.
 *
 * <p>Scores are pages per second ({@link OperationsPerInvocation} = pages). Layouts:
 * <ul>
 *   <li>{@code fragmented}: runs of physically contiguous pages with lengths drawn like those
 *       of a 1 GiB {@code MAP_POPULATE} allocation of base pages read from the pagemap of the
 *       project's machine (35,054 runs, mean 7.5 pages: two thirds single pages, an eighth runs
 *       of 16, the rest 2 to 64); the seeded generator gives 30,202 segments (mean 8.7 pages);
 *       this layout carries the targets;</li>
 *   <li>{@code scattered}: no two pages contiguous, 262,144 segments (the worst case).</li>
 * </ul>
 *
 * <p>Bytes kept per segment is measured, not computed: {@link #buildReserved} reserves the
 * exact segment count first ({@link DmaTableBuilder#ensureCapacity}), so that everything it
 * allocates is either the table it returns (the pairs array, the table object, its lock and
 * unmap action) or the short-lived builder object; JMH's GC profiler ({@code gc.alloc.rate.norm},
 * the thread's allocated-bytes counter) gives those bytes, and dividing by the segment count
 * gives an upper bound on the retained bytes per segment. B3's figure is the slope between the
 * two layouts' tables, so that the table's fixed cost (reported apart) does not blur it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SgTableBench {

    /** 1 GiB of 4 KiB pages. */
    static final int PAGES = 262_144;
    static final long PAGE = 4096;
    private static final long SEED = 0x5EED_1A7E_5L;
    private static final Runnable NOTHING_TO_UNMAP = () -> { };

    /** How contiguous the pages are: {@code fragmented} (measured shape) or {@code scattered}. */
    @Param({"fragmented", "scattered"})
    public String layout;

    private long[] pfns;
    private int segments;

    /** Makes the page list. */
    @Setup(Level.Trial)
    public void pages() {
        pfns = pageList(layout);
        segments = segmentsOf(pfns);
    }

    /** {@return the table built from the page list, as a mapper builds it (no size hint)} */
    @Benchmark
    @OperationsPerInvocation(PAGES)
    public DmaOnlySgTable build() {
        DmaTableBuilder b = DmaTableBuilder.create(DmaAddressSpace.PHYSICAL, DmaConstraints.UNRESTRICTED,
                DmaDirection.BIDIRECTIONAL, null, false);
        long[] p = pfns;
        for (int i = 0; i < p.length; i++) {
            b.add(p[i] * PAGE, PAGE);
        }
        return b.build(NOTHING_TO_UNMAP);
    }

    /** {@return the same table with its exact segment count reserved, to measure what a table keeps} */
    @Benchmark
    @OperationsPerInvocation(PAGES)
    public DmaOnlySgTable buildReserved() {
        DmaTableBuilder b = DmaTableBuilder.create(DmaAddressSpace.PHYSICAL, DmaConstraints.UNRESTRICTED,
                DmaDirection.BIDIRECTIONAL, null, false).ensureCapacity(segments);
        long[] p = pfns;
        for (int i = 0; i < p.length; i++) {
            b.add(p[i] * PAGE, PAGE);
        }
        return b.build(NOTHING_TO_UNMAP);
    }

    /**
     * {@return the page frame numbers of 1 GiB, seeded, so the run is the same every time}
     *
     * @param layout {@code fragmented} or {@code scattered}
     */
    static long[] pageList(String layout) {
        SplittableRandom rnd = new SplittableRandom(SEED);
        long[] p = new long[PAGES];
        long pfn = 0x10_0000;  // 4 GiB up, like most of the memory of a 24 GiB machine
        int i = 0;
        while (i < PAGES) {
            int run = layout.equals("scattered") ? 1 : runLength(rnd);
            pfn += 1 + rnd.nextInt(1, 4096);  // a gap: the next run never continues this one
            for (int k = 0; k < run && i < PAGES; k++) {
                p[i++] = pfn++;
            }
        }
        return p;
    }

    /** Run lengths shaped like the measured allocation (see the class description). */
    private static int runLength(SplittableRandom rnd) {
        int r = rnd.nextInt(100);
        if (r < 67) {
            return 1;
        }
        if (r < 80) {
            return 16;
        }
        if (r < 83) {
            return 8;
        }
        return rnd.nextInt(2, 65);
    }

    /** {@return the number of runs of consecutive frame numbers} */
    static int segmentsOf(long[] pfns) {
        int n = pfns.length == 0 ? 0 : 1;
        for (int i = 1; i < pfns.length; i++) {
            if (pfns[i] != pfns[i - 1] + 1) {
                n++;
            }
        }
        return n;
    }

    /**
     * Adds B3's ratios: pages per second of the mapper's way of building, and bytes kept per
     * segment from the allocation of {@link #buildReserved}.
     */
    static void addRatios(List<BenchMain.Ratio> ratios, Map<String, double[]> scores) {
        for (String layout : new String[] {"fragmented", "scattered"}) {
            String p = "[layout=" + layout + "]";
            double[] build = scores.get("SgTableBench.build" + p);
            // The target is on the measured shape; scattered (the worst case) is in the scores, for context.
            if (build != null && layout.equals("fragmented")) {
                ratios.add(new BenchMain.Ratio("B3.build.fragmented.MpagesPerSecond", build[0] / 1e6, ">=", 100,
                        "millions of 4 KiB pages added per second, building the table of 1 GiB as the pagemap mapper does"));
            }
        }
        // Bytes kept per segment: the slope of the reserved build's allocation (less the JMH
        // harness's share, see HarnessAllocation) between the two layouts, whose segment counts
        // differ by about 227,000. What a table costs apart from its segments (array header,
        // table object, lock, the builder) cancels out and is reported on its own. Rounded to
        // 0.01 byte: the harness's share is known to a few hundred bytes per iteration.
        double[] fragmented = scores.get("SgTableBench.buildReserved[layout=fragmented]");
        double[] scattered = scores.get("SgTableBench.buildReserved[layout=scattered]");
        if (fragmented != null && scattered != null && !Double.isNaN(fragmented[3]) && !Double.isNaN(scattered[3])) {
            int segFragmented = segmentsOf(pageList("fragmented"));
            int segScattered = segmentsOf(pageList("scattered"));
            double bytesFragmented = fragmented[3] * PAGES;  // per operation = per page
            double bytesScattered = scattered[3] * PAGES;
            double perSegment = Math.round(100 * (bytesScattered - bytesFragmented) / (segScattered - segFragmented)) / 100.0;
            ratios.add(new BenchMain.Ratio("B3.bytesKeptPerSegment", perSegment, "<=", 16,
                    "bytes allocated per added segment, building with the segment count reserved: the slope between "
                    + segFragmented + " and " + segScattered + " segments (JMH -prof gc less the harness), to 0.01 byte"));
            ratios.add(BenchMain.Ratio.context("B3.fixedBytesPerTable", bytesFragmented - perSegment * segFragmented,
                    "bytes a table and its builder allocate apart from their segments (builder, first array, table"
                    + " object, lock, array header)"));
            ratios.add(BenchMain.Ratio.context("B3.bytesPerSegmentAllIn.fragmented", bytesFragmented / segFragmented,
                    "everything the reserved build of the fragmented table allocates, per segment"));
        }
    }
}
