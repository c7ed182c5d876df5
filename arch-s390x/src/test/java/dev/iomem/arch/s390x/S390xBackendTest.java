package dev.iomem.arch.s390x;

import dev.iomem.api.Availability;
import dev.iomem.api.MemoryType;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

@DisplayName("The s390x backend's probe, barriers and bus")
class S390xBackendTest {

    private static final long MIO = 1L << 21;

    /** A sysfs-like directory with the given functions; zPCI ones get function_id (and mio_enabled). */
    private static Path sysfs(Path dir, String... functions) throws IOException {
        for (String f : functions) {
            String[] parts = f.split(":");
            Path d = Files.createDirectories(dir.resolve("0000:00:0" + parts[0] + ".0"));
            Files.writeString(d.resolve("vendor"), "0x1014\n");
            if (parts.length > 1) {
                Files.writeString(d.resolve("function_id"), "0x0000000" + parts[0] + "\n");
                if (parts.length > 2) {
                    Files.writeString(d.resolve("mio_enabled"), parts[2] + "\n");
                }
            }
        }
        return dir;
    }

    @Test
    @DisplayName("off s390x it is unavailable, never reads AT_HWCAP, and will not open a bus")
    void notS390x() {
        LongSupplier hwcap = mock(LongSupplier.class);
        S390xBackend backend = new S390xBackend("amd64", S390xBackend.SYSFS_PCI_DEVICES, hwcap);
        assertThat(backend.probe()).isEqualTo(Availability.unavailable("os.arch is amd64, not s390x"));
        try (Arena arena = Arena.ofConfined()) {
            MappedRegion region = new MappedRegion(arena.allocate(4096), MemoryType.DEVICE, "BAR", false);
            assertThatThrownBy(() -> backend.openBus(region)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("s390x backend cannot open BAR: os.arch is amd64, not s390x");
        }
        verifyNoInteractions(hwcap);
    }

    @Test
    @DisplayName("on s390x with zPCI functions it is available and reports MIO as information")
    void zpciWithMio(@TempDir Path dir) throws IOException {
        S390xBackend backend = new S390xBackend("s390x", sysfs(dir, "1:z:1", "2:z:0", "3"), () -> MIO);
        Availability a = backend.probe();
        assertThat(a.available()).isTrue();
        assertThat(a.reason()).contains("2 zPCI function(s)", "MIO instructions offered (HWCAP_S390_PCI_MIO), 1 function(s) MIO-enabled",
                "system calls either way");
    }

    @Test
    @DisplayName("on s390x without the MIO hwcap it is still available and says so")
    void zpciWithoutMio(@TempDir Path dir) throws IOException {
        Availability a = new S390xBackend("s390x", sysfs(dir, "1:z"), () -> 0L).probe();
        assertThat(a.available()).isTrue();
        assertThat(a.reason()).contains("1 zPCI function(s)", "no MIO instructions (HWCAP_S390_PCI_MIO clear)");
    }

    @Test
    @DisplayName("PCI functions without function_id, like this machine's real sysfs, are not zPCI")
    void realSysfsIsNotZpci() {
        Availability a = new S390xBackend("s390x", S390xBackend.SYSFS_PCI_DEVICES, () -> MIO).probe();
        assertThat(a.available()).isFalse();
        assertThat(a.reason()).startsWith("no zPCI function: no device in /sys/bus/pci/devices has a function_id attribute");
    }

    @Test
    @DisplayName("a missing PCI directory means no zPCI")
    void missingSysfs(@TempDir Path dir) {
        Availability a = new S390xBackend("s390x", dir.resolve("absent"), () -> 0L).probe();
        assertThat(a.available()).isFalse();
        assertThat(a.reason()).startsWith("no zPCI function");
    }

    @Test
    @DisplayName("its barriers are compiler ordering with a no-op flush, on any machine")
    void barriers() {
        S390xBackend backend = new S390xBackend();
        assertThat(backend.nativeBarriers()).isSameAs(ZpciBarriers.INSTANCE);
        backend.nativeBarriers().beforeWrite();
        backend.nativeBarriers().afterRead(0);
        backend.nativeBarriers().flushWrites();
    }
}
