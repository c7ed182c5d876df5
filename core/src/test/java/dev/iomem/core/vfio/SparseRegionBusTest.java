package dev.iomem.core.vfio;

import dev.iomem.api.IoFaultException;
import dev.iomem.api.Width;
import dev.iomem.spi.IoBus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

@DisplayName("A sparse-mmap BAR: mapped areas on the architecture's bus, the rest through the file")
class SparseRegionBusTest {

    private final IoBus file = mock(IoBus.class);
    private final IoBus area = mock(IoBus.class);
    // A 16 KiB BAR whose first 8 KiB the kernel maps; the MSI-X table above it is left to the file.
    private final SparseRegionBus bus = new SparseRegionBus(file, List.of(new SparseRegionBus.MappedArea(0, 0x2000, area)));

    @Test
    @DisplayName("an access inside the area goes to the area's bus at its offset in the area, once")
    void insideArea() {
        when(area.load(0x1ffc, Width.INT)).thenReturn(0x1234L);
        assertThat(bus.load(0x1ffc, Width.INT)).isEqualTo(0x1234L);
        bus.store(0x8, Width.LONG, 7);
        verify(area).store(0x8, Width.LONG, 7);
        verify(file, never()).load(anyLong(), any());
        verify(file, never()).store(anyLong(), any(), anyLong());
    }

    @Test
    @DisplayName("an access outside the area, or straddling its edge, goes to the file, once")
    void outsideArea() {
        when(file.load(0x2000, Width.INT)).thenReturn(9L);
        assertThat(bus.load(0x2000, Width.INT)).isEqualTo(9L);
        bus.store(0x1ffe, Width.INT, 5);
        verify(file).store(0x1ffe, Width.INT, 5);
        verifyNoInteractions(area);
    }

    @Test
    @DisplayName("a read-only region refuses stores before either bus; closing closes both")
    void readOnlyAndClose() {
        when(file.isReadOnly()).thenReturn(true);
        assertThatThrownBy(() -> bus.store(0, Width.INT, 1)).isInstanceOf(IoFaultException.class);
        verifyNoInteractions(area);
        bus.close();
        verify(area).close();
        verify(file).close();
    }
}
