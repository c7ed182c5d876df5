package dev.iomem.cli;

import picocli.CommandLine;

/** The version from the jar's manifest ({@code Implementation-Version}). */
final class VersionProvider implements CommandLine.IVersionProvider {

    /** {@return the iomem version, or "dev" when run from classes} */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "iomem " + version(),
            "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), os.arch " + System.getProperty("os.arch")
        };
    }
}
