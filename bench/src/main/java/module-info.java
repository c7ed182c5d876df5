/**
 * JMH benchmarks of iomem. Run them with {@code bench/run}, not as a library.
 */
module dev.iomem.bench {
    requires dev.iomem.api;
    requires dev.iomem.core;
}
