package com.example.iomem.demo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/consumers.md honest: every {@code java} block in it must compile against the
 * artifacts this example uses, and the blocks marked {@value #RUNS} must run here.
 *
 * <p>Conventions of the guide: the block that starts with {@code import} is prepended to every
 * other block; a block that declares a class is a compilation unit of its own; any other block
 * is the body of a method whose parameters are listed on its first line as
 * {@code // given: Type name, Type name}.
 */
@DisplayName("The consumer guide, docs/consumers.md")
class ConsumerGuideSnippetsTest {

    static final String RUNS = "// runs in the example's tests";
    private static final String GIVEN = "// given:";

    record Snippet(int line, String code) {
        String name() {
            return "Snippet" + line;
        }

        boolean isImports() {
            return code.strip().startsWith("import ");
        }

        boolean isClass() {
            return code.lines().anyMatch(l -> l.matches("(public |final |abstract )*(class|record|interface) \\w+.*"));
        }

        boolean runs() {
            return code.strip().startsWith(RUNS);
        }

        String givens() {
            String first = code.strip().lines().findFirst().orElse("");
            return first.startsWith(GIVEN) ? first.substring(GIVEN.length()).strip() : "";
        }
    }

    private static List<Snippet> snippets;
    private static String imports;
    private static List<Diagnostic<? extends JavaFileObject>> errors;
    @TempDir
    static Path classes;
    /** Per generated file: what to add to a generated line number to get the guide's line. */
    private static final Map<String, Long> firstGuideLine = new HashMap<>();

    static Path guide() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../../docs/consumers.md").normalize();
    }

    @BeforeAll
    static void compileEverySnippet() throws IOException {
        List<String> lines = Files.readAllLines(guide(), StandardCharsets.UTF_8);
        snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```java")) {
                int start = i + 2; // 1-based line of the block's first line of code
                StringBuilder code = new StringBuilder();
                for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                    code.append(lines.get(i)).append('\n');
                }
                snippets.add(new Snippet(start, code.toString()));
            }
        }
        imports = snippets.stream().filter(Snippet::isImports).map(Snippet::code).findFirst().orElse("");

        List<JavaFileObject> units = new ArrayList<>();
        for (Snippet s : snippets) {
            if (s.isImports()) {
                continue;
            }
            String source = s.isClass()
                    ? imports + s.code()
                    : imports + "final class " + s.name() + " {\n    static void run(" + s.givens() + ") throws Exception {\n"
                      + s.code() + "\n    }\n}\n";
            String file = s.name() + ".java";
            // Lines of generated source before the snippet's first line.
            long before = imports.lines().count() + (s.isClass() ? 0 : 2);
            units.add(new SimpleJavaFileObject(URI.create("string:///" + file), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }

                @Override
                public String toString() {
                    return "docs/consumers.md snippet at line " + s.line();
                }
            });
            firstGuideLine.put(file, s.line() - before - 1);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        // Surefire runs tests from a manifest-only jar; it puts the real class path here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            javac.getTask(null, files, diagnostics, List.of("-proc:none", "-classpath", classPath, "-d", classes.toString()),
                    null, units).call();
        }
        errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
    }

    @Test
    @DisplayName("has its import block and the snippets this test expects")
    void found() {
        assertThat(imports).contains("import dev.iomem.core.Iomem;");
        assertThat(snippets.size()).isGreaterThanOrEqualTo(15);
        assertThat(snippets).filteredOn(Snippet::runs).hasSizeGreaterThanOrEqualTo(5);
        assertThat(snippets).filteredOn(Snippet::runs).allSatisfy(s -> assertThat(s.givens()).isEmpty());
    }

    @Test
    @DisplayName("compiles: every Java snippet, against the artifacts this example uses")
    void everySnippetCompiles() {
        assertThat(errors).as("compile errors").extracting(d -> "docs/consumers.md line "
                + (d.getLineNumber() + firstGuideLine.getOrDefault(d.getSource().getName().substring(1), 0L)) + ": "
                + d.getMessage(Locale.ROOT)).isEmpty();
    }

    @TestFactory
    @DisplayName("runs: the snippets marked to run here")
    Stream<DynamicTest> markedSnippetsRun() {
        return snippets.stream().filter(Snippet::runs).map(s -> DynamicTest.dynamicTest("snippet at line " + s.line(), () -> {
            assertThat(errors).as("compile errors").isEmpty();
            try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
                Method run = loader.loadClass(s.name()).getDeclaredMethod("run");
                run.setAccessible(true);
                try {
                    run.invoke(null);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }));
    }
}
