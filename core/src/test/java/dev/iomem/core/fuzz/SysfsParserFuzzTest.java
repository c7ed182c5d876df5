package dev.iomem.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.iomem.api.pci.Bar;
import dev.iomem.core.pci.ConfigSpaceParser;
import dev.iomem.core.pci.MalformedSysfsFileException;
import dev.iomem.core.pci.ResourceFileParser;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Fuzzes the sysfs parsers: any input is parsed or refused with their one exception type. */
class SysfsParserFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void resourceFile(String text) {
        if (text == null) {
            return; // a file read never yields null; Jazzer's seed does
        }
        List<Bar> bars;
        try {
            bars = ResourceFileParser.parseBars("resource", text);
        } catch (MalformedSysfsFileException expected) {
            assertThat(expected.getMessage()).contains("resource");
            return;
        }
        assertThat(bars).hasSize(ResourceFileParser.BAR_COUNT);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            assertThat(b.index()).isEqualTo(i);
            assertThat(b.size()).isGreaterThanOrEqualTo(0);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void configSpace(byte[] bytes) {
        if (bytes == null) {
            return;
        }
        try {
            assertThat(ConfigSpaceParser.parse("config", bytes)).isNotNull();
        } catch (MalformedSysfsFileException expected) {
            assertThat(expected.getMessage()).contains("config");
        }
    }
}
