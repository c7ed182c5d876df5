package dev.iomem.core.pci;

import dev.iomem.api.pci.Bar;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ResourceFileParser")
class ResourceFileParserTest {

    private static final String ZERO = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";
    /** This machine's 0000:00:01.0 (virtio), byte for byte. */
    static final String VIRTIO = "0x0000004000000000 0x000000400007ffff 0x0000000000140204\n" + ZERO.repeat(6);

    @Test
    @DisplayName("reads a real virtio function's file: one 64-bit non-prefetchable memory BAR of 512 KiB")
    void virtio() {
        List<Bar> bars = ResourceFileParser.parseBars("resource", VIRTIO);
        assertThat(bars).hasSize(6);
        Bar b = bars.getFirst();
        assertThat(b.present()).isTrue();
        assertThat(b.start()).isEqualTo(0x40_0000_0000L);
        assertThat(b.end()).isEqualTo(0x40_0007_ffffL);
        assertThat(b.size()).isEqualTo(512 * 1024);
        assertThat(b.isMemory()).isTrue();
        assertThat(b.is64Bit()).isTrue();
        assertThat(b.isPrefetchable()).isFalse();
        assertThat(bars.subList(1, 6)).noneMatch(Bar::present);
    }

    @Test
    @DisplayName("decodes an I/O BAR, a 32-bit BAR and a prefetchable 64-bit BAR, and ignores the lines after BAR 5")
    void flags() {
        String text = "0x000000000000e000 0x000000000000e01f 0x0000000000040101\n"
                + "0x00000000fe000000 0x00000000fe000fff 0x0000000000040200\n"
                + "0x0000008000000000 0x00000080ffffffff 0x000000000014220c\n"
                + ZERO.repeat(4) + ZERO.repeat(10);
        List<Bar> bars = ResourceFileParser.parseBars("resource", text);
        assertThat(bars.get(0).isIo()).isTrue();
        assertThat(bars.get(0).isMemory()).isFalse();
        assertThat(bars.get(0).size()).isEqualTo(32);
        assertThat(bars.get(1).isMemory()).isTrue();
        assertThat(bars.get(1).is64Bit()).isFalse();
        assertThat(bars.get(1).isPrefetchable()).isFalse();
        assertThat(bars.get(2).is64Bit()).isTrue();
        assertThat(bars.get(2).isPrefetchable()).isTrue();
        assertThat(bars.get(2).size()).isEqualTo(4L << 30);
        assertThat(bars.get(3).present()).as("upper half of the 64-bit BAR").isFalse();
    }

    static Stream<List<String>> malformed() {
        return Stream.of(
                List.of("", "is empty"),
                List.of(VIRTIO.substring(0, VIRTIO.length() - 1), "the last line has no newline"),
                List.of(ZERO.repeat(5), "truncated: 5 line(s), expected at least 6"),
                List.of(VIRTIO.substring(0, 30) + "\n" + ZERO.repeat(6), "line 1 has 30 characters"),
                List.of(ZERO.replace("0x0000000000000000 0x", "0x000000000000000g 0x") + ZERO.repeat(5), "line 1: the start field has a non-hex character at column 18"),
                List.of(ZERO.repeat(2) + ZERO.replace(" 0x0000000000000000\n", " 0X0000000000000000\n") + ZERO.repeat(3), "line 3: the flags field does not begin with 0x"),
                List.of(ZERO.replace(' ', '\t') + ZERO.repeat(5), "line 1: expected a space at column 19"),
                List.of("0x0000000000000000  0x000000000000000 0x0000000000000000\n" + ZERO.repeat(5), "line 1: the end field does not begin with 0x"),
                List.of("0x0000000000002000 0x0000000000001000 0x0000000000000200\n" + ZERO.repeat(5), "BAR 0 ends (0x1000) before it starts (0x2000)"),
                List.of(ZERO.repeat(65), "has 65 lines, more than 64"),
                List.of(ZERO.repeat(6) + "\n", "line 7 has 0 characters"),
                List.of(ZERO.repeat(5) + "0x0000000000000000 0x0000000000000000 0x00000000000000\u00e9\u00e9\n", "line 6: the flags field has a non-hex character"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformed")
    @DisplayName("rejects malformed or truncated text with one message naming the file")
    void rejects(List<String> c) {
        assertThatThrownBy(() -> ResourceFileParser.parseBars("/x/0000:00:01.0/resource", c.get(0)))
                .isInstanceOf(MalformedSysfsFileException.class)
                .hasMessageStartingWith("/x/0000:00:01.0/resource: ")
                .hasMessageContaining(c.get(1));
    }
}
