package dev.iomem.cli;

import dev.iomem.api.pci.P2pRoute;
import dev.iomem.api.pci.PciDevice;
import dev.iomem.core.pci.CpuInfo;
import dev.iomem.core.pci.SysfsPciTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iomem p2p}: the peer-to-peer route between every ordered pair of endpoints (functions
 * that are not bridges), as the kernel's {@code calc_map_type_and_dist} decides it.
 */
@Command(name = "p2p", mixinStandardHelpOptions = true,
        description = {"Show how each endpoint could DMA into each other endpoint's BARs: BUS_ADDR (through a common switch), "
                + "THRU_HOST_BRIDGE or NOT_SUPPORTED, with the kernel's distance and the rule that decided it."})
final class P2pCommand extends IomemSubcommand {

    @Mixin
    SysfsOptions sysfs;

    @Override
    protected int run() {
        SysfsPciTopology t = sysfs.topology();
        List<PciDevice> endpoints = t.devices().stream().filter(d -> !d.isBridge()).toList();
        List<P2pRoute> routes = new ArrayList<>();
        for (PciDevice provider : endpoints) {
            for (PciDevice client : endpoints) {
                if (!provider.address().equals(client.address())) {
                    routes.add(t.route(provider.address(), client.address()));
                }
            }
        }
        CpuInfo cpu = t.cpu();
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("vendor", cpu.vendor());
            c.put("family", cpu.family());
            c.put("amdCpuRule", cpu.supportsP2pThroughHostBridge());
            List<Map<String, Object>> rs = new ArrayList<>();
            for (P2pRoute r : routes) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("provider", r.provider().toString());
                m.put("client", r.client().toString());
                m.put("mapType", r.mapType());
                m.put("distance", r.distance());
                m.put("reason", r.reason());
                rs.add(m);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("cpu", c);
            out.put("endpoints", endpoints.stream().map(d -> d.address().toString()).toList());
            out.put("routes", rs);
            w.println(JsonText.of(out));
        } else {
            w.println("CPU: " + cpu.describe() + (cpu.supportsP2pThroughHostBridge()
                    ? " (the AMD CPU rule allows peer-to-peer through the host bridge)" : ""));
            if (routes.isEmpty()) {
                w.println("fewer than two endpoints: no routes");
            } else {
                w.printf("%-12s  %-12s  %-16s  %4s  %s%n", "PROVIDER", "CLIENT", "MAP TYPE", "DIST", "REASON");
                for (P2pRoute r : routes) {
                    w.printf("%-12s  %-12s  %-16s  %4d  %s%n", r.provider(), r.client(), r.mapType(), r.distance(), r.reason());
                }
            }
        }
        w.flush();
        return 0;
    }
}
