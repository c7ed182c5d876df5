package com.example.iomem.demo;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The demo's command line")
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("runs the plain API and the Guice wiring by default and exits 0")
    void both() {
        assertThat(run("--mapper", "simulated-iova")).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("(plain wiring)").contains("(guice wiring)");
        assertThat(text.split("RESULT: OK", -1)).hasSize(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    @DisplayName("exits 2 with the usage on an unknown argument, and runs nothing")
    void unknownArgument() {
        assertThat(run("--fast")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument '--fast'").contains(Main.USAGE);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    @DisplayName("exits 2 on an unknown mapper or a missing value")
    void badValues() {
        assertThat(run("--mapper", "iommufd")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown mapper 'iommufd'");
        assertThat(run("--backend")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--backend needs a value");
    }

    @Test
    @DisplayName("exits 1 with one line naming the backend when no backend has that name")
    void unknownBackend() {
        assertThat(run("plain", "--backend", "vax")).isEqualTo(1);
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(e).startsWith("driver-demo: ").contains("vax");
        assertThat(e.strip().lines()).hasSize(1);
    }
}
