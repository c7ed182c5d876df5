package dev.iomem.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("latest.json")
class ResultsFileTest {

    @Test
    @DisplayName("holds scores with both allocation figures, and ratios with or without a target")
    void rendersScoresAndRatios() {
        Map<String, double[]> scores = new LinkedHashMap<>();
        scores.put("ScalarBench.read32", new double[] {3.5, 0.5, 0.0001, 0.0});
        List<BenchMain.Ratio> ratios = List.of(new BenchMain.Ratio("B1.read32/raw", 2.5, "<=", 1.1, "m"),
                BenchMain.Ratio.context("B3.fixedBytesPerTable", 456, "c"));
        String json = ResultsFile.render("quick", scores, Map.of("ScalarBench.read32", "ns/op"), ratios, Map.of());
        assertThat(json).contains("\"ScalarBench.read32\": {\"score\": 3.5000, \"error\": 0.5000, \"unit\": \"ns/op\", "
                        + "\"allocBytesPerOp\": 0.0001, \"ownAllocBytesPerOp\": 0.0000}")
                .contains("\"B1.read32/raw\": {\"value\": 2.5000, \"target\": \"<= 1.1\", \"met\": false")
                .contains("\"B3.fixedBytesPerTable\": {\"value\": 456.0000, \"target\": null, \"met\": null");
    }
}
