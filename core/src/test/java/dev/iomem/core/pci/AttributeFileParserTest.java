package dev.iomem.core.pci;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("AttributeFileParser")
class AttributeFileParserTest {

    @Test
    @DisplayName("reads the kernel's vendor, class and numa_node formats and the names links point to")
    void kernelFormats() {
        assertThat(AttributeFileParser.parseHex("vendor", "0x8086\n", 0xffff)).isEqualTo(0x8086);
        assertThat(AttributeFileParser.parseHex("class", "0xffff00\n", 0xffffff)).isEqualTo(0xffff00);
        assertThat(AttributeFileParser.parseDecimal("numa_node", "-1\n")).isEqualTo(-1);
        assertThat(AttributeFileParser.parseDecimal("numa_node", "3\n")).isEqualTo(3);
        assertThat(AttributeFileParser.linkName("driver", "../../../bus/pci/drivers/virtio-pci")).isEqualTo("virtio-pci");
        assertThat(AttributeFileParser.parseLinkNumber("iommu_group", "../../../kernel/iommu_groups/17")).isEqualTo(17);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "0x8086", "8086\n", "0x\n", "0x123456789\n", "0x80 6\n", "0x8086\n\n", "0x1ffff\n", "0x-1\n", "0x\u0661\n"})
    @DisplayName("rejects hex attributes that are not 0x, 1 to 8 hex digits and one newline, or exceed the maximum")
    void badHex(String text) {
        assertThatThrownBy(() -> AttributeFileParser.parseHex("/s/vendor", text, 0xffff))
                .isInstanceOf(MalformedSysfsFileException.class).hasMessageStartingWith("/s/vendor: ");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "1", "-\n", "+1\n", "12345678901\n", "4294967296\n", "1 \n", "0x1\n"})
    @DisplayName("rejects decimal attributes that are not a 32-bit decimal number and one newline")
    void badDecimal(String text) {
        assertThatThrownBy(() -> AttributeFileParser.parseDecimal("/s/numa_node", text))
                .isInstanceOf(MalformedSysfsFileException.class).hasMessageStartingWith("/s/numa_node: ");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "../drivers/", "../..", "drivers/.", "drivers/a b", "drivers/\u00e9"})
    @DisplayName("rejects link targets without a usable printable last name")
    void badLink(String target) {
        assertThatThrownBy(() -> AttributeFileParser.linkName("/s/driver", target))
                .isInstanceOf(MalformedSysfsFileException.class).hasMessageStartingWith("/s/driver: ");
    }
}
