package dev.iomem.core.regs;

import dev.iomem.api.regs.AccessKind;

import java.util.List;
import java.util.Objects;

/**
 * One line of a register dump ({@link RegisterBlock#dump()}).
 *
 * @param name   the register's name ({@code NAME[i]} for an element of an array)
 * @param offset its byte offset in the window
 * @param bits   its width in bits
 * @param access its access kind
 * @param read   whether the register was read; {@code false} for write-only and read-to-clear
 *               registers, which a dump never reads
 * @param value  the value read, or 0 if it was not read
 * @param fields the decoded fields (empty if the register was not read)
 */
public record RegisterValue(String name, long offset, int bits, AccessKind access, boolean read, long value,
                            List<FieldValue> fields) {

    /**
     * Copies the field list.
     *
     * @throws NullPointerException if a reference component is {@code null}
     */
    public RegisterValue {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(access, "access");
        fields = List.copyOf(fields);
    }

    /**
     * One decoded field of a {@link RegisterValue}.
     *
     * @param name      the field's name
     * @param lsb       its least significant bit
     * @param width     its number of bits
     * @param value     its value
     * @param valueName the declared name of the value, or {@code null} if it has none
     */
    public record FieldValue(String name, int lsb, int width, long value, String valueName) {

        /**
         * Checks the name.
         *
         * @throws NullPointerException if {@code name} is {@code null}
         */
        public FieldValue {
            Objects.requireNonNull(name, "name");
        }
    }
}
