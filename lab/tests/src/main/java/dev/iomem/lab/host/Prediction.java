package dev.iomem.lab.host;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.sim.SimulatedDevice;
import dev.iomem.testkit.sim.TraceEntry;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * What the device should see for one logged operation: the bus transactions that
 * {@code iomem trace} shows for the backend (the same simulated device and accessor), turned
 * into device accesses. On x86-64 and arm64 each transaction is one access; on s390x each is one
 * system call, which {@link ZpciSyscallModel} turns into the kernel's PCI instructions and QEMU's
 * accesses, and which QEMU may refuse.
 *
 * @param accesses what the device sees, in order
 * @param faults   whether the operation must end in a fault (the model says QEMU refuses a call)
 * @param why      the model's reason for the fault, or empty
 */
public record Prediction(List<Expected> accesses, boolean faults, String why) {

    /** One expected access: direction, offset in the BAR, size. */
    public record Expected(boolean write, long offset, int size) {
        @Override
        public String toString() {
            return (write ? "write" : "read") + " +0x" + Long.toHexString(offset) + " size " + size;
        }
    }

    /** {@return no access at all: a refused operation} */
    public static Prediction none() {
        return new Prediction(List.of(), false, "");
    }

    /**
     * Predicts one operation.
     *
     * @param backend the guest's backend
     * @param op      the logged operation name
     * @param offset  the device offset
     * @param length  bytes
     * @param value   the fill byte
     * @return the prediction
     */
    public static Prediction of(ArchBackend backend, String op, long offset, long length, long value) {
        List<TraceEntry> transactions = transactions(backend, op, offset, length, value);
        boolean zpci = backend.name().equals("s390x");
        List<Expected> out = new ArrayList<>();
        for (TraceEntry t : transactions) {
            boolean write = t.kind() != dev.iomem.testkit.sim.AccessKind.LOAD;
            if (!zpci) {
                out.add(new Expected(write, t.offset(), t.size()));
                continue;
            }
            ZpciSyscallModel.Result r = ZpciSyscallModel.call(write, t.offset(), t.size(), ZpciSyscallModel.ALIGNED_BUFFER);
            for (ZpciSyscallModel.Access a : r.accesses()) {
                out.add(new Expected(a.write(), a.offset(), a.size()));
            }
            if (r.refused()) {
                return new Prediction(out, true, r.errno() + ": " + r.reason());
            }
        }
        return new Prediction(out, false, "");
    }

    private static List<TraceEntry> transactions(ArchBackend backend, String op, long offset, long length, long value) {
        if (op.startsWith("read") || op.startsWith("write")) {
            int width = Integer.parseInt(op.replaceAll("[^0-9]", "")) / 8;
            var kind = op.startsWith("read") ? dev.iomem.testkit.sim.AccessKind.LOAD : dev.iomem.testkit.sim.AccessKind.STORE;
            return List.of(TraceEntry.scalar(kind, offset, width, 0));
        }
        long size = ((offset + length) / 4096 + 2) * 4096;
        SimulatedDevice device = SimulatedDevice.create(backend.rules(MemoryType.DEVICE), size);
        IoAccessor io = backend.accessor(device.bus(), MemoryType.DEVICE, device.barriers());
        switch (op) {
            case "copy-to-io" -> io.copyToIo(MemorySegment.ofArray(new byte[(int) length]), offset);
            case "copy-from-io" -> io.copyFromIo(offset, MemorySegment.ofArray(new byte[(int) length]));
            case "fill" -> io.fillIo(offset, length, (byte) value);
            default -> throw new IllegalArgumentException("unknown operation " + op);
        }
        return device.trace().entries().stream().filter(TraceEntry::isTransaction).toList();
    }
}
