package dev.iomem.core.pci;

import java.util.Objects;

/**
 * Parses the one-value sysfs attributes of a PCI function: {@code vendor}, {@code device} and
 * {@code class} ({@code "0x%04x\n"}, {@code "0x%06x\n"}), {@code numa_node} ({@code "%d\n"}),
 * and the names that {@code driver} and {@code iommu_group} links point to. Strict, and throws
 * only {@link MalformedSysfsFileException} for bad content.
 */
public final class AttributeFileParser {

    private AttributeFileParser() {
    }

    /**
     * Parses {@code 0x} followed by 1 to 8 hex digits and a newline.
     *
     * @param file the file's name or path, for messages
     * @param text the content
     * @param max  the largest value allowed
     * @return the value
     * @throws NullPointerException        if {@code file} or {@code text} is {@code null}
     * @throws MalformedSysfsFileException if the text is not of that form or the value exceeds {@code max}
     */
    public static int parseHex(String file, String text, int max) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
        String body = line(file, text);
        if (body.length() < 3 || body.length() > 10 || body.charAt(0) != '0' || body.charAt(1) != 'x') {
            throw new MalformedSysfsFileException(file, "expected 0x and 1 to 8 hex digits, found \"" + printable(body) + "\"");
        }
        long v = 0;
        for (int i = 2; i < body.length(); i++) {
            int d = ResourceFileParser.hexDigit(body.charAt(i));
            if (d < 0) {
                throw new MalformedSysfsFileException(file, "'" + printable(String.valueOf(body.charAt(i))) + "' is not a hex digit");
            }
            v = (v << 4) | d;
        }
        if (v > Integer.toUnsignedLong(max)) {
            throw new MalformedSysfsFileException(file, "value 0x" + Long.toHexString(v) + " exceeds 0x" + Integer.toHexString(max));
        }
        return (int) v;
    }

    /**
     * Parses an optional minus sign, 1 to 10 decimal digits and a newline.
     *
     * @param file the file's name or path, for messages
     * @param text the content
     * @return the value
     * @throws NullPointerException        if an argument is {@code null}
     * @throws MalformedSysfsFileException if the text is not of that form or does not fit an {@code int}
     */
    public static int parseDecimal(String file, String text) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
        return decimal(file, line(file, text), "a decimal number");
    }

    /**
     * Parses the last name of a link target that must be a decimal number (an IOMMU group).
     *
     * @param file   the link's name or path, for messages
     * @param target the link's target, such as {@code ../../../kernel/iommu_groups/7}
     * @return the number
     * @throws NullPointerException        if an argument is {@code null}
     * @throws MalformedSysfsFileException if the last name is not 1 to 10 decimal digits
     */
    public static int parseLinkNumber(String file, String target) {
        Objects.requireNonNull(file, "file");
        String name = linkName(file, target);
        if (name.startsWith("-")) {
            throw new MalformedSysfsFileException(file, "points to \"" + printable(name) + "\", not a group number");
        }
        return decimal(file, name, "a group number");
    }

    /**
     * Returns the last name of a link target (a driver's name): printable ASCII, not empty,
     * not {@code .} or {@code ..}.
     *
     * @param file   the link's name or path, for messages
     * @param target the link's target, such as {@code ../../../bus/pci/drivers/virtio-pci}
     * @return the last name
     * @throws NullPointerException        if an argument is {@code null}
     * @throws MalformedSysfsFileException if the last name is empty, {@code .}, {@code ..} or not printable ASCII
     */
    public static String linkName(String file, String target) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(target, "target");
        String name = target.substring(target.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.length() > 255) {
            throw new MalformedSysfsFileException(file, "points to \"" + printable(target) + "\", which has no usable last name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c > 0x7e) {
                throw new MalformedSysfsFileException(file, "points to a name with a non-printable character: \"" + printable(name) + "\"");
            }
        }
        return name;
    }

    private static int decimal(String file, String s, String what) {
        int from = s.startsWith("-") ? 1 : 0;
        if (s.length() == from || s.length() - from > 10) {
            throw new MalformedSysfsFileException(file, "expected " + what + ", found \"" + printable(s) + "\"");
        }
        long v = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedSysfsFileException(file, "expected " + what + ", found \"" + printable(s) + "\"");
            }
            v = v * 10 + (c - '0');
        }
        v = from == 1 ? -v : v;
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new MalformedSysfsFileException(file, what + " " + v + " does not fit 32 bits");
        }
        return (int) v;
    }

    private static String line(String file, String text) {
        if (text.isEmpty()) {
            throw new MalformedSysfsFileException(file, "is empty");
        }
        if (text.charAt(text.length() - 1) != '\n') {
            throw new MalformedSysfsFileException(file, "is truncated: no newline at the end");
        }
        String body = text.substring(0, text.length() - 1);
        if (body.indexOf('\n') >= 0) {
            throw new MalformedSysfsFileException(file, "has more than one line");
        }
        return body;
    }

    /** {@return at most 40 characters of {@code s}, control and non-ASCII characters escaped} */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 40); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 40 ? sb + "..." : sb.toString();
    }
}
