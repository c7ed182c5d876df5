package dev.iomem.arch.x86;

import dev.iomem.arch.x86.ExecutedAccessesWorkload.Access;
import dev.iomem.arch.x86.ExecutedAccessesWorkload.Op;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: every scalar, copy and fill access through an x86 accessor over a mapped window is
 * exactly one {@code mov} of its width, <em>as executed</em>, in the interpreter ({@code -Xint}),
 * in C1 ({@code -XX:TieredStopAtLevel=1}) and with the default tiers (C2), with no {@code xchg},
 * no {@code lock} prefix and no split into narrower accesses.
 *
 * <p>How: {@link ExecutedAccessesWorkload} runs in a child JVM started by {@code gdb}. It warms the
 * paths up on one mapping, then makes another mapping's page {@code PROT_NONE} and runs every
 * operation on it once. gdb's script ({@code fault-trace.py}, next to this class) stops on each
 * SIGSEGV in that page and records the faulting instruction, decoded by gdb's disassembler
 * (binutils' libopcodes: independent of iomem's listings), then steps over it with the page
 * accessible. A locked read-modify-write shows as an {@code xchg}, a split as several accesses.
 * The other SIGSEGVs, HotSpot's own, go to the JVM.
 *
 * <p>Which code ran is checked too: the C1 and C2 runs must show (by {@code -XX:+PrintCompilation},
 * with {@code -Xbatch} so that compilation finishes before the workload goes on) the accessor's
 * {@code write32} compiled at level 1 resp. 4 before the watched accesses. A method deoptimised
 * after that would run its last accesses in the interpreter, which the {@code -Xint} run covers
 * anyway.
 *
 * <p>On the code before issue 18 this fails: in the interpreter every aligned store is
 * {@code xchg DWORD PTR [r14],r8d} in {@code Unsafe_PutIntVolatile} (and its byte, short and long
 * siblings), and an unaligned scalar is two or four byte accesses ({@code Unsafe_PutByte}).
 */
@DisplayName("x86-64 BAR accesses, as the CPU executes them at every JIT tier")
class ExecutedAccessesTest {

    private static final Path GDB = Path.of("/usr/bin/gdb");
    /** A disassembled line: the instruction after the address (and symbol) and a colon. */
    private static final Pattern ACCESS = Pattern.compile("^ACCESS ([0-9a-f]+) (?:=>\\s*)?0x[0-9a-f]+(?: <[^>]*>)?:\\s+(.*)$");
    /** A memory operand and its width, in gdb's Intel syntax. */
    private static final Pattern MEMORY = Pattern.compile("\\b(BYTE|WORD|DWORD|QWORD|XMMWORD|YMMWORD|ZMMWORD) PTR (?:\\w+:)?\\[");
    private static final Map<String, Integer> WIDTHS = Map.of("BYTE", 1, "WORD", 2, "DWORD", 4, "QWORD", 8);
    /** The only instructions a device access may be: a plain move, zero- or sign-extending on loads. */
    private static final Pattern SINGLE_MOVE = Pattern.compile("^(mov|movzx|movsx|movsxd)\\s");

    @BeforeAll
    static void gdb() {
        Assumptions.assumeTrue(Files.isExecutable(GDB), "gdb (/usr/bin/gdb) is needed to see the executed instructions");
    }

    @Test
    @DisplayName("in the interpreter (-Xint) every access is one mov of its width")
    void interpreter(@TempDir Path dir) throws IOException, InterruptedException {
        check(dir, List.of("-Xint"), 0, Optional.empty());
    }

    @Test
    @DisplayName("in C1 (-XX:TieredStopAtLevel=1) every access is one mov of its width")
    void c1(@TempDir Path dir) throws IOException, InterruptedException {
        check(dir, List.of("-XX:TieredStopAtLevel=1", "-Xbatch"), 3_000, Optional.of(1));
    }

    @Test
    @DisplayName("with the default tiers (C2 after warm-up) every access is one mov of its width")
    void defaultTiers(@TempDir Path dir) throws IOException, InterruptedException {
        check(dir, List.of("-Xbatch"), 25_000, Optional.of(4));
    }

