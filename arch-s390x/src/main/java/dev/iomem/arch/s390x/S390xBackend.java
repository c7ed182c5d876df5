package dev.iomem.arch.s390x;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.MemoryType;
import dev.iomem.core.access.RuleBasedBackend;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;

import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The s390x (IBM Z) backend.
 *
 * <p>s390x has no ordinary MMIO: every device access is a PCI instruction, which user space
 * reaches through the {@code s390_pci_mmio_write} (352) and {@code s390_pci_mmio_read} (353)
 * system calls. Rules, after {@code arch/s390/include/asm/pci_io.h} and
 * {@code arch/s390/pci/pci_mmio.c}: scalars of 1, 2, 4 and 8 bytes at any offset, but no access
 * crosses a 4 KiB boundary; copies are chunks of at most 128 bytes, block stores where address
 * and length are multiples of 8; the CPU is big-endian, so device values are byte-swapped.
 *
 * <p>The native mechanism is {@link ZpciSyscallBus}: each device access is one system call
 * through libc's {@code syscall}, so the bus is correct with or without the MIO instructions of
 * z15 and later; {@link #probe()} reports MIO support as information only. The barriers are
 * compiler ordering only and the flush is a no-op ({@link ZpciBarriers} says why).
 *
 * <p>Tested on x86-64 with a mocked system-call gateway; not run on s390x hardware.
 */
public final class S390xBackend extends RuleBasedBackend {

    /** The backend's name. */
    public static final String NAME = "s390x";

    /** The zPCI boundary no access may cross ({@code ZPCI_BOUNDARY_SIZE}). */
    public static final long ZPCI_BOUNDARY = 4096;

    /** PCI STORE BLOCK: at most 128 bytes ({@code ZPCI_MAX_WRITE_SIZE}), multiples of 8, 8-aligned. */
    public static final BlockStoreLimits BLOCK_STORE = new BlockStoreLimits(128, 8, 8);

    private static final Set<String> ARCHES = Set.of("s390x");

    /** Where the kernel lists PCI functions. */
    static final Path SYSFS_PCI_DEVICES = Path.of("/sys/bus/pci/devices");

    private final String osArch;
    private final Path pciDevices;
    private final LongSupplier hwcap;

    /** Creates the backend; touches no native code. */
    public S390xBackend() {
        this(System.getProperty("os.arch", "unknown"), SYSFS_PCI_DEVICES, () -> AuxiliaryVector.get(AuxiliaryVector.AT_HWCAP));
    }

    /**
     * Creates a backend that looks at the given {@code os.arch}, sysfs directory and
     * {@code AT_HWCAP} source, for tests.
     *
     * @param osArch     the {@code os.arch} to behave as
     * @param pciDevices the directory of PCI functions
     * @param hwcap      the source of {@code AT_HWCAP}; asked only on s390x
     */
    S390xBackend(String osArch, Path pciDevices, LongSupplier hwcap) {
        this.osArch = Objects.requireNonNull(osArch, "osArch");
        this.pciDevices = Objects.requireNonNull(pciDevices, "pciDevices");
        this.hwcap = Objects.requireNonNull(hwcap, "hwcap");
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

    /**
     * {@return available on s390x with native access and at least one zPCI function} A zPCI
     * function is a PCI device whose sysfs directory has {@code function_id}
     * ({@code arch/s390/pci/pci_sysfs.c}). The reason also tells whether the MIO instructions are
     * offered ({@code AT_HWCAP & HWCAP_S390_PCI_MIO}), as information: the system calls are
     * correct either way.
     */
    @Override
    protected String osArch() {
        return osArch;
    }

    @Override
    protected Availability probeNative(String arch) {
        ZpciEnvironment env;
        try {
            env = ZpciEnvironment.inspect(pciDevices, hwcap.getAsLong());
        } catch (UncheckedIOException | IllegalStateException e) {
            return Availability.unavailable("cannot inspect zPCI: " + e.getMessage());
        }
        if (env.zpciFunctions() == 0) {
            return Availability.unavailable("no zPCI function: no device in " + pciDevices
                    + " has a function_id attribute (is this an LPAR or guest with PCI functions attached?)");
        }
        return Availability.available("os.arch s390x, native access enabled; " + env.zpciFunctions() + " zPCI function(s); "
                + (env.mioInstructions()
                        ? "MIO instructions offered (HWCAP_S390_PCI_MIO), " + env.mioFunctions() + " function(s) MIO-enabled"
                        : "no MIO instructions (HWCAP_S390_PCI_MIO clear)")
                + "; accesses use the s390_pci_mmio_read/write system calls either way");
    }

    @Override
    public AccessRules rules(MemoryType type) {
        return AccessRules.builder(NAME, Objects.requireNonNull(type, "type"))
                // zpci_get_max_io_size() itself issues 8-byte accesses at any offset inside a
                // page, so the kernel's rule is the 4 KiB boundary, not natural alignment.
                .naturalAlignment(false)
                .copy(CopyAlgorithm.S390X)
                .blockStore(BLOCK_STORE)
                .boundary(ZPCI_BOUNDARY)
                .cpuByteOrder(ByteOrder.BIG_ENDIAN)
                .build();
    }

    /**
     * {@return compiler-only ordering and a no-op flush}: each system call completes its PCI
     * store ({@link ZpciBarriers}). Usable on any machine.
     */
    @Override
    public Barriers nativeBarriers() {
        return ZpciBarriers.INSTANCE;
    }

    /**
     * {@return a {@link ZpciSyscallBus} over the real system-call gateway}, whose downcall
     * {@code dev.iomem.core}'s Libc makes (the template checked native access for it).
     */
    @Override
    protected IoBus openNativeBus(MappedRegion region) {
        return new ZpciSyscallBus(region, SyscallGateway.libc());
    }
}
