package dev.iomem.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Separating a method's allocation from the JMH harness's")
class HarnessAllocationTest {

    @Test
    @DisplayName("the harness's bytes per iteration are the median over the anchors' iterations")
    void harnessIsTheMedian() {
        List<double[]> a = List.of(new double[] {7.0, 1000}, new double[] {0.007, 1_000_000});  // 7000, 7000
        List<double[]> b = List.of(new double[] {80.0, 100});                                  // 8000
        assertThat(HarnessAllocation.harnessBytesPerIteration(List.of(a, b))).isEqualTo(7000.0);
        assertThat(HarnessAllocation.harnessBytesPerIteration(List.of())).isNaN();
    }

    @Test
    @DisplayName("a method that allocates nothing comes out at zero however few its operations")
    void nothingIsZero() {
        List<double[]> slow = List.of(new double[] {7000.0 / 300, 300}, new double[] {7000.0 / 280, 280});
        assertThat(HarnessAllocation.ownBytesPerOp(slow, 7000)).isCloseTo(0, within(1e-9));
    }

    @Test
    @DisplayName("a method that allocates 24 bytes a call comes out at 24")
    void perCallAllocationShows() {
        List<double[]> its = List.of(new double[] {24 + 7000.0 / 300, 300});
        assertThat(HarnessAllocation.ownBytesPerOp(its, 7000)).isCloseTo(24, within(1e-9));
    }

    @Test
    @DisplayName("raw accesses, C downcalls and the JDK copy are anchors; iomem's methods are not")
    void anchors() {
        assertThat(HarnessAllocation.isAnchor("ScalarBench.rawGetOpaque")).isTrue();
        assertThat(HarnessAllocation.isAnchor("CopyBench.copyToIoC[ioOffset=0,size=64]")).isTrue();
        assertThat(HarnessAllocation.isAnchor("CopyBench.copyToIoRawOpaque[ioOffset=3,size=64]")).isTrue();
        assertThat(HarnessAllocation.isAnchor("CopyBench.segmentCopyContext[ioOffset=0,size=64]")).isTrue();
        assertThat(HarnessAllocation.isAnchor("CopyBench.copyToIoJava[ioOffset=0,size=64]")).isFalse();
        assertThat(HarnessAllocation.isAnchor("ScalarBench.read32")).isFalse();
    }
}
