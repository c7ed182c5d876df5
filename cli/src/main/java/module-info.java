/**
 * The {@code iomem} command line tool.
 */
module dev.iomem.cli {
    requires dev.iomem.api;
    requires dev.iomem.core;
    requires dev.iomem.testkit;
    requires info.picocli;

    opens dev.iomem.cli to info.picocli;

    uses dev.iomem.spi.ArchBackend;
}
