package dev.iomem.api.regs;

/**
 * An access that a register's {@link AccessKind} forbids: a read of a {@link AccessKind#WRITE_ONLY}
 * register, a write of a {@link AccessKind#READ_ONLY} register, or a read-modify-write of any
 * register that is not {@link AccessKind#READ_WRITE} (in particular of a
 * {@link AccessKind#READ_TO_CLEAR} register, which is never read implicitly). It is thrown before
 * any device transaction.
 */
public final class RegisterAccessException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused, naming the register and its access kind
     */
    public RegisterAccessException(String message) {
        super(message);
    }
}
