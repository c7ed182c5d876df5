package dev.iomem.testkit.sim;

/**
 * An access that real hardware would fault on (SIGBUS, a PCI error, an s390x operand exception)
 * or silently mangle, raised by a {@link SimulatedBus} instead of performing it. Its message
 * names the rule, the access, its offset and size.
 */
public final class SimulatedFault extends RuntimeException {

    /** The rule that was broken. */
    private final String rule;
    /** The kind of access. */
    private final AccessKind kind;
    /** The device offset. */
    private final long offset;
    /** The size in bytes. */
    private final long size;

    /**
     * Creates a fault.
     *
     * @param rule    the id of the broken rule, such as {@code "natural-alignment"}
     * @param kind    the access that faulted
     * @param offset  its device offset
     * @param size    its size in bytes
     * @param message the whole message
     */
    public SimulatedFault(String rule, AccessKind kind, long offset, long size, String message) {
        super(message);
        this.rule = rule;
        this.kind = kind;
        this.offset = offset;
        this.size = size;
    }

    /** {@return the id of the broken rule} */
    public String rule() {
        return rule;
    }

    /** {@return the kind of the faulting access} */
    public AccessKind kind() {
        return kind;
    }

    /** {@return the device offset of the faulting access} */
    public long offset() {
        return offset;
    }

    /** {@return the size of the faulting access in bytes} */
    public long size() {
        return size;
    }
}
