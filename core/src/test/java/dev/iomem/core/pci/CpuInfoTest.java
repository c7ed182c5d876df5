package dev.iomem.core.pci;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("CpuInfo")
class CpuInfoTest {

    @Test
    @DisplayName("AMD family 0x17 and later satisfy the kernel's cpu_supports_p2pdma; earlier AMD and Intel do not")
    void amdRule() {
        assertThat(CpuInfo.parse("c", SysfsFixture.AMD_ZEN3).supportsP2pThroughHostBridge()).isTrue();
        assertThat(CpuInfo.parse("c", "vendor_id\t: AuthenticAMD\ncpu family\t: 23\n").supportsP2pThroughHostBridge()).isTrue();
        assertThat(CpuInfo.parse("c", "vendor_id\t: AuthenticAMD\ncpu family\t: 22\n").supportsP2pThroughHostBridge()).isFalse();
        assertThat(CpuInfo.parse("c", SysfsFixture.INTEL).supportsP2pThroughHostBridge()).isFalse();
        assertThat(CpuInfo.parse("c", "vendor_id\t: HygonGenuine\ncpu family\t: 24\n").supportsP2pThroughHostBridge()).isFalse();
        assertThat(CpuInfo.parse("c", SysfsFixture.AMD_ZEN3).describe()).isEqualTo("AuthenticAMD family 0x19");
    }

    @Test
    @DisplayName("only the first CPU's block counts; arm64 cpuinfo and a missing file give an unknown vendor")
    void unknown(@TempDir Path dir) {
        CpuInfo first = CpuInfo.parse("c", "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n");
        assertThat(first.vendor()).isEqualTo("GenuineIntel");
        CpuInfo arm = CpuInfo.parse("c", "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n");
        assertThat(arm.vendor()).isEmpty();
        assertThat(arm.supportsP2pThroughHostBridge()).isFalse();
        CpuInfo missing = CpuInfo.read(dir.resolve("none"));
        assertThat(missing.vendor()).isEmpty();
        assertThat(missing.describe()).contains("(missing)");
    }

    @Test
    @DisplayName("a cpu family that is not a decimal number is rejected naming the file")
    void malformed() {
        assertThatThrownBy(() -> CpuInfo.parse("/proc/cpuinfo", "vendor_id\t: AuthenticAMD\ncpu family\t: 0x19\n"))
                .isInstanceOf(MalformedSysfsFileException.class)
                .hasMessage("/proc/cpuinfo: cpu family \"0x19\" is not a decimal number");
    }

    @Test
    @DisplayName("this machine's /proc/cpuinfo parses")
    void real() {
        CpuInfo c = CpuInfo.read(Path.of("/proc/cpuinfo"));
        assertThat(c.source()).isEqualTo("/proc/cpuinfo");
    }
}
