package dev.iomem.api.pci;

import java.util.Objects;

/**
 * A PCI function address: domain, bus, device and function, printed as {@code dddd:bb:dd.f}.
 *
 * <p>This is the only value iomem ever turns into a sysfs path, so {@link #parse(String)} is
 * strict: nothing but hex digits, colons and one dot, in exactly the kernel's layout.
 *
 * @param domain   the PCI domain (segment), 0 to 0xffff
 * @param bus      the bus, 0 to 0xff
 * @param device   the device, 0 to 0x1f
 * @param function the function, 0 to 7
 */
public record PciAddress(int domain, int bus, int device, int function) implements Comparable<PciAddress> {

    /**
     * Checks the ranges.
     *
     * @throws IllegalArgumentException if a part is out of its range
     */
    public PciAddress {
        check("domain", domain, 0xffff);
        check("bus", bus, 0xff);
        check("device", device, 0x1f);
        check("function", function, 7);
    }

    private static void check(String what, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("PCI " + what + " 0x" + Integer.toHexString(value) + " is out of range 0-0x" + Integer.toHexString(max));
        }
    }

    /**
     * Parses {@code dddd:bb:dd.f} or {@code bb:dd.f} (domain 0). Hex digits may be upper or
     * lower case; every field must have exactly its number of digits (4, 2, 2, 1). Nothing else
     * is accepted: no whitespace, no sign, no {@code 0x}, no path characters.
     *
     * @param text the address
     * @return the address
     * @throws NullPointerException     if {@code text} is {@code null}
     * @throws IllegalArgumentException if {@code text} is not exactly of that form, or the
     *                                  device is above 0x1f or the function above 7
     */
    public static PciAddress parse(String text) {
        Objects.requireNonNull(text, "PCI address");
        int len = text.length();
        if (len != 12 && len != 7) {
            throw bad(text, "expected dddd:bb:dd.f or bb:dd.f");
        }
        int p = 0;
        int domain = 0;
        if (len == 12) {
            domain = hex(text, 0, 4);
            if (text.charAt(4) != ':') {
                throw bad(text, "expected ':' after the 4-digit domain");
            }
            p = 5;
        }
        int bus = hex(text, p, 2);
        if (text.charAt(p + 2) != ':') {
            throw bad(text, "expected ':' after the 2-digit bus");
        }
        int dev = hex(text, p + 3, 2);
        if (text.charAt(p + 5) != '.') {
            throw bad(text, "expected '.' after the 2-digit device");
        }
        int fn = hex(text, p + 6, 1);
        if (dev > 0x1f) {
            throw bad(text, "device 0x" + Integer.toHexString(dev) + " is above 0x1f");
        }
        if (fn > 7) {
            throw bad(text, "function " + fn + " is above 7");
        }
        return new PciAddress(domain, bus, dev, fn);
    }

    private static int hex(String text, int from, int digits) {
        int v = 0;
        for (int i = from; i < from + digits; i++) {
            int d = Character.digit(text.charAt(i), 16);
            // Character.digit accepts non-ASCII digits too; only ASCII hex is an address.
            if (d < 0 || text.charAt(i) > 'f') {
                throw bad(text, "'" + printable(text.charAt(i)) + "' at position " + i + " is not a hex digit");
            }
            v = v * 16 + d;
        }
        return v;
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static IllegalArgumentException bad(String text, String why) {
        StringBuilder shown = new StringBuilder();
        for (int i = 0; i < Math.min(text.length(), 40); i++) {
            shown.append(printable(text.charAt(i)));
        }
        return new IllegalArgumentException("invalid PCI address \"" + shown + (text.length() > 40 ? "..." : "") + "\": " + why);
    }

    /** {@return the canonical form {@code dddd:bb:dd.f}, lower case, as sysfs names it} */
    @Override
    public String toString() {
        return String.format("%04x:%02x:%02x.%x", domain, bus, device, function);
    }

    /**
     * {@return whether {@code other} is a function of the same device (slot)}
     *
     * @param other another address
     */
    public boolean sameDevice(PciAddress other) {
        return other.domain == domain && other.bus == bus && other.device == device;
    }

    @Override
    public int compareTo(PciAddress o) {
        int c = Integer.compare(domain, o.domain);
        if (c == 0) c = Integer.compare(bus, o.bus);
        if (c == 0) c = Integer.compare(device, o.device);
        if (c == 0) c = Integer.compare(function, o.function);
        return c;
    }
}
