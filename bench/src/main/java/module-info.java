/**
 * JMH benchmarks of iomem against side-by-side anchors. Run them with {@code bench/run}; they
 * run on the class path, so this descriptor only documents what they use.
 */
module dev.iomem.bench {
    requires dev.iomem.api;
    requires dev.iomem.core;
    requires dev.iomem.arch.x86;
    requires jmh.core;

    opens dev.iomem.bench;
}
