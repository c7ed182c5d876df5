package dev.iomem.cli;

import dev.iomem.api.Width;
import dev.iomem.testkit.ConformanceRunner;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("iomem conformance")
class ConformanceCommandTest {

    @Test
    @DisplayName("passes x86_64, exits 0 and writes JUnit XML and a Markdown summary into --report")
    void oneBackend(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.inProcess("conformance", "--backend", "x86_64", "--report", dir.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("ok   x86_64: ", "PASSED").doesNotContain("aarch64");
        assertThat(r.err()).contains("conformance of x86_64", "PASS  Copies and fills > copyToIo issues exactly the accesses");
        assertThat(dir.resolve("TEST-iomem-conformance-x86_64.xml")).exists();
        assertThat(Files.readString(dir.resolve("conformance-summary.md"))).contains("**PASSED**");
    }

    @Test
    @DisplayName("--all runs the three built-in backends and --json reports them all passed")
    void all() {
        CliRun r = CliRun.inProcess("conformance", "--all", "--json");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String json = r.out().strip();
        assertThat(json).startsWith("{\"passed\":true,").contains("\"name\":\"x86_64\",\"passed\":true", "\"name\":\"aarch64\",\"passed\":true",
                "\"name\":\"s390x\",\"passed\":true", "\"failures\":[]").doesNotContain("\n");
    }

    @Test
    @DisplayName("--all with --backend is a usage error; an unknown backend exits 1 naming the known ones")
    void usage() {
        assertThat(CliRun.inProcess("conformance", "--all", "--backend", "x86_64").exit()).isEqualTo(2);
        CliRun unknown = CliRun.inProcess("conformance", "--backend", "nonesuch");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown backend \"nonesuch\"", "known backends: aarch64, s390x, x86_64");
    }

    @Test
    @DisplayName("a plugin compiled against api and testkit only passes when correct, and fails with its broken rule listed when not")
    void plugins(@TempDir Path dir) throws IOException {
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        plugin(dir, plugins, "goodfixture", "riscv64sim", "d.write32(o, v);");
        // write32 as four byte stores: the kind of split the kernel's writel never does.
        plugin(dir, plugins, "brokenfixture", "brokensim", "for (int i = 0; i < 4; i++) { d.write8(o + i, (byte) (v >>> (8 * i))); }");
        CliRun good = CliRun.inProcess("--plugins", plugins.toString(), "conformance", "--backend", "riscv64sim");
        assertThat(good.exit()).as(good.out() + good.err()).isZero();
        assertThat(good.out()).contains("ok   riscv64sim", "PASSED");

        CliRun bad = CliRun.inProcess("--plugins", plugins.toString(), "conformance", "--backend", "brokensim", "--json");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).startsWith("{\"passed\":false,").contains("\"rule\":\"single-transaction\"", "Broken by brokensim/DEVICE write32");

        CliRun text = CliRun.inProcess("--plugins", plugins.toString(), "conformance", "--backend", "brokensim");
        assertThat(text.exit()).isEqualTo(1);
        assertThat(text.out()).contains("FAIL brokensim", "Failures:", "[single-transaction]", "FAILED");
    }

    private static String where(Class<?> c) {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    }

    /** A backend whose accessor is the kit's ReferenceAccessor, with {@code write32Body} as its write32. */
    private static void plugin(Path dir, Path plugins, String pkg, String name, String write32Body) throws IOException {
        Path src = dir.resolve("src-" + pkg + "/" + pkg + "/SimBackend.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package %1$s;
                import dev.iomem.api.*;
                import dev.iomem.spi.*;
                import dev.iomem.testkit.reference.ReferenceAccessor;
                import java.util.Set;
                public final class SimBackend implements ArchBackend {
                    public String name() { return "%2$s"; }
                    public Set<String> osArchNames() { return Set.of("%2$s"); }
                    public int priority() { return 1; }
                    public Availability probe() { return Availability.unavailable("simulation only"); }
                    public AccessRules rules(MemoryType t) {
                        return AccessRules.builder("%2$s", t).naturalAlignment(true).copy(CopyAlgorithm.GENERIC).build();
                    }
                    public Barriers nativeBarriers() { return Barriers.none(); }
                    public IoBus openBus(MappedRegion r) { throw new IllegalStateException("no hardware"); }
                    public IoAccessor accessor(IoBus b, MemoryType t, Barriers x) { return accessor(b, rules(t), x); }
                    public IoAccessor accessor(IoBus b, AccessRules r, Barriers x) {
                        return new Wrapped(new ReferenceAccessor(b, r, x));
                    }
                    static final class Wrapped implements IoAccessor {
                        private final IoAccessor d;
                        Wrapped(IoAccessor d) { this.d = d; }
                        public long size() { return d.size(); }
                        public MemoryType memoryType() { return d.memoryType(); }
                        public AccessRules rules() { return d.rules(); }
                        public byte read8(long o) { return d.read8(o); }
                        public short read16(long o) { return d.read16(o); }
                        public int read32(long o) { return d.read32(o); }
                        public long read64(long o) { return d.read64(o); }
                        public void write8(long o, byte v) { d.write8(o, v); }
                        public void write16(long o, short v) { d.write16(o, v); }
                        public void write32(long o, int v) { %3$s }
                        public void write64(long o, long v) { d.write64(o, v); }
                        public byte read8Relaxed(long o) { return d.read8Relaxed(o); }
                        public short read16Relaxed(long o) { return d.read16Relaxed(o); }
                        public int read32Relaxed(long o) { return d.read32Relaxed(o); }
                        public long read64Relaxed(long o) { return d.read64Relaxed(o); }
                        public void write8Relaxed(long o, byte v) { d.write8Relaxed(o, v); }
                        public void write16Relaxed(long o, short v) { d.write16Relaxed(o, v); }
                        public void write32Relaxed(long o, int v) { d.write32Relaxed(o, v); }
                        public void write64Relaxed(long o, long v) { d.write64Relaxed(o, v); }
                        public long read(long o, Width w) { return d.read(o, w); }
                        public void write(long o, Width w, long v) { d.write(o, w, v); }
                        public void copyFromIo(long o, java.lang.foreign.MemorySegment s) { d.copyFromIo(o, s); }
                        public void copyToIo(java.lang.foreign.MemorySegment s, long o) { d.copyToIo(s, o); }
                        public void fillIo(long o, long n, byte v) { d.fillIo(o, n, v); }
                        public void flushWrites() { d.flushWrites(); }
                        public IoAccessor slice(long o, long n) { return d.slice(o, n); }
                        public boolean isClosed() { return d.isClosed(); }
                        public void close() { d.close(); }
                    }
                }
                """.formatted(pkg, name, write32Body));
        Path classes = dir.resolve("classes-" + pkg);
        Files.createDirectories(classes);
        String cp = where(Width.class) + File.pathSeparator + where(ConformanceRunner.class);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", cp, src.toString());
        assertThat(rc).as("the plugin compiles against api and testkit only").isZero();
        Path jar = plugins.resolve(name + ".jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os)) {
            jos.putNextEntry(new JarEntry("META-INF/services/dev.iomem.spi.ArchBackend"));
            jos.write((pkg + ".SimBackend\n").getBytes());
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    jos.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                    jos.write(Files.readAllBytes(f));
                }
            }
        }
    }
}
