package dev.iomem.core.contract;

import dev.iomem.api.*;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("AccessRules and device quirks")
class AccessRulesTest {

    private static AccessRules arm() {
        return AccessRules.builder("aarch64", MemoryType.DEVICE).copy(CopyAlgorithm.GENERIC).build();
    }

    @Test
    @DisplayName("a no-64-bit quirk removes 8-byte scalars and narrows copies to 4 bytes")
    void quirkNarrows() {
        AccessRules r = arm().withQuirk(DeviceQuirk.forbidWidths("rpi-no-writeq", Width.LONG));
        assertThat(r.allows(Width.LONG)).isFalse();
        assertThat(r.maxCopyWidth()).isEqualTo(Width.INT);
        assertThat(r.quirks()).isEqualTo("rpi-no-writeq");
        assertThat(r.naturalAlignment()).isTrue();
    }

    @Test
    @DisplayName("a quirk that would allow a width the rules forbid is rejected")
    void quirkCannotWiden() {
        AccessRules narrow = arm().toBuilder().scalarWidths(EnumSet.of(Width.BYTE, Width.INT)).maxCopyWidth(Width.INT).build();
        assertThatThrownBy(() -> narrow.withQuirk(new DeviceQuirk("wider", EnumSet.allOf(Width.class), Width.INT, false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would widen")
                .hasMessageContaining("SHORT");
        assertThatThrownBy(() -> narrow.withQuirk(new DeviceQuirk("wider-copy", EnumSet.of(Width.BYTE), Width.LONG, false)))
                .hasMessageContaining("copy width LONG is wider than INT");
    }

    @Test
    @DisplayName("a quirk that removes block stores drops them")
    void quirkDropsBlockStore() {
        AccessRules z = AccessRules.builder("s390x", MemoryType.DEVICE).copy(CopyAlgorithm.S390X)
                .blockStore(new BlockStoreLimits(128, 8, 8)).boundary(4096).cpuByteOrder(ByteOrder.BIG_ENDIAN).build();
        assertThat(z.withQuirk(DeviceQuirk.forbidWidths("no-64", Width.LONG)).blockStore()).isEmpty();
    }

    @Test
    @DisplayName("inconsistent rules do not build")
    void selfConsistency() {
        assertThatThrownBy(() -> AccessRules.builder("x", MemoryType.DEVICE).scalarWidths(EnumSet.of(Width.BYTE)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("copy width LONG is not an allowed scalar width");
        assertThatThrownBy(() -> AccessRules.builder("x", MemoryType.DEVICE).boundary(4).build())
                .hasMessageContaining("boundary 4 is narrower");
        assertThatThrownBy(() -> AccessRules.builder("x", MemoryType.DEVICE).boundary(3000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CopyAlgorithm("x", dev.iomem.api.CopyEdge.BYTES, dev.iomem.api.Width.INT,
                dev.iomem.api.CopyEdge.NONE, false, java.util.Set.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a tail must be BYTES or GRADED");
        assertThatThrownBy(() -> AccessRules.builder("x", MemoryType.DEVICE).scalarWidths(java.util.EnumSet.of(dev.iomem.api.Width.BYTE))
                .copy(CopyAlgorithm.POWERPC).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("copy width INT is not an allowed scalar width");
    }

    @Test
    @DisplayName("widths convert from bytes and bits and reject anything else")
    void widths() {
        assertThat(Width.ofBytes(4)).isEqualTo(Width.INT);
        assertThat(Width.ofBits(64)).isEqualTo(Width.LONG);
        assertThat(Width.atMost(7)).isEqualTo(Width.INT);
        assertThat(Width.atMost(100)).isEqualTo(Width.LONG);
        assertThatThrownBy(() -> Width.ofBytes(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Width.ofBits(12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Width.atMost(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
