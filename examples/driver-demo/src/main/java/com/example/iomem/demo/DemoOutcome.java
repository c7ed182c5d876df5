package com.example.iomem.demo;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.TraceEntry;

import java.util.Arrays;
import java.util.List;

/**
 * What one run of the demo did and saw: enough for a test to check every claim the narrative
 * makes.
 *
 * @param wiring          {@code "plain"} or {@code "guice"}
 * @param backend         the backend whose accessor drove the device
 * @param mapper          the mapper that built the DMA table
 * @param mapperReason    why that mapper
 * @param addressSpace    the table's address space
 * @param segments        the table's segments
 * @param mac             the station address read with {@code copyFromIo}
 * @param descriptors     the descriptors of the copy, in ring order
 * @param completion      what the driver saw after the copy
 * @param sent            the payload the driver put at the source
 * @param received        what was at the destination afterwards
 * @param rejectedAddress the DMA address of the deliberately bad descriptor's destination
 * @param rejection       what the driver saw after submitting it
 * @param trace           every bus transaction and barrier, in order
 * @param deviceDma       every DMA transfer the device made, in order
 */
public record DemoOutcome(String wiring, String backend, MapperMode mapper, String mapperReason, DmaAddressSpace addressSpace,
                          DmaSegmentIndex segments, byte[] mac, List<Descriptor> descriptors, Completion completion,
                          byte[] sent, byte[] received, long rejectedAddress, Completion rejection,
                          List<TraceEntry> trace, List<DmaAccess> deviceDma) {

    /** {@return whether the destination holds exactly the payload and the engine said done} */
    public boolean payloadArrived() {
        return completion.done() && !completion.failed() && Arrays.equals(sent, received);
    }

    /** {@return whether every store to the doorbell came right after a barrier-before-write} */
    public boolean doorbellOrdered() {
        boolean any = false;
        for (int i = 0; i < trace.size(); i++) {
            TraceEntry e = trace.get(i);
            if (e.kind() == AccessKind.STORE && e.offset() == ToyNicRegisters.DOORBELL) {
                any = true;
                if (i == 0 || trace.get(i - 1).kind() != AccessKind.BARRIER_BEFORE_WRITE) {
                    return false;
                }
            }
        }
        return any;
    }

    /** {@return whether the bad descriptor was refused: the engine reported its address and wrote nothing there} */
    public boolean badAddressRejected() {
        return rejection.failed() && rejection.faultAddress() == rejectedAddress
                && deviceDma.stream().noneMatch(a -> a.dmaAddress() == rejectedAddress);
    }

    /** {@return whether the run showed everything it set out to show} */
    public boolean ok() {
        return payloadArrived() && doorbellOrdered() && badAddressRejected();
    }
}
