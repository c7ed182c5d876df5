package dev.iomem.bench;

import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.core.dma.DmaBuffer;
import dev.iomem.core.dma.DmaBuffers;
import dev.iomem.core.dma.HugePagePolicy;
import dev.iomem.core.dma.PagemapDmaMapper;
import dev.iomem.core.dma.PagemapReads;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * B4: mapping 1 GiB of DMA memory with {@link PagemapDmaMapper}, reading
 * {@code /proc/self/pagemap} in large batches against one 8-byte {@code pread} per page (the
 * way DPDK's {@code rte_mem_virt2phy}, SPDK's fallback and ixy do). Target: batched at least
 * 10x faster.
 *
 * <p>The 1 GiB is allocated once per trial with {@link DmaBuffers} in base pages (4 KiB,
 * populated and locked), so an operation is only the translation: the pagemap reads, the
 * decoding of 262,144 entries and the table build (the memory is already held locked, so the
 * mapper does not lock it again), plus closing the table. Needs CAP_SYS_ADMIN (root): without
 * it every frame number reads as 0 and the mapper refuses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PagemapBench {

    private static final long SIZE = 1L << 30;

    private Arena arena;
    private DmaBuffer buffer;
    private PagemapDmaMapper batched;
    private PagemapDmaMapper perPage;

    /** Allocates and locks the 1 GiB. */
    @Setup(Level.Trial)
    public void allocate() {
        arena = Arena.ofShared();
        buffer = DmaBuffers.allocate(arena, SIZE, HugePagePolicy.NEVER);
        batched = PagemapDmaMapper.create(PagemapReads.BATCHED);
        perPage = PagemapDmaMapper.create(PagemapReads.PER_PAGE);
        batched.checkPrivilege();
    }

    /** Frees it. */
    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    /** {@return the segment count of the 1 GiB, translated with batched pagemap reads} */
    @Benchmark
    public int batched() {
        try (DmaOnlySgTable t = batched.mapUser(buffer.memory(), DmaDirection.BIDIRECTIONAL, DmaConstraints.UNRESTRICTED)) {
            return t.segmentCount();
        }
    }

    /** {@return the segment count of the 1 GiB, translated with one pagemap read per page} */
    @Benchmark
    public int perPage() {
        try (DmaOnlySgTable t = perPage.mapUser(buffer.memory(), DmaDirection.BIDIRECTIONAL, DmaConstraints.UNRESTRICTED)) {
            return t.segmentCount();
        }
    }

    /** Adds B4's ratio: time per page-read over time batched. */
    static void addRatios(List<BenchMain.Ratio> ratios, Map<String, double[]> scores) {
        double[] batched = scores.get("PagemapBench.batched");
        double[] perPage = scores.get("PagemapBench.perPage");
        if (batched != null && perPage != null && batched[0] > 0) {
            ratios.add(new BenchMain.Ratio("B4.pagemap.perPage/batched", perPage[0] / batched[0], ">=", 10,
                    "time to map 1 GiB with one pagemap pread per page over the time with batched reads"));
        }
    }
}
