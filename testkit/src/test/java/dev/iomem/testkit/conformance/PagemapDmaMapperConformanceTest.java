package dev.iomem.testkit.conformance;

import dev.iomem.api.dma.DmaMapper;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.core.dma.PagemapDmaMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;

/**
 * The DMA kit against core's pagemap mapper on this machine's real {@code /proc/self/pagemap}
 * (real mlock, real physical addresses); skipped where the process lacks CAP_SYS_ADMIN.
 */
@DisplayName("PagemapDmaMapper passes the DMA conformance kit on this machine")
class PagemapDmaMapperConformanceTest extends DmaMapperConformance {

    @Override
    protected DmaMapper mapper() {
        PagemapDmaMapper mapper = PagemapDmaMapper.create();
        try {
            mapper.checkPrivilege();
        } catch (DmaMappingException e) {
            Assumptions.abort(e.getMessage());
        }
        return mapper;
    }
}
