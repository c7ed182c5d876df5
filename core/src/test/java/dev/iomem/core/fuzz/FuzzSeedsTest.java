package dev.iomem.core.fuzz;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

/**
 * The seeded regression runs of the fuzz targets: hand-picked hard inputs, replayed through the
 * very same target methods on every {@code mvn verify} (scripts/fuzz runs them coverage-guided).
 */
@DisplayName("Fuzz targets on their seeds")
class FuzzSeedsTest {

    @ParameterizedTest(name = "PciAddress seed \"{0}\"")
    @ValueSource(strings = {"0000:00:1f.7", "00:02.0", "../../etc", "0000:00:01.0/..", "0000:00:1f.8", "10000:00:00.0",
        "FFFF:FF:1F.7", "0000:00:0\u0661.0", "", " 0000:00:00.0", "0000:00:00.0\u0000", "0000\uff1a00:00.0"})
    @DisplayName("PciAddress target")
    void pciAddress(String seed) {
        new PciAddressFuzzTest().parseIsStrictAndCanonical(seed);
    }

    @ParameterizedTest(name = "resource seed #{index}")
    @ValueSource(strings = {
        "0x0000004000000000 0x000000400007ffff 0x0000000000140204\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n",
        "0x0000004000000000 0x000000400007ffff\n", "zz zz zz\n", "", "\n\n\n\n\n\n",
        "0xffffffffffffffff 0x0000000000000000 0x0000000000000200\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n",
        "0x00000000000000000000 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n0x0 0x0 0x0\n"})
    @DisplayName("resource parser target")
    void resource(String seed) {
        new SysfsParserFuzzTest().resourceFile(seed);
    }

    @ParameterizedTest(name = "pagemap entry seed 0x{0}")
    @ValueSource(strings = {"0", "8000000000000000", "8000000000000001", "c000000000001234", "4000000000001234",
        "a000000000000000", "807fffffffffffff", "8000000000080000", "80007fffffffffff", "ffffffffffffffff", "7fffffffffffffff",
        "e100000000000001"})
    @DisplayName("pagemap entry target, at page sizes of 4 KiB, 2 MiB and 1 GiB")
    void pagemapEntry(String hex) {
        long raw = Long.parseUnsignedLong(hex, 16);
        for (long pageSize : new long[] {1L << 12, 1L << 21, 1L << 30}) {
            PagemapEntryFuzzTest.check(raw, pageSize, 7);
            PagemapEntryFuzzTest.check(raw, pageSize, -1);
        }
    }

    @ParameterizedTest(name = "config seed of {0} bytes")
    @ValueSource(ints = {0, 1, 63, 64, 65, 128, 255, 256, 4096, 5000})
    @DisplayName("config-space parser target, with capability pointers that loop and point outside")
    void config(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 37 + 0x34);      // arbitrary, including a capability pointer at 0x34
        }
        if (length > 0x41) {
            b[0x06] = 0x10;                      // status: capabilities list present
            b[0x34] = 0x40;                      // first capability at 0x40 ...
            b[0x41] = 0x40;                      // ... which points to itself
        }
        new SysfsParserFuzzTest().configSpace(b);
        new SysfsParserFuzzTest().configSpace("not config".getBytes(StandardCharsets.US_ASCII));
    }
}
