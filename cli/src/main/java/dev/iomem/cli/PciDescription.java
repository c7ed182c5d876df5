package dev.iomem.cli;

import dev.iomem.api.pci.Bar;
import dev.iomem.api.pci.PciDevice;
import dev.iomem.core.pci.ConfigSpace;
import dev.iomem.core.pci.SysfsFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** PCI functions and BARs as ordered key/value pairs and text lines, for {@code iomem devices}. */
final class PciDescription {

    private PciDescription() {
    }

    /**
     * {@return the function as ordered key/value pairs}; BAR start, end and flags are written as
     * sysfs {@code resource} writes them ({@code 0x} and 16 hex digits)
     *
     * @param f the function
     */
    static Map<String, Object> of(SysfsFunction f) {
        PciDevice d = f.device();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", d.address().toString());
        m.put("vendor", String.format("0x%04x", d.vendorId()));
        m.put("device", String.format("0x%04x", d.deviceId()));
        m.put("class", String.format("0x%06x", d.classCode()));
        m.put("bridge", d.isBridge());
        m.put("driver", d.driver().orElse(null));
        m.put("iommuGroup", d.iommuGroup().isPresent() ? d.iommuGroup().getAsInt() : null);
        m.put("numaNode", d.numaNode().isPresent() ? d.numaNode().getAsInt() : null);
        m.put("hostBridge", d.hostBridge());
        m.put("upstreamBridges", d.upstreamBridges().stream().map(Object::toString).toList());
        List<Map<String, Object>> bars = new ArrayList<>();
        for (Bar b : d.bars()) {
            if (b.present()) {
                bars.add(bar(b, f.config().busAddress(b.index())));
            }
        }
        m.put("bars", bars);
        ConfigSpace c = f.config();
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("bytesReadable", c.length());
        cfg.put("capabilitiesReadable", c.capabilitiesReadable());
        cfg.put("pcieType", c.pcieType().isPresent() ? c.pcieType().getAsInt() : null);
        cfg.put("acs", acs(c));
        m.put("config", cfg);
        return m;
    }

    private static Map<String, Object> bar(Bar b, OptionalLong bus) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", b.index());
        m.put("start", hex16(b.start()));
        m.put("end", hex16(b.end()));
        m.put("flags", hex16(b.flags()));
        m.put("size", b.size());
        m.put("type", b.isIo() ? "io" : "memory");
        m.put("is64Bit", b.is64Bit());
        m.put("prefetchable", b.isPrefetchable());
        m.put("busAddress", bus.isPresent() ? hex16(bus.getAsLong()) : null);
        return m;
    }

    private static String acs(ConfigSpace c) {
        if (!c.capabilitiesReadable()) {
            return "unknown (only " + c.length() + " bytes of config space are readable without root)";
        }
        if (c.acsControl().isEmpty()) {
            return "absent";
        }
        int ctrl = c.acsControl().getAsInt();
        return String.format("control 0x%04x%s", ctrl, c.acsRedirects() ? " (redirects peer-to-peer traffic)" : "");
    }

    /**
     * {@return the function as text lines, {@code lspci}-like}
     *
     * @param f the function
     */
    static List<String> lines(SysfsFunction f) {
        PciDevice d = f.device();
        List<String> out = new ArrayList<>();
        out.add(String.format("%s [%06x] %04x:%04x  driver %s  iommu group %s  numa %s", d.address(), d.classCode(),
                d.vendorId(), d.deviceId(), d.driver().orElse("-"),
                d.iommuGroup().isPresent() ? String.valueOf(d.iommuGroup().getAsInt()) : "-",
                d.numaNode().isPresent() ? String.valueOf(d.numaNode().getAsInt()) : "-"));
        List<String> path = new ArrayList<>();
        path.add(d.hostBridge());
        d.upstreamBridges().forEach(b -> path.add(b.toString()));
        out.add("    path: " + String.join(" -> ", path) + (d.isBridge() ? "  (bridge)" : ""));
        for (Bar b : d.bars()) {
            if (b.present()) {
                OptionalLong bus = f.config().busAddress(b.index());
                out.add(String.format("    BAR %d: %s-%s %s, %s%s%s [flags %s]%s", b.index(), hex16(b.start()), hex16(b.end()),
                        size(b.size()), b.isIo() ? "I/O" : "memory", b.isMemory() ? (b.is64Bit() ? ", 64-bit" : ", 32-bit") : "",
                        b.isMemory() ? (b.isPrefetchable() ? ", prefetchable" : ", non-prefetchable") : "",
                        "0x" + Long.toHexString(b.flags()),
                        bus.isPresent() && bus.getAsLong() != b.start() ? ", bus address " + hex16(bus.getAsLong()) : ""));
            }
        }
        out.add("    ACS: " + acs(f.config()));
        return out;
    }

    static String hex16(long v) {
        return String.format("0x%016x", v);
    }

    /** {@return a size in the largest binary unit that divides it, such as {@code 512 KiB}} */
    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        long v = bytes;
        while (u < units.length - 1 && v >= 1024 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return v + " " + units[u];
    }
}
