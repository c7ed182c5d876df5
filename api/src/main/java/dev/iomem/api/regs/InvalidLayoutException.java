package dev.iomem.api.regs;

/**
 * A register layout that is refused: when it is declared (overlapping fields, a field wider than
 * its register, overlapping registers, duplicate names, a bad offset, width or stride) or when it
 * is bound to a window (a register outside the window, a width the window's rules forbid, a
 * register that is misaligned where the rules require natural alignment or that crosses the
 * rules' boundary). Nothing has touched the device when it is thrown.
 */
public final class InvalidLayoutException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the layout, register and field concerned
     */
    public InvalidLayoutException(String message) {
        super(message);
    }
}
