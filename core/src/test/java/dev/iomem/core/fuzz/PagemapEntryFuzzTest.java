package dev.iomem.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.core.dma.PagemapEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes pagemap entry decoding (Documentation/admin-guide/mm/pagemap.rst): for any 64-bit entry
 * and base page size, the decoder either returns the physical address of a present, not swapped
 * page with a nonzero PFN, page aligned, positive and exactly PFN times the page size (never
 * wrapped), or refuses with a one-line {@link DmaMappingException}; a hidden PFN (0, as the
 * kernel shows it without CAP_SYS_ADMIN) is always refused, never handed out as address 0.
 */
class PagemapEntryFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decodesOrRefuses(FuzzedDataProvider data) {
        long raw = data.consumeLong();
        long pageSize = 1L << data.consumeInt(12, 30);
        long pageIndex = data.consumeLong();
        check(raw, pageSize, pageIndex);
    }

    static void check(long raw, long pageSize, long pageIndex) {
        PagemapEntry entry = new PagemapEntry(raw);
        assertThat(entry.present()).isEqualTo(raw < 0);
        assertThat(entry.swapped()).isEqualTo((raw & (1L << 62)) != 0);
        assertThat(entry.fileOrShared()).isEqualTo((raw & (1L << 61)) != 0);
        assertThat(entry.pfn()).isEqualTo(raw & ((1L << 55) - 1)).isNotNegative();
        long pfn = entry.pfn();
        boolean good = entry.present() && !entry.swapped() && pfn != 0 && pfn <= Long.MAX_VALUE / pageSize;
        long address;
        try {
            address = PagemapEntry.physicalAddress(raw, pageSize, pageIndex);
        } catch (DmaMappingException refused) {
            assertThat(good).as("a good entry 0x%x refused", raw).isFalse();
            assertThat(refused.getMessage()).isNotBlank().doesNotContain("\n").doesNotContain("\r");
            if (pfn == 0 && entry.present() && !entry.swapped()) {
                assertThat(refused.getMessage()).contains("CAP_SYS_ADMIN");
            }
            return;
        }
        assertThat(good).as("a bad entry 0x%x decoded", raw).isTrue();
        assertThat(address).isPositive();
        assertThat(address % pageSize).isZero();
        assertThat(address / pageSize).isEqualTo(pfn);
        assertThat(entry.physicalAddress(pageSize)).isEqualTo(address);
    }
}
