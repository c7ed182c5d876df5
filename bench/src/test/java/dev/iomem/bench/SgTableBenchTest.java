package dev.iomem.bench;

import dev.iomem.api.dma.DmaOnlySgTable;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("B3's page lists and ratios")
class SgTableBenchTest {

    @Test
    @DisplayName("the fragmented page list is 1 GiB of distinct pages in the same 30,202 runs every time")
    void fragmentedIsSeededAndShaped() {
        long[] a = SgTableBench.pageList("fragmented");
        assertThat(a).hasSize(262_144).isEqualTo(SgTableBench.pageList("fragmented"));
        assertThat(SgTableBench.segmentsOf(a)).isEqualTo(30_202);
        assertThat(java.util.Arrays.stream(a).distinct().count()).isEqualTo(262_144);
    }

    @Test
    @DisplayName("the scattered page list has no two contiguous pages")
    void scatteredHasNoRuns() {
        assertThat(SgTableBench.segmentsOf(SgTableBench.pageList("scattered"))).isEqualTo(262_144);
    }

    @Test
    @DisplayName("the benchmark builds a table of 1 GiB with one segment per run of the page list")
    void buildsTheWholeTable() {
        SgTableBench bench = new SgTableBench();
        bench.layout = "fragmented";
        bench.pages();
        try (DmaOnlySgTable t = bench.build(); DmaOnlySgTable r = bench.buildReserved()) {
            assertThat(t.segmentCount()).isEqualTo(30_202).isEqualTo(r.segmentCount());
            assertThat(t.totalLength()).isEqualTo(1L << 30);
        }
    }

    @Test
    @DisplayName("bytes kept per segment is the slope between the layouts, and the rest is the table's fixed cost")
    void bytesPerSegmentIsTheSlope() {
        int frag = 30_202;
        int scat = 262_144;
        Map<String, double[]> scores = Map.of(
                "SgTableBench.buildReserved[layout=fragmented]", new double[] {1, 0, 0, (16.0 * frag + 500) / 262_144},
                "SgTableBench.buildReserved[layout=scattered]", new double[] {1, 0, 0, (16.0 * scat + 500) / 262_144},
                "SgTableBench.build[layout=fragmented]", new double[] {2.0e8, 0, 0, 0});
        List<BenchMain.Ratio> ratios = new ArrayList<>();
        SgTableBench.addRatios(ratios, scores);
        assertThat(ratios).filteredOn(r -> r.name().equals("B3.bytesKeptPerSegment")).singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo(16.0)).satisfies(r -> assertThat(r.met()).isTrue());
        assertThat(ratios).filteredOn(r -> r.name().equals("B3.fixedBytesPerTable")).singleElement()
                .satisfies(r -> assertThat(r.value()).isCloseTo(500.0, org.assertj.core.data.Offset.offset(1e-6)));
        assertThat(ratios).filteredOn(r -> r.name().equals("B3.build.fragmented.MpagesPerSecond")).singleElement()
                .satisfies(r -> assertThat(r.value()).isEqualTo(200.0));
    }
}
