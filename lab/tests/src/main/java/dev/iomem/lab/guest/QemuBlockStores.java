package dev.iomem.lab.guest;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.SimulatedDevice;
import dev.iomem.testkit.sim.TraceEntry;

import java.lang.foreign.MemorySegment;

/**
 * QEMU's s390x PCI STORE BLOCK reverses the bytes of each doubleword it stores (LAB-FACTS
 * pitfall 11; QEMU hw/s390x/s390-pci-inst.c reads each doubleword with {@code ldq_p} and
 * dispatches it without {@code MO_BE}). This is a defect of the emulation, not of iomem: the
 * read-back of a copy that the backend stores in blocks is predicted with it, from the blocks
 * the backend's own plan makes on a simulated device.
 */
final class QemuBlockStores {

    private QemuBlockStores() {
    }

    /**
     * {@return the bytes the device holds after {@code copyToIo(src, offset)} under QEMU}
     *
     * @param backend the backend whose plan is run
     * @param offset  the device offset of the copy
     * @param src     what was copied
     */
    static byte[] asStored(ArchBackend backend, long offset, byte[] src) {
        long size = ((offset + src.length) / 4096 + 2) * 4096;
        SimulatedDevice device = SimulatedDevice.create(backend.rules(MemoryType.DEVICE), size);
        IoAccessor io = backend.accessor(device.bus(), MemoryType.DEVICE, device.barriers());
        io.copyToIo(MemorySegment.ofArray(src), offset);
        byte[] out = src.clone();
        for (TraceEntry e : device.trace().entries()) {
            if (e.kind() != AccessKind.STORE_BLOCK) {
                continue;
            }
            int at = (int) (e.offset() - offset);
            for (int dw = 0; dw + 8 <= e.size(); dw += 8) {
                for (int i = 0; i < 8; i++) {
                    out[at + dw + i] = src[at + dw + 7 - i];
                }
            }
        }
        return out;
    }
}
