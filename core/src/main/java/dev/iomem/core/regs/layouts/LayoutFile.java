package dev.iomem.core.regs.layouts;

import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.InvalidLayoutException;
import dev.iomem.api.regs.RegisterLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a register layout from text, for {@code iomem regs --layout FILE} and for layouts kept
 * outside Java. One declaration a line; {@code #} starts a comment; numbers are decimal or
 * {@code 0x} hex:
 *
 * <pre>
 * layout NAME                                   (optional, before any register)
 * register NAME OFFSET BITS KIND
 * array NAME OFFSET BITS KIND COUNT STRIDE
 * field NAME LSB WIDTH [VALUE=LABEL ...]        (a field of the register or array above)
 * </pre>
 *
 * KIND is an {@link AccessKind} name ({@code READ_WRITE}, case-insensitive) or its short form:
 * {@code RO}, {@code WO}, {@code RW}, {@code RC} (read-to-clear), {@code W1C}. Every declaration
 * is checked as {@link RegisterLayout.Builder} checks it.
 */
public final class LayoutFile {

    private LayoutFile() {
    }

    /**
     * Reads a layout file.
     *
     * @param file the file, UTF-8
     * @return the layout; named by its {@code layout} line, or else by the file's name
     * @throws NullPointerException   if {@code file} is {@code null}
     * @throws UncheckedIOException   if the file cannot be read
     * @throws InvalidLayoutException if a line is malformed or a declaration is refused; the message
     *                                names the file and line
     */
    public static RegisterLayout read(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read layout file " + file + ": " + e.getMessage(), e);
        }
        String base = file.getFileName() == null ? "layout" : file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return parse(file.toString(), base, text);
    }

    /**
     * Parses layout text.
     *
     * @param source      where the text is from, for messages
     * @param defaultName the layout's name if the text has no {@code layout} line
     * @param text        the declarations
     * @return the layout
     * @throws NullPointerException   if an argument is {@code null}
     * @throws InvalidLayoutException if a line is malformed or a declaration is refused; the message
     *                                names the source and line
     */
    public static RegisterLayout parse(String source, String defaultName, String text) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(defaultName, "defaultName");
        Objects.requireNonNull(text, "text");
        String[] lines = text.split("\r?\n", -1);
        String name = defaultName;
        RegisterLayout.Builder b = null;
        Decl pending = null;
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1];
            int hash = line.indexOf('#');
            String[] t = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (t.length == 1 && t[0].isEmpty()) {
                continue;
            }
            String at = source + ":" + n + ": ";
            switch (t[0]) {
                case "layout" -> {
                    if (b != null || pending != null) {
                        throw new InvalidLayoutException(at + "the layout line must come before every register");
                    }
                    expect(at, t, 2, 2, "layout NAME");
                    name = t[1];
                }
                case "register", "array" -> {
                    if (b == null) {
                        b = RegisterLayout.builder(name);
                    }
                    if (pending != null) {
                        pending.declare(b);
                    }
                    boolean array = t[0].equals("array");
                    if (array) {
                        expect(at, t, 7, 7, "array NAME OFFSET BITS KIND COUNT STRIDE");
                    } else {
                        expect(at, t, 5, 5, "register NAME OFFSET BITS KIND");
                    }
                    pending = new Decl(at, t[1], number(at, t[2]), (int) number(at, t[3]), kind(at, t[4]),
                            array ? (int) number(at, t[5]) : 1, array ? number(at, t[6]) : 0, array);
                }
                case "field" -> {
                    if (pending == null) {
                        throw new InvalidLayoutException(at + "a field line must follow a register or array line");
                    }
                    if (t.length < 4) {
                        throw new InvalidLayoutException(at + "expected field NAME LSB WIDTH [VALUE=LABEL ...]");
                    }
                    Map<Long, String> values = new LinkedHashMap<>();
                    for (int i = 4; i < t.length; i++) {
                        int eq = t[i].indexOf('=');
                        if (eq <= 0 || eq == t[i].length() - 1) {
                            throw new InvalidLayoutException(at + "\"" + t[i] + "\" is not VALUE=LABEL");
                        }
                        values.put(number(at, t[i].substring(0, eq)), t[i].substring(eq + 1));
                    }
                    pending.fields.add(new FieldDecl(t[1], (int) number(at, t[2]), (int) number(at, t[3]), values));
                }
                default -> throw new InvalidLayoutException(at + "unknown declaration \"" + t[0]
                        + "\" (expected layout, register, array or field)");
            }
        }
        if (b == null) {
            throw new InvalidLayoutException(source + ": declares no register");
        }
        pending.declare(b);
        return b.build();
    }

    private record FieldDecl(String name, int lsb, int width, Map<Long, String> values) {
    }

    private static final class Decl {
        final String at;
        final String name;
        final long offset;
        final int bits;
        final AccessKind kind;
        final int count;
        final long stride;
        final boolean array;
        final List<FieldDecl> fields = new ArrayList<>();

        Decl(String at, String name, long offset, int bits, AccessKind kind, int count, long stride, boolean array) {
            this.at = at;
            this.name = name;
            this.offset = offset;
            this.bits = bits;
            this.kind = kind;
            this.count = count;
            this.stride = stride;
            this.array = array;
        }

        void declare(RegisterLayout.Builder b) {
            try {
                if (array) {
                    b.array(name, offset, bits, kind, count, stride, f -> fields.forEach(x -> f.field(x.name, x.lsb, x.width, x.values)));
                } else {
                    b.register(name, offset, bits, kind, f -> fields.forEach(x -> f.field(x.name, x.lsb, x.width, x.values)));
                }
            } catch (InvalidLayoutException e) {
                throw new InvalidLayoutException(at + e.getMessage());
            }
        }
    }

    private static void expect(String at, String[] t, int min, int max, String form) {
        if (t.length < min || t.length > max) {
            throw new InvalidLayoutException(at + "expected " + form);
        }
    }

    private static long number(String at, String s) {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new InvalidLayoutException(at + "\"" + s + "\" is not a number (decimal, or hex with 0x)");
        }
    }

    private static AccessKind kind(String at, String s) {
        return switch (s.toUpperCase(Locale.ROOT)) {
            case "RO" -> AccessKind.READ_ONLY;
            case "WO" -> AccessKind.WRITE_ONLY;
            case "RW" -> AccessKind.READ_WRITE;
            case "RC" -> AccessKind.READ_TO_CLEAR;
            case "W1C" -> AccessKind.WRITE_1_TO_CLEAR;
            default -> {
                try {
                    yield AccessKind.valueOf(s.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new InvalidLayoutException(at + "access kind \"" + s + "\" is not RO, WO, RW, RC, W1C or an AccessKind name");
                }
            }
        };
    }
}
