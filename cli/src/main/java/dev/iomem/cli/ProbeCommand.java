package dev.iomem.cli;

import dev.iomem.api.MemoryType;
import dev.iomem.core.BackendCandidate;
import dev.iomem.core.BackendDiscovery;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.NoBackendAvailableException;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iomem probe}: the platform, the chosen backend and why, every candidate with its
 * reason, and the chosen backend's rules.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Show this machine's platform, the backend iomem chooses and why, every candidate backend "
                + "with its availability, and the chosen backend's access rules.",
            "Exits 0 when a backend is chosen, 1 when none can be."})
final class ProbeCommand extends IomemSubcommand {

    @Override
    protected int run() {
        GlobalOptions g = global();
        BackendDiscovery discovery = g.discovery();
        IoPlatform platform = null;
        String failure = null;
        try {
            platform = discovery.select(g.choice());
        } catch (NoBackendAvailableException e) {
            failure = e.getMessage();
        }
        // An unknown --backend name is a failure of the command: let it reach the error handler.

        Map<String, Object> platformInfo = new LinkedHashMap<>();
        platformInfo.put("osArch", discovery.osArch());
        platformInfo.put("osName", System.getProperty("os.name"));
        platformInfo.put("java", System.getProperty("java.version"));
        platformInfo.put("javaVendor", System.getProperty("java.vendor"));
        platformInfo.put("javaHome", System.getProperty("java.home"));
        platformInfo.put("nativeAccess", ProbeCommand.class.getModule().isNativeAccessEnabled());

        List<Map<String, Object>> candidates = new ArrayList<>();
        for (BackendCandidate c : discovery.candidates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("provider", c.providerClass());
            m.put("loaded", c.loaded());
            m.put("available", c.available());
            m.put("degraded", c.availability().degradation().orElse(null));
            m.put("reason", c.availability().reason());
            m.put("priority", c.priority());
            m.put("osArch", c.osArchNames().stream().sorted().toList());
            candidates.add(m);
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("iomem", VersionProvider.version());
        out.put("platform", platformInfo);
        if (platform != null) {
            Map<String, Object> chosen = new LinkedHashMap<>();
            chosen.put("name", platform.candidate().name());
            chosen.put("provider", platform.candidate().providerClass());
            chosen.put("native", platform.isNative());
            chosen.put("reason", platform.reason());
            out.put("chosen", chosen);
        } else {
            out.put("chosen", null);
            out.put("error", failure);
        }
        out.put("candidates", candidates);
        if (platform != null) {
            Map<String, Object> rules = new LinkedHashMap<>();
            for (MemoryType t : MemoryType.values()) {
                rules.put(t.name(), RulesDescription.of(platform.rules(t)));
            }
            out.put("rules", rules);
        }

        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(JsonText.of(out));
        } else {
            printText(w, platformInfo, platform, discovery);
        }
        w.flush();
        if (platform == null) {
            spec.commandLine().getErr().println("iomem: " + failure);
            return 1;
        }
        return 0;
    }

    private static void printText(PrintWriter w, Map<String, Object> p, IoPlatform platform, BackendDiscovery discovery) {
        w.println("iomem " + VersionProvider.version());
        w.println();
        w.println("Platform");
        w.printf("  os.arch        %s (%s)%n", p.get("osArch"), p.get("osName"));
        w.printf("  java           %s (%s) at %s%n", p.get("java"), p.get("javaVendor"), p.get("javaHome"));
        w.printf("  native access  %s%n", Boolean.TRUE.equals(p.get("nativeAccess")) ? "enabled"
                : "NOT enabled (run with --enable-native-access=ALL-UNNAMED)");
        w.println();
        if (platform != null) {
            w.println("Chosen backend: " + platform.candidate().name() + (platform.isNative() ? "" : " (simulation only)"));
            w.println("  why: " + platform.reason());
        } else {
            w.println("Chosen backend: none");
        }
        w.println();
        w.println("Candidates");
        int width = discovery.candidates().stream().mapToInt(c -> c.name().length()).max().orElse(8);
        for (BackendCandidate c : discovery.candidates()) {
            w.printf("  %-" + width + "s  %-11s  priority %-3d  %s%n", c.name(),
                    c.availability().degraded() ? "degraded" : c.available() ? "available" : (c.loaded() ? "unavailable" : "broken"),
                    c.priority(), c.availability().reason());
        }
        if (platform != null) {
            w.println();
            w.println("Rules of " + platform.candidate().name());
            for (MemoryType t : MemoryType.values()) {
                w.printf("  %-16s %s%n", t.name(), RulesDescription.line(platform.rules(t)));
            }
        }
    }
}
