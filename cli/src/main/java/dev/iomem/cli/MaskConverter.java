package dev.iomem.cli;

import picocli.CommandLine;

import java.util.Locale;

/**
 * Reads a 64-bit mask: {@code 0x} and up to 16 hex digits (all of 64 bits, so
 * {@code 0xffffffffffffffff} is -1), or decimal digits.
 */
final class MaskConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.startsWith("0X")) {
            return hex(text, t.substring(2));
        }
        try {
            return Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a mask (use 0x and hex digits, e.g. 0xffff)");
        }
    }

    /** {@return the value of up to 16 hex digits} */
    static long hex(String text, String digits) {
        if (digits.isEmpty() || digits.length() > 16 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a 64-bit hex number");
        }
        return Long.parseUnsignedLong(digits, 16);
    }
}
