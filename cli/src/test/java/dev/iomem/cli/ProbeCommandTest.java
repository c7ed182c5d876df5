package dev.iomem.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import dev.iomem.api.Width;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("iomem probe")
class ProbeCommandTest {

    @Test
    @DisplayName("names x86_64 as chosen on this machine, lists every candidate and prints the rules")
    void text() {
        CliRun r = CliRun.inProcess("probe");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Chosen backend: x86_64", "why: the only available backend for os.arch amd64",
                "aarch64", "os.arch is amd64, not aarch64", "s390x", "os.arch is amd64, not s390x",
                "DEVICE", "WRITE_COMBINING", "arch/x86/lib/iomem.c (graded head, 4 B body, graded tail)");
        assertThat(r.err()).isEmpty();
    }

    @Test
    @DisplayName("--json prints one object naming the chosen backend and all three candidates")
    void json() {
        CliRun r = CliRun.inProcess("probe", "--json");
        assertThat(r.exit()).isZero();
        String json = r.out().strip();
        assertThat(json).startsWith("{").endsWith("}").doesNotContain("\n");
        assertThat(json).contains("\"chosen\":{\"name\":\"x86_64\"")
                .contains("\"name\":\"aarch64\"", "\"name\":\"s390x\"", "\"name\":\"x86_64\"")
                .contains("\"nativeAccess\":true")
                .contains("\"rules\":{\"DEVICE\":{");
    }

    @Test
    @DisplayName("an unknown --backend exits 1 with one line that lists the known names")
    void unknownBackend() {
        CliRun r = CliRun.inProcess("--backend", "nonesuch", "probe");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo(
                "iomem: unknown backend \"nonesuch\" (from --backend); known backends: aarch64, s390x, x86_64");
        assertThat(r.out()).isEmpty();
    }

    @Test
    @DisplayName("--backend after the command's name works too, and forces a backend for simulation")
    void forcedBackend() {
        CliRun r = CliRun.inProcess("probe", "--backend", "s390x");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Chosen backend: s390x (simulation only)", "chosen explicitly by --backend=s390x",
                "no access crosses 4096 B", "CPU big-endian");
    }

    @Test
    @DisplayName("a usage error exits 2; --help and --version exit 0")
    void usage() {
        assertThat(CliRun.inProcess("probe", "--no-such-option").exit()).isEqualTo(2);
        assertThat(CliRun.inProcess("no-such-command").exit()).isEqualTo(2);
        assertThat(CliRun.inProcess().exit()).isEqualTo(2);
        CliRun help = CliRun.inProcess("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("probe");
        CliRun probeHelp = CliRun.inProcess("probe", "--help");
        assertThat(probeHelp.exit()).isZero();
        assertThat(probeHelp.out()).contains("--json", "--plugins", "--backend");
        CliRun version = CliRun.inProcess("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("iomem ");
    }

    @Test
    @DisplayName("--plugins with a missing directory fails with one line and no stack trace; --debug adds the trace")
    void badPluginDir(@TempDir Path dir) {
        CliRun r = CliRun.inProcess("--plugins", dir.resolve("missing").toString(), "probe");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("iomem: --plugins " + dir.resolve("missing") + ": not a directory");
        CliRun debug = CliRun.inProcess("--debug", "--plugins", dir.resolve("missing").toString(), "probe");
        assertThat(debug.err()).contains("at dev.iomem.cli.");
    }

    @Test
    @DisplayName("--plugins DIR adds a backend from a jar compiled only against the api")
    void pluginJar(@TempDir Path dir) throws IOException {
        Path jar = PluginFixture.build(dir, "sparc64fixture", "SparcBackend", "sparc64", "probe() never throws", false);
        CliRun r = CliRun.inProcess("--plugins", jar.getParent().toString(), "probe", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"name\":\"sparc64\"", "\"provider\":\"sparc64fixture.SparcBackend\"", "os.arch is not sparc64 here");
    }

    @Test
    @DisplayName("a plugin whose probe() throws is listed with the error and the others still work")
    void pluginProbeThrows(@TempDir Path dir) throws IOException {
        Path jar = PluginFixture.build(dir, "brokenfixture", "BrokenBackend", "broken", "x", true);
        CliRun r = CliRun.inProcess("--plugins", jar.getParent().toString(), "probe");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Chosen backend: x86_64").contains("broken").contains("probe() threw IllegalStateException: plugin probe exploded");
    }

    /** Writes, compiles (against the api jar only) and jars a minimal backend. */
    static final class PluginFixture {
        static Path build(Path dir, String pkg, String cls, String name, String unused, boolean probeThrows) throws IOException {
            return build(dir, pkg, cls, name,
                    probeThrows ? "throw new IllegalStateException(\"plugin probe exploded\");"
                            : "return Availability.unavailable(\"os.arch is not " + name + " here\");",
                    "throw new IllegalStateException(\"no hardware\");");
        }

        /** Writes, compiles and jars a backend whose probe() and openBus() have the given bodies. */
        static Path build(Path dir, String pkg, String cls, String name, String probeBody, String openBusBody) throws IOException {
            Path src = dir.resolve("src/" + pkg + "/" + cls + ".java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, """
                    package %1$s;
                    import dev.iomem.api.*;
                    import dev.iomem.spi.*;
                    import java.util.Set;
                    public final class %2$s implements ArchBackend {
                        public String name() { return "%3$s"; }
                        public Set<String> osArchNames() { return Set.of("%3$s"); }
                        public int priority() { return 1; }
                        public Availability probe() { %4$s }
                        public AccessRules rules(MemoryType t) { return AccessRules.builder("%3$s", t).build(); }
                        public Barriers nativeBarriers() { return Barriers.none(); }
                        public IoBus openBus(MappedRegion r) { %5$s }
                        public IoAccessor accessor(IoBus b, MemoryType t, Barriers x) { throw new UnsupportedOperationException(); }
                        public IoAccessor accessor(IoBus b, AccessRules r, Barriers x) { throw new UnsupportedOperationException(); }
                    }
                    """.formatted(pkg, cls, name, probeBody, openBusBody));
            Path classes = dir.resolve("classes");
            Files.createDirectories(classes);
            String apiJar = Path.of(Width.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", apiJar, src.toString());
            assertThat(rc).as("plugin compiles against the api alone").isZero();
            Path jar = dir.resolve("plugins/" + name + ".jar");
            Files.createDirectories(jar.getParent());
            try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os)) {
                jos.putNextEntry(new JarEntry("META-INF/services/dev.iomem.spi.ArchBackend"));
                jos.write((pkg + "." + cls + "\n").getBytes());
                try (Stream<Path> files = Files.walk(classes)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        jos.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                        jos.write(Files.readAllBytes(f));
                    }
                }
            }
            return jar;
        }
    }
}
