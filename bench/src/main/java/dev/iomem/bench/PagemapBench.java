package dev.iomem.bench;

import java.util.List;
import java.util.Map;

/** B4 (batched vs per-page pagemap) arrives with the pagemap mapper; until then it contributes no ratio. */
final class PagemapBench {
    private PagemapBench() {
    }

    static void addRatios(List<BenchMain.Ratio> ratios, Map<String, double[]> scores) {
    }
}
