package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.core.pci.SysfsPciTopology;
import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.core.stubs.NativeExecutableStubs;
import dev.iomem.spi.ArchBackend;

import java.lang.foreign.Arena;
import java.lang.reflect.Constructor;
import java.util.function.Supplier;

/**
 * A child JVM for {@link BarrierStubsInGuestTest}: builds the arm64 backend with real or
 * trapping stubs, then makes a relaxed write (no barrier) and an ordered write ({@code dmb oshst}
 * stub, then the store) on the NVMe CMB, printing a line after each.
 *
 * <p>Argument: {@code real} or {@code trapping}.
 */
public final class BarrierStubsWorkload {

    private BarrierStubsWorkload() {
    }

    /**
     * Runs the workload.
     *
     * @param args {@code real} or {@code trapping}
     * @throws Exception if the backend cannot be built
     */
    public static void main(String[] args) throws Exception {
        boolean trapping = args[0].equals("trapping");
        Supplier<ExecutableStubs> stubs = trapping ? () -> new TrappingStubs(new NativeExecutableStubs()) : NativeExecutableStubs::new;
        // The backend's constructor for tests, with its own stub factory (package-private).
        Class<?> type = Class.forName("dev.iomem.arch.arm64.Arm64Backend");
        Constructor<?> c = type.getDeclaredConstructor(String.class, Supplier.class);
        c.setAccessible(true);
        ArchBackend backend = (ArchBackend) c.newInstance("aarch64", stubs);
        System.out.println("probe: " + backend.probe());
        try (Arena arena = Arena.ofConfined();
             IoAccessor cmb = backend.accessor(backend.openBus(new SysfsBarMapper(SysfsPciTopology.system())
                     .mapWhole(LabGuest.nvme(), LabGuest.CMB_BAR, MemoryType.DEVICE, false, arena)), MemoryType.DEVICE, backend.nativeBarriers())) {
            cmb.write32Relaxed(0x100, 1);
            System.out.println("relaxed write done");
            System.out.flush();
            cmb.write32(0x100, 2);
            System.out.println("ordered write done");
        }
    }
}
