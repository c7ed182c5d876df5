package dev.iomem.core.contract;

import dev.iomem.api.pci.PciAddress;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("PciAddress.parse")
class PciAddressTest {

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource({
        "0000:00:00.0, 0000:00:00.0",
        "0000:00:1f.7, 0000:00:1f.7",
        "ffff:ff:1f.7, ffff:ff:1f.7",
        "00:02.0,      0000:00:02.0",
        "0001:3B:00.1, 0001:3b:00.1",
        "ABCD:EF:1F.7, abcd:ef:1f.7",
    })
    @DisplayName("accepts the kernel's layout, in either case, and prints it canonically")
    void accepts(String text, String canonical) {
        PciAddress a = PciAddress.parse(text);
        assertThat(a.toString()).isEqualTo(canonical);
        assertThat(PciAddress.parse(a.toString())).isEqualTo(a);
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {
        "", "../../etc", "0000:00:01.0/..", "0000:00:1f.8", "10000:00:00.0", "00:20.0", "0000:00:20.0",
        " 0000:00:00.0", "0000:00:00.0 ", "0000:00:00.0\n", "\t00:00.0", "0000:000:00.0", "000:00:00.0",
        "0000-00-00.0", "0000:00:00:0", "0000:00.00.0", "0x00:00:00.0", "+000:00:00.0", "-000:00:00.0",
        "0000:0g:00.0", "0000:00:00.a", "00:00.8", "0000:00:00.", "0000:00:00", "00:00", ":00:00.0",
        "0000:00:00.00", "0000/00:00.0", "..:..:...", "0000:00:0\u0661.0", "0000:00:\uff10\uff10.0",
    })
    @DisplayName("rejects anything else, including path traversal, surrounding whitespace and out-of-range parts")
    void rejects(String text) {
        assertThatThrownBy(() -> PciAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid PCI address");
    }

    @Test
    @DisplayName("rejects null with a NullPointerException")
    void rejectsNull() {
        assertThatThrownBy(() -> PciAddress.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("the constructor checks every range")
    void constructorRanges() {
        assertThatThrownBy(() -> new PciAddress(0x10000, 0, 0, 0)).hasMessageContaining("domain");
        assertThatThrownBy(() -> new PciAddress(0, 0x100, 0, 0)).hasMessageContaining("bus");
        assertThatThrownBy(() -> new PciAddress(0, 0, 0x20, 0)).hasMessageContaining("device");
        assertThatThrownBy(() -> new PciAddress(0, 0, 0, 8)).hasMessageContaining("function");
        assertThatThrownBy(() -> new PciAddress(-1, 0, 0, 0)).hasMessageContaining("domain");
    }

    @Test
    @DisplayName("a non-printable character is shown escaped in the message")
    void messageEscapes() {
        assertThatThrownBy(() -> PciAddress.parse("0000:00:00.0\n")).hasMessageContaining("\\u000a");
    }
}
