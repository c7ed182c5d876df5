package dev.iomem.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.CopyEdge;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.core.access.CopyPlanner;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the copy planner with random rules, offsets and lengths against the trace
 * invariants: every byte exactly once, ascending, only allowed widths, natural alignment
 * where required, no boundary crossed, block stores within their limits.
 */
class CopyPlannerFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void plansKeepTheInvariants(FuzzedDataProvider data) {
        Width max = data.pickValue(Width.values());
        CopyAlgorithm algorithm = new CopyAlgorithm("fuzz", data.pickValue(CopyEdge.values()), max,
                data.consumeBoolean() ? CopyEdge.BYTES : CopyEdge.GRADED, data.consumeBoolean(), java.util.Set.of());
        boolean natural = data.consumeBoolean();
        AccessRules.Builder b = AccessRules.builder("fuzz", MemoryType.DEVICE).naturalAlignment(natural).copy(algorithm)
                .scalarWidths(EnumSet.allOf(Width.class));
        long boundary = 0;
        boolean chunked = algorithm.head() == CopyEdge.NONE;
        if (chunked || data.consumeBoolean()) {
            boundary = 1L << data.consumeInt(Math.max(3, Integer.numberOfTrailingZeros(max.bytes())), 14);
            b.boundary(boundary);
        }
        if (chunked && max == Width.LONG && boundary >= 16 && data.consumeBoolean()) {
            int blockMax = 8 * data.consumeInt(2, (int) Math.min(16, boundary / 8));
            b.blockStore(new BlockStoreLimits(blockMax, 8, 8));
        }
        AccessRules rules;
        try {
            rules = b.build();
        } catch (IllegalStateException inconsistent) {
            return;
        }
        long offset = data.consumeLong(0, 1L << 40);
        long length = data.consumeLong(0, 5000);
        long ram = data.consumeLong(0, 64);
        boolean store = data.consumeBoolean();
        long[] next = {offset};
        long bound = boundary;
        CopyPlanner.plan(rules, offset, ram, length, store, (io, raw, bytes, block) -> {
            assertThat(io).as("ascending, each byte once").isEqualTo(next[0]);
            assertThat(raw).isEqualTo(io - offset);
            next[0] = io + bytes;
            if (block) {
                assertThat(store).isTrue();
                assertThat(rules.blockStore()).isPresent();
                assertThat(rules.blockStore().get().permits(io, bytes)).as("block store %d at %d", bytes, io).isTrue();
            } else {
                assertThat(bytes).isIn(1, 2, 4, 8).isLessThanOrEqualTo(rules.maxCopyWidth().bytes());
                if (rules.naturalAlignment()) {
                    assertThat(io % bytes).as("natural alignment of %d at %d", bytes, io).isZero();
                }
            }
            if (bound != 0) {
                assertThat(io / bound).as("boundary %d crossed by %d at %d", bound, bytes, io).isEqualTo((io + bytes - 1) / bound);
            }
        });
        assertThat(next[0]).as("whole range covered").isEqualTo(offset + length);
    }
}
