package dev.iomem.testkit.sim;

/**
 * A side effect of a register of a {@link SimulatedBus}. Any access that overlaps the register
 * triggers it, whatever the access's width, so a stray, repeated or widened access changes what
 * a test sees, as it would on a real device.
 */
public enum RegisterBehavior {
    /** A read returns the value and then clears the register to zero (interrupt status). */
    READ_TO_CLEAR,
    /** Every read pops the next queued value into the register first (an RX FIFO); empty reads 0. */
    FIFO,
    /** A write clears the bits that are set in the written value and leaves the others (W1C). */
    WRITE_1_TO_CLEAR,
    /** Writes are ignored. */
    READ_ONLY,
    /** Reads return 0; writes are kept but cannot be read back through the bus. */
    WRITE_ONLY
}
