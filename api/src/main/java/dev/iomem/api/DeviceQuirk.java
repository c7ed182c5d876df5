package dev.iomem.api;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A per-device restriction that narrows an architecture's {@link AccessRules}. A quirk can
 * only take permissions away; {@link AccessRules#withQuirk(DeviceQuirk)} rejects one that would
 * grant a width or a copy width the architecture does not allow.
 *
 * <p>Example: some Raspberry Pi root complexes issue no PCIe cycle for a 64-bit store
 * (raspberrypi/linux #4158), so {@code DeviceQuirk.forbidWidths("no-64-bit", Width.LONG)}.
 *
 * @param name           a short name, shown in errors and reports
 * @param scalarWidths   the scalar widths the device accepts
 * @param maxCopyWidth   the widest access a copy or fill may use on this device
 * @param allowBlockStore whether block stores may be used
 */
public record DeviceQuirk(String name, Set<Width> scalarWidths, Width maxCopyWidth, boolean allowBlockStore) {

    /**
     * Checks and copies the arguments.
     *
     * @throws NullPointerException     if any argument is {@code null}
     * @throws IllegalArgumentException if {@code name} is blank or {@code scalarWidths} is empty
     */
    public DeviceQuirk {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scalarWidths, "scalarWidths");
        Objects.requireNonNull(maxCopyWidth, "maxCopyWidth");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a quirk needs a name");
        }
        if (scalarWidths.isEmpty()) {
            throw new IllegalArgumentException("quirk " + name + " allows no width at all");
        }
        scalarWidths = Set.copyOf(scalarWidths);
    }

    /**
     * {@return a quirk that forbids the given widths, for scalars and copies alike}
     *
     * @param name   the quirk's name
     * @param widths the widths the device cannot take
     * @throws IllegalArgumentException if every width would be forbidden
     */
    public static DeviceQuirk forbidWidths(String name, Width... widths) {
        EnumSet<Width> allowed = EnumSet.allOf(Width.class);
        for (Width w : widths) {
            allowed.remove(Objects.requireNonNull(w, "width"));
        }
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("quirk " + name + " forbids every width");
        }
        Width widest = Width.BYTE;
        for (Width w : allowed) {
            widest = w.compareTo(widest) > 0 ? w : widest;
        }
        // Block stores move 8-byte units, so a device that drops 64-bit accesses gets none.
        return new DeviceQuirk(name, allowed, widest, allowed.contains(Width.LONG));
    }
}
