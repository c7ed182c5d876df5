package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaMappingException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Pagemap entry decoding")
class PagemapEntryTest {

    private static final long PRESENT = 1L << 63;

    @Test
    @DisplayName("bits 0-54 are the PFN, 62 swapped, 63 present, 61 file or shared")
    void bits() {
        PagemapEntry e = new PagemapEntry(PRESENT | (1L << 61) | (1L << 55) | 0x12da0bL);
        assertThat(e.present()).isTrue();
        assertThat(e.swapped()).isFalse();
        assertThat(e.fileOrShared()).isTrue();
        assertThat(e.pfn()).isEqualTo(0x12da0bL);
        assertThat(e.physicalAddress(4096)).isEqualTo(0x12da0b000L);
        assertThat(new PagemapEntry((1L << 62) | 0x55).swapped()).isTrue();
        assertThat(new PagemapEntry(PRESENT | PagemapEntry.PFN_MASK).pfn()).isEqualTo((1L << 55) - 1);
    }

    @Test
    @DisplayName("PFN 0 of a present page is refused with a message that names the CAP_SYS_ADMIN privilege and no address")
    void hiddenPfn() {
        assertThatThrownBy(() -> PagemapEntry.physicalAddress(PRESENT | (1L << 61), 4096, 7))
                .isInstanceOf(DmaMappingException.class)
                .hasMessageContaining("page 7 of the buffer")
                .hasMessageContaining("CAP_SYS_ADMIN privilege")
                .hasMessageNotContaining("0x");
    }

    @Test
    @DisplayName("a page that is not present, or is swapped, is refused")
    void notPresentOrSwapped() {
        assertThatThrownBy(() -> PagemapEntry.physicalAddress(0, 4096, 3)).isInstanceOf(DmaMappingException.class)
                .hasMessageContaining("page 3 of the buffer is not present");
        assertThatThrownBy(() -> PagemapEntry.physicalAddress((1L << 62) | 0x1234, 4096, 0)).isInstanceOf(DmaMappingException.class)
                .hasMessageContaining("swapped out");
        assertThatThrownBy(() -> PagemapEntry.physicalAddress(PRESENT | (1L << 62) | 0x1234, 4096, 0))
                .isInstanceOf(DmaMappingException.class).hasMessageContaining("swapped");
    }

    @Test
    @DisplayName("a PFN whose address does not fit in 63 bits is refused rather than wrapped")
    void overflow() {
        assertThatThrownBy(() -> new PagemapEntry(PRESENT | PagemapEntry.PFN_MASK).physicalAddress(4096))
                .isInstanceOf(DmaMappingException.class).hasMessageContaining("too large");
        long biggest = Long.MAX_VALUE / 4096;
        assertThat(PagemapEntry.physicalAddress(PRESENT | biggest, 4096, 0)).isEqualTo(biggest * 4096);
    }

    @Test
    @DisplayName("for any 64-bit value the decoder returns a nonzero page-aligned positive address or refuses")
    void anyValue() {
        SplittableRandom rnd = new SplittableRandom(42);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            long raw = rnd.nextLong();
            if ((i & 1) == 0) {
                raw |= PRESENT;
            }
            long pageSize = 1L << (12 + rnd.nextInt(10));
            try {
                long pa = PagemapEntry.physicalAddress(raw, pageSize, i);
                assertThat(pa).isPositive();
                assertThat(pa % pageSize).isZero();
                assertThat(pa / pageSize).isEqualTo(raw & PagemapEntry.PFN_MASK);
                accepted++;
            } catch (DmaMappingException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
            }
        }
        assertThat(accepted).isPositive();
    }
}
