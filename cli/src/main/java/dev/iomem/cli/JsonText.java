package dev.iomem.cli;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes maps, collections, strings, numbers, booleans and nulls as JSON text: enough for the
 * {@code --json} output of every command, without a JSON library on the tool's class path.
 */
final class JsonText {

    private JsonText() {
    }

    /**
     * {@return {@code value} as JSON}
     *
     * @param value a {@link Map} with string keys, a {@link Collection}, a {@link CharSequence},
     *              a {@link Number}, a {@link Boolean}, an enum or {@code null}
     * @throws IllegalArgumentException for any other type
     */
    static String of(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b);
            case Double d when d.isNaN() || d.isInfinite() -> sb.append("null");
            case Number n -> sb.append(n);
            case CharSequence s -> string(sb, s);
            case Enum<?> e -> string(sb, e.name());
            case Map<?, ?> m -> {
                sb.append('{');
                Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
                while (it.hasNext()) {
                    Map.Entry<?, ?> e = it.next();
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(':');
                    write(sb, e.getValue());
                    if (it.hasNext()) {
                        sb.append(',');
                    }
                }
                sb.append('}');
            }
            case Collection<?> c -> {
                sb.append('[');
                Iterator<?> it = c.iterator();
                while (it.hasNext()) {
                    write(sb, it.next());
                    if (it.hasNext()) {
                        sb.append(',');
                    }
                }
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + v.getClass() + " as JSON");
        }
    }

    private static void string(StringBuilder sb, CharSequence s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
