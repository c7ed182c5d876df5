package dev.iomem.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@code latest.json}: scores, allocation, ratios with targets, and startup. */
final class ResultsFile {

    private ResultsFile() {
    }

    static String render(String mode, Map<String, double[]> scores, Map<String, String> units,
                         List<BenchMain.Ratio> ratios, Map<String, Double> startup) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"mode\": ").append(str(mode)).append(",\n");
        sb.append("  \"java\": ").append(str(System.getProperty("java.version"))).append(",\n");
        sb.append("  \"cpus\": ").append(Runtime.getRuntime().availableProcessors()).append(",\n");
        sb.append("  \"benchmarks\": {\n");
        int i = 0;
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            double[] v = e.getValue();
            sb.append("    ").append(str(e.getKey())).append(": {\"score\": ").append(num(v[0]))
              .append(", \"error\": ").append(num(v[1])).append(", \"unit\": ").append(str(units.get(e.getKey())))
              .append(", \"allocBytesPerOp\": ").append(num(v[2]))
              .append(", \"ownAllocBytesPerOp\": ").append(num(v[3])).append('}')
              .append(++i < scores.size() ? ",\n" : "\n");
        }
        sb.append("  },\n  \"ratios\": {\n");
        i = 0;
        for (BenchMain.Ratio r : ratios) {
            sb.append("    ").append(str(r.name())).append(": {\"value\": ").append(num(r.value()))
              .append(", \"target\": ").append(r.hasTarget() ? str(r.op() + " " + r.target()) : "null")
              .append(", \"met\": ").append(r.hasTarget() ? String.valueOf(r.met()) : "null")
              .append(", \"meaning\": ").append(str(r.meaning())).append('}')
              .append(++i < ratios.size() ? ",\n" : "\n");
        }
        sb.append("  },\n  \"startup\": {");
        i = 0;
        for (Map.Entry<String, Double> e : startup.entrySet()) {
            sb.append(i++ == 0 ? "" : ", ").append(str(e.getKey())).append(": ").append(num(e.getValue()));
        }
        sb.append("}\n}\n");
        return sb.toString();
    }

    private static String num(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "null" : String.format(Locale.ROOT, "%.4f", d);
    }

    private static String str(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
