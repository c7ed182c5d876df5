package dev.iomem.arch.x86;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the JIT's own output: the C2-compiled code of the accessor and bus (with the bus
 * inlined into the accessor) holds no SIMD load or store and no string move. Without hsdis,
 * {@code -XX:+PrintAssembly} prints raw code bytes; {@code objdump} disassembles them.
 *
 * <p>Tiers covered: {@link #noSimdNoStringMoves} covers <b>C2 only</b> (the child JVM runs with
 * {@code -XX:-TieredCompilation}, and only {@code Compiled method (c2)} blocks are read). It says
 * nothing about the interpreter or C1, nor about what the routines that the compiled code calls
 * do (an opaque store's {@code xchg} in the interpreter's {@code Unsafe_PutIntVolatile} is C++
 * code in libjvm, not JIT output). {@link #scannerCatchesViolations} runs no Java code: it checks
 * the scanner on fixed bytes. Every tier (interpreter, C1, C2), as executed on the memory, is
 * {@link ExecutedAccessesTest}'s job.
 */
@DisplayName("C2-compiled BAR paths on x86-64")
class CompiledCodeTest {

    private static final Pattern METHOD = Pattern.compile("^Compiled method \\(c2\\).*?\\s(\\S+::\\S+)\\s");
    private static final Pattern CODE_LINE = Pattern.compile("^\\s*0x[0-9a-f]+: ((?:[0-9a-f]{2,8}(?: \\| | |$))+)");
    /** A vector register with a memory operand, or a string instruction. */
    private static final Pattern FORBIDDEN = Pattern.compile(
            "(?i)(\\b(rep[a-z]*|movs[bwlq]?|stos[bwlq]?|lods[bwlq]?)\\b(?!d\\b))|(%[xyz]mm\\d+.*\\(|\\(.*%[xyz]mm\\d+)");

    @Test
    @DisplayName("scalars, copyToIo, copyFromIo and fillIo compile to no SIMD memory access and no string move")
    void noSimdNoStringMoves(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/objdump")), "objdump (binutils) is needed to read the JIT's raw code");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UnlockDiagnosticVMOptions", "-XX:-TieredCompilation",
                // -Xbatch: a hot method is compiled before it runs on, so every one is compiled
                // by the end of the workload, not whenever the compiler thread gets to it.
                "-Xbatch",
                "-XX:CompileCommand=quiet",
                "-XX:CompileCommand=dontinline,dev.iomem.core.access.RuleDrivenAccessor::*",
                "-XX:CompileCommand=print,dev.iomem.core.access.RuleDrivenAccessor::*",
                "-XX:CompileCommand=dontinline,dev.iomem.core.access.ScalarFastPath::*",
                "-XX:CompileCommand=print,dev.iomem.core.access.ScalarFastPath::*",
                "-XX:CompileCommand=dontinline,dev.iomem.core.access.PlannedCopies::*",
                "-XX:CompileCommand=print,dev.iomem.core.access.PlannedCopies::*",
                "-XX:CompileCommand=print,dev.iomem.core.access.MappedBus::*",
                "-cp", System.getProperty("java.class.path"), CompiledPathWorkload.class.getName(), dir.resolve("bar").toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out.length() > 2000 ? out.substring(out.length() - 2000) : out).isZero();

        Map<String, byte[]> methods = compiledMethods(out);
        // The Java copy loops live in PlannedCopies's copyToIo, copyFromIo and fillIo; the public
        // methods' native path only calls the routines, whose bytes X86CopyRoutinesDisassemblyTest
        // checks.
        assertThat(methods.keySet()).as("C2 compiled the BAR paths")
                .anyMatch(m -> m.endsWith("PlannedCopies::copyToIo")).anyMatch(m -> m.endsWith("PlannedCopies::copyFromIo"))
                .anyMatch(m -> m.endsWith("PlannedCopies::fillIo")).anyMatch(m -> m.endsWith("ScalarFastPath::write32"))
                .anyMatch(m -> m.endsWith("ScalarFastPath::read32")).anyMatch(m -> m.endsWith("ScalarFastPath::write64Relaxed"));
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, byte[]> m : methods.entrySet()) {
            for (String bad : violations(dir, m.getValue())) {
                violations.add(m.getKey() + ": " + bad);
            }
        }
        assertThat(violations).as("SIMD memory accesses or string moves in compiled BAR paths").isEmpty();
    }

    @Test
    @DisplayName("the scanner itself flags rep movsl, a vmovdqu load and a movdqu store, and passes plain movs")
    void scannerCatchesViolations(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/objdump")), "objdump (binutils) is needed");
        byte[] bad = {
            (byte) 0xf3, (byte) 0xa5,                               // rep movsl
            (byte) 0xc5, (byte) 0xfe, 0x6f, 0x06,                   // vmovdqu (%rsi),%ymm0
            (byte) 0xf3, 0x0f, 0x7f, 0x07,                          // movdqu %xmm0,(%rdi)
            (byte) 0x89, 0x02,                                      // mov %eax,(%rdx)
            (byte) 0xc5, (byte) 0xfb, 0x11, 0x44, 0x24, 0x20,       // vmovsd %xmm0,0x20(%rsp): a spill
            (byte) 0xc3 };                                          // ret
        assertThat(violations(dir, bad)).hasSize(3);
        assertThat(violations(dir, new byte[] {(byte) 0x89, 0x02, (byte) 0x8b, 0x06, (byte) 0xc3})).isEmpty();
    }

    /** The forbidden instructions objdump finds in {@code code}. */
    static List<String> violations(Path dir, byte[] code) throws IOException, InterruptedException {
        Path bin = Files.createTempFile(dir, "code", ".bin");
        Files.write(bin, code);
        Process od = new ProcessBuilder("/usr/bin/objdump", "-D", "-b", "binary", "-mi386:x86-64", bin.toString())
                .redirectErrorStream(true).start();
        String asm = new String(od.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(od.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> found = new ArrayList<>();
        int instructions = 0;
        for (String line : asm.split("\n")) {
            String[] cols = line.split("\t");
            if (cols.length < 3) continue;
            instructions++;
            // A stack operand ((%rsp)) is a register spill, never device memory.
            if (FORBIDDEN.matcher(cols[2]).find() && !cols[2].contains("(%rsp")) {
                found.add(cols[2].strip());
            }
        }
        assertThat(instructions).as("objdump disassembled the code").isGreaterThan(0);
        return found;
    }

    /** Method name to its code bytes, for each C2 nmethod in the PrintAssembly output. */
    static Map<String, byte[]> compiledMethods(String out) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        String current = null;
        java.io.ByteArrayOutputStream bytes = null;
        boolean inCode = false;
        for (String line : out.split("\n")) {
            Matcher mm = METHOD.matcher(line);
            if (mm.find()) {
                if (current != null) result.merge(current + "#" + result.size(), bytes.toByteArray(), (a, b) -> a);
                current = mm.group(1);
                bytes = new java.io.ByteArrayOutputStream();
                inCode = false;
                continue;
            }
            if (current == null) continue;
            if (line.startsWith("[MachCode]")) { inCode = true; continue; }
            if (line.startsWith("[/MachCode]") || line.startsWith("[Stub Code]") || line.startsWith("[Exception Handler]")) { inCode = false; continue; }
            if (!inCode) continue;
            Matcher cm = CODE_LINE.matcher(line);
            if (cm.find()) {
                for (String group : cm.group(1).split("[ |]+")) {
                    for (int i = 0; i + 1 < group.length(); i += 2) {
                        bytes.write(Integer.parseInt(group.substring(i, i + 2), 16));
                    }
                }
            }
        }
        if (current != null) result.merge(current + "#" + result.size(), bytes.toByteArray(), (a, b) -> a);
        Map<String, byte[]> named = new LinkedHashMap<>();
        result.forEach((k, v) -> named.put(k.substring(0, k.indexOf('#')), v));
        return named;
    }
}
