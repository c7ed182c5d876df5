package dev.iomem.arch.s390x;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyStyle;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.core.access.RuleBasedBackend;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;

import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Set;

/**
 * The s390x (IBM Z) backend.
 *
 * <p>s390x has no ordinary MMIO: every device access is a PCI instruction, which user space
 * reaches through the {@code s390_pci_mmio_write} (352) and {@code s390_pci_mmio_read} (353)
 * system calls. Rules, after {@code arch/s390/include/asm/pci_io.h} and
 * {@code arch/s390/pci/pci_mmio.c}: scalars of 1, 2, 4 and 8 bytes at any offset, but no access
 * crosses a 4 KiB boundary; copies are chunks of at most 128 bytes, block stores where address
 * and length are multiples of 8; the CPU is big-endian, so device values are byte-swapped.
 */
public final class S390xBackend extends RuleBasedBackend {

    /** The backend's name. */
    public static final String NAME = "s390x";

    /** The zPCI boundary no access may cross ({@code ZPCI_BOUNDARY_SIZE}). */
    public static final long ZPCI_BOUNDARY = 4096;

    /** PCI STORE BLOCK: at most 128 bytes ({@code ZPCI_MAX_WRITE_SIZE}), multiples of 8, 8-aligned. */
    public static final BlockStoreLimits BLOCK_STORE = new BlockStoreLimits(128, 8, 8);

    private static final Set<String> ARCHES = Set.of("s390x");

    /** Creates the backend; touches no native code. */
    public S390xBackend() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> osArchNames() {
        return ARCHES;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability probe() {
        String arch = System.getProperty("os.arch", "unknown");
        if (!ARCHES.contains(arch)) {
            return Availability.unavailable("os.arch is " + arch + ", not s390x");
        }
        return Availability.unavailable("the zPCI system-call bus is not built yet (issue 3)");
    }

    @Override
    public AccessRules rules(MemoryType type) {
        return AccessRules.builder(NAME, Objects.requireNonNull(type, "type"))
                // zpci_get_max_io_size() itself issues 8-byte accesses at any offset inside a
                // page, so the kernel's rule is the 4 KiB boundary, not natural alignment.
                .naturalAlignment(false)
                .copy(CopyStyle.BLOCK_CHUNKS, Width.LONG)
                .blockStore(BLOCK_STORE)
                .boundary(ZPCI_BOUNDARY)
                .cpuByteOrder(ByteOrder.BIG_ENDIAN)
                .build();
    }

    @Override
    public Barriers nativeBarriers() {
        throw new UnsupportedOperationException("s390x barriers are not built yet (issue 3)");
    }

    @Override
    public IoBus openBus(MappedRegion region) {
        throw new UnsupportedOperationException("the zPCI system-call bus is not built yet (issue 3)");
    }
}
