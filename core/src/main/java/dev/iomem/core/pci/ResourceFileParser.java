package dev.iomem.core.pci;

import dev.iomem.api.pci.Bar;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Parses a function's sysfs {@code resource} file: one line per resource, each
 * {@code "0x%016llx 0x%016llx 0x%016llx\n"} (start, end, flags), as
 * {@code drivers/pci/pci-sysfs.c} {@code resource_show()} writes it. Lines 0 to 5 are the BARs;
 * the ROM, SR-IOV and bridge-window lines that may follow are checked for syntax only.
 *
 * <p>The parser is strict (a fuzzer targets it): exactly three fields of {@code 0x} and 16 hex
 * digits separated by one space, every line ended by a newline, at least 6 and at most
 * {@value #MAX_LINES} lines. Anything else is a {@link MalformedSysfsFileException} naming the
 * file; no other exception escapes for any input.
 */
public final class ResourceFileParser {

    /** The number of BAR lines at the start of the file. */
    public static final int BAR_COUNT = 6;
    /** The most lines accepted (the kernel writes at most 17: 6 BARs, ROM, 6 SR-IOV, 4 windows). */
    public static final int MAX_LINES = 64;

    private static final int FIELD_CHARS = 18; // "0x" + 16 hex digits
    private static final int LINE_CHARS = 3 * FIELD_CHARS + 3; // two spaces and a newline

    private ResourceFileParser() {
    }

    /**
     * Parses the file's text into BARs 0 to 5.
     *
     * @param file the file's name or path, for messages
     * @param text the file's content
     * @return six BARs, index 0 to 5, present or not
     * @throws NullPointerException        if an argument is {@code null}
     * @throws MalformedSysfsFileException if {@code text} is not exactly the kernel's format, has
     *                                     fewer than 6 or more than {@value #MAX_LINES} lines, or
     *                                     a BAR line ends before it starts
     */
    public static List<Bar> parseBars(String file, String text) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new MalformedSysfsFileException(file, "is empty; expected at least " + BAR_COUNT + " lines of start, end and flags");
        }
        if (text.charAt(text.length() - 1) != '\n') {
            throw new MalformedSysfsFileException(file, "is truncated: the last line has no newline");
        }
        int line = 0;
        for (int p = 0; p < text.length(); line++) {
            int nl = text.indexOf('\n', p);
            if (nl - p != LINE_CHARS - 1) {
                throw new MalformedSysfsFileException(file, "line " + (line + 1) + " has " + (nl - p)
                        + " characters; expected " + (LINE_CHARS - 1) + " (three 0x-prefixed 16-digit hex fields)");
            }
            p = nl + 1;
        }
        int lines = text.length() / LINE_CHARS;
        if (lines < BAR_COUNT) {
            throw new MalformedSysfsFileException(file, "is truncated: " + lines + " line(s), expected at least " + BAR_COUNT);
        }
        if (lines > MAX_LINES) {
            throw new MalformedSysfsFileException(file, "has " + lines + " lines, more than " + MAX_LINES);
        }
        List<Bar> bars = new ArrayList<>(BAR_COUNT);
        for (int i = 0; i < lines; i++) {
            int p = i * LINE_CHARS;
            long start = field(file, text, i, p, "start");
            separator(file, text, i, p + FIELD_CHARS, ' ');
            long end = field(file, text, i, p + FIELD_CHARS + 1, "end");
            separator(file, text, i, p + 2 * FIELD_CHARS + 1, ' ');
            long flags = field(file, text, i, p + 2 * FIELD_CHARS + 2, "flags");
            separator(file, text, i, p + 3 * FIELD_CHARS + 2, '\n');
            if (i < BAR_COUNT) {
                if ((start != 0 || end != 0) && Long.compareUnsigned(end, start) < 0) {
                    throw new MalformedSysfsFileException(file, "line " + (i + 1) + ": BAR " + i + " ends (0x"
                            + Long.toHexString(end) + ") before it starts (0x" + Long.toHexString(start) + ")");
                }
                bars.add(new Bar(i, start, end, flags));
            }
        }
        return List.copyOf(bars);
    }

    private static void separator(String file, String text, int line, int at, char expected) {
        if (text.charAt(at) != expected) {
            throw new MalformedSysfsFileException(file, "line " + (line + 1) + ": expected "
                    + (expected == ' ' ? "a space" : "a newline") + " at column " + (at - line * LINE_CHARS + 1));
        }
    }

    private static long field(String file, String text, int line, int at, String what) {
        if (text.charAt(at) != '0' || text.charAt(at + 1) != 'x') {
            throw new MalformedSysfsFileException(file, "line " + (line + 1) + ": the " + what + " field does not begin with 0x");
        }
        long v = 0;
        for (int i = at + 2; i < at + FIELD_CHARS; i++) {
            int d = hexDigit(text.charAt(i));
            if (d < 0) {
                throw new MalformedSysfsFileException(file, "line " + (line + 1) + ": the " + what
                        + " field has a non-hex character at column " + (i - line * LINE_CHARS + 1));
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** {@return the value of an ASCII hex digit, or -1} */
    static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
