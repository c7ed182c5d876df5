package dev.iomem.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.iomem.api.pci.PciAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** Fuzzes the only parser whose output becomes a sysfs path. */
class PciAddressFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parseIsStrictAndCanonical(String text) {
        PciAddress a;
        try {
            a = PciAddress.parse(text);
        } catch (IllegalArgumentException | NullPointerException expected) {
            return;
        }
        String canonical = a.toString();
        // Anything accepted is exactly the kernel's layout: no path characters can survive.
        assertThat(canonical).matches("[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\\.[0-7]");
        assertThat(text.length()).isIn(7, 12);
        assertThat(text).doesNotContain("/", "..", " ", "\n", "\0");
        assertThat(PciAddress.parse(canonical)).isEqualTo(a);
    }
}
