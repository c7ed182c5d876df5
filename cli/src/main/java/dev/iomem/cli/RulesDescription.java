package dev.iomem.cli;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Width;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@link AccessRules} as ordered key/value pairs, for text and JSON output. */
final class RulesDescription {

    private RulesDescription() {
    }

    /**
     * {@return the rules as ordered key/value pairs}
     *
     * @param r the rules
     */
    static Map<String, Object> of(AccessRules r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("memoryType", r.memoryType().name());
        m.put("scalarWidths", r.scalarWidths().stream().sorted().map(Width::bytes).toList());
        m.put("naturalAlignment", r.naturalAlignment());
        m.put("copyAlgorithm", r.copyAlgorithm().name());
        m.put("copyHead", r.copyAlgorithm().head().name());
        m.put("maxCopyWidth", r.maxCopyWidth().bytes());
        m.put("copyTail", r.copyAlgorithm().tail().name());
        m.put("copyAlignsRamSide", r.copyAlgorithm().alignsRamSide());
        m.put("copyFences", r.copyAlgorithm().fences().stream().map(Enum::name).sorted().toList());
        m.put("relaxedOrdering", r.relaxedOrdering().name());
        m.put("blockStore", r.blockStore().map(b -> (Object) Map.of("maxBytes", b.maxBytes(), "multipleOf", b.multipleOf(), "alignment", b.alignment())).orElse(null));
        m.put("boundary", r.boundary());
        m.put("cpuByteOrder", r.cpuByteOrder().toString());
        m.put("quirks", r.quirks());
        return m;
    }

    /**
     * {@return the rules on one line}
     *
     * @param r the rules
     */
    static String line(AccessRules r) {
        StringBuilder sb = new StringBuilder();
        sb.append("widths ").append(String.join(",", r.scalarWidths().stream().sorted().map(w -> String.valueOf(w.bytes())).toList()));
        sb.append(r.naturalAlignment() ? ", natural alignment" : ", any alignment");
        sb.append(", copy ").append(r.copyAlgorithm().name()).append(" (").append(r.copyAlgorithm().head().name().toLowerCase())
                .append(" head, ").append(r.maxCopyWidth().bytes()).append(" B body, ").append(r.copyAlgorithm().tail().name().toLowerCase())
                .append(" tail").append(r.copyAlgorithm().fences().isEmpty() ? "" : ", fences " + r.copyAlgorithm().fences()).append(")");
        if (r.relaxedOrdering() == dev.iomem.api.RelaxedOrdering.ORDERED) {
            sb.append(", relaxed accesses ordered");
        }
        r.blockStore().ifPresent(b -> sb.append(", block store <= ").append(b.maxBytes()).append(" B (x").append(b.multipleOf())
                .append(", ").append(b.alignment()).append("-aligned)"));
        if (r.boundary() != 0) {
            sb.append(", no access crosses ").append(r.boundary()).append(" B");
        }
        sb.append(", CPU ").append(r.cpuByteOrder().toString().toLowerCase().replace("_endian", "-endian"));
        if (!r.quirks().isEmpty()) {
            sb.append(", quirks ").append(r.quirks());
        }
        return sb.toString();
    }
}
