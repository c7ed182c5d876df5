package com.example.iomem.demo;

/**
 * What the driver saw when it stopped polling {@code STATUS}.
 *
 * @param status       the last {@code STATUS} value read (0 if polling gave up)
 * @param polls        how many times {@code STATUS} was read
 * @param completed    {@code COMPLETED} after the wait
 * @param faultAddress {@code FAULT_HI:FAULT_LO} if {@link #failed()}, else 0
 */
public record Completion(int status, int polls, int completed, long faultAddress) {

    /** {@return whether the engine reported every descriptor done} */
    public boolean done() {
        return (status & ToyNicRegisters.STATUS_DONE) != 0;
    }

    /** {@return whether the engine reported a fault} */
    public boolean failed() {
        return (status & ToyNicRegisters.STATUS_ERROR) != 0;
    }
}