    @Test
    @DisplayName("the decoding flags an xchg, a lock prefix, a split and a wrong width")
    void decodingCanFail() {
        Access store4 = new Access(0x10, 4, true);
        assertThat(problems(List.of(store4), List.of("ACCESS 10 => 0x7ffff76370b0 <Unsafe_PutIntVolatile+176>:\txchg   DWORD PTR [r14],r8d")))
                .anyMatch(p -> p.contains("not a single mov"));
        assertThat(problems(List.of(store4), List.of("ACCESS 10 => 0x7fffe0001234:\tlock add DWORD PTR [rdi],0x0")))
                .anyMatch(p -> p.contains("not a single mov"));
        assertThat(problems(List.of(store4), List.of("ACCESS 10 => 0x7fffe0001234:\tmov    BYTE PTR [r13+0x0],r14b",
                "ACCESS 11 => 0x7fffe0001234:\tmov    BYTE PTR [r13+0x0],r14b"))).isNotEmpty();
        assertThat(problems(List.of(store4), List.of("ACCESS 10 => 0x7fffe0001234:\tmov    eax,DWORD PTR [r13+0x0]")))
                .singleElement().asString().contains("load4");
        assertThat(problems(List.of(store4), List.of("ACCESS 10 => 0x7fffe0001234 <x+1>:\tmov    DWORD PTR [rdi+rsi*1],edx"))).isEmpty();
        assertThat(problems(List.of(new Access(0x11, 2, false)), List.of("ACCESS 11 => 0x7fffe0001234:\tmovzx  eax,WORD PTR [rdi+rsi*1]"))).isEmpty();
    }

    private static void check(Path dir, List<String> jvmOptions, int warmup, Optional<Integer> level)
            throws IOException, InterruptedException {
        Path script = dir.resolve("fault-trace.py");
        try (InputStream in = ExecutedAccessesTest.class.getResourceAsStream("fault-trace.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path addressFile = dir.resolve("address");
        Path accesses = dir.resolve("accesses");
        List<String> cmd = new ArrayList<>(List.of(GDB.toString(), "-nx", "-batch", "-q", "-x", script.toString(), "--args",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-XX:+PrintCompilation", "-cp", System.getProperty("java.class.path"),
                ExecutedAccessesWorkload.class.getName(), dir.toString(), addressFile.toString(), String.valueOf(warmup)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ADDR_FILE", addressFile.toString());
        pb.environment().put("OUT_FILE", accesses.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        Assumptions.assumeFalse(out.contains("ptrace: Operation not permitted"),
                "gdb may not trace a child process here (ptrace: Operation not permitted)");
        String tail = out.length() > 4000 ? out.substring(out.length() - 4000) : out;
        assertThat(out).as(tail).contains("workload done");
        level.ifPresent(l -> assertThat(out).as("ScalarFastPath::write32 (RuleDrivenAccessor's scalars) compiled at tier %d", l)
                .containsPattern("\\s" + l + "\\s+dev\\.iomem\\.core\\.access\\.ScalarFastPath::write32\\s"));

        List<Access> expected = new ArrayList<>();
        for (Op op : ExecutedAccessesWorkload.ops()) {
            expected.addAll(op.expected());
        }
        List<String> recorded = Files.readAllLines(accesses).stream().filter(l -> l.startsWith("ACCESS")).toList();
        assertThat(problems(expected, recorded)).as("accesses to the watched page, as executed:%n%s",
                String.join("\n", recorded)).isEmpty();
    }

    /** {@return what is wrong with the recorded accesses, against the expected ones, in order} */
    static List<String> problems(List<Access> expected, List<String> recorded) {
        List<String> problems = new ArrayList<>();
        List<Access> seen = new ArrayList<>();
        for (String line : recorded) {
            Matcher m = ACCESS.matcher(line);
            if (!m.matches()) {
                problems.add("unreadable: " + line);
                continue;
            }
            long offset = Long.parseLong(m.group(1), 16);
            String instruction = m.group(2).strip();
            Matcher memory = MEMORY.matcher(instruction);
            int operands = 0;
            String width = null;
            boolean store = false;
            while (memory.find()) {
                operands++;
                width = memory.group(1);
                // Intel syntax: the destination comes first.
                store = instruction.indexOf(' ') >= 0 && instruction.substring(instruction.indexOf(' ')).strip().startsWith(memory.group());
            }
            if (!SINGLE_MOVE.matcher(instruction).find() || operands != 1 || !WIDTHS.containsKey(width)) {
                problems.add("not a single mov of 1, 2, 4 or 8 bytes at 0x" + Long.toHexString(offset) + ": " + instruction);
                continue;
            }
            seen.add(new Access(offset, WIDTHS.get(width), store));
        }
        if (!seen.equals(expected)) {
            problems.add("expected " + expected + " but the CPU made " + seen);
        }
        return problems;
    }
}
