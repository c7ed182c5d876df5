package dev.iomem.cli;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a byte count: decimal digits with an optional binary suffix K, M, G or T (also KiB,
 * MiB, ...; case does not matter), or {@code 0x} and hex digits. {@code 64M} is 67108864.
 */
final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})([KMGT]?)(?:I?B)?");

    @Override
    public Long convert(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.startsWith("0X")) {
            return MaskConverter.hex(text, t.substring(2));
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a size (use digits with K, M, G or T, e.g. 64M)");
        }
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is too large");
        }
    }
}
