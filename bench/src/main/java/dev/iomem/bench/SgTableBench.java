package dev.iomem.bench;

import java.util.List;
import java.util.Map;

/** B3 (SG table build rate) arrives with the DMA tables; until then it contributes no ratio. */
final class SgTableBench {
    private SgTableBench() {
    }

    static void addRatios(List<BenchMain.Ratio> ratios, Map<String, double[]> scores) {
    }
}
