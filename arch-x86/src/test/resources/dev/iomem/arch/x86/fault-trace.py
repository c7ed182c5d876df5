# gdb (batch mode) script of ExecutedAccessesTest: records the instruction of every access to
# one watched page of the inferior JVM. The JVM writes the page's address (hex) to $ADDR_FILE
# and then makes the page PROT_NONE, so every access to it faults. For each SIGSEGV whose
# si_addr is in the page, this prints "ACCESS <offset in page, hex> <x/i $pc>" to $OUT_FILE (the
# faulting instruction, exactly), makes the page accessible, single-steps that one instruction
# in that one thread, makes the page inaccessible again and continues, discarding the signal.
# Every other SIGSEGV (HotSpot uses them itself: safepoint polls, implicit null checks) is
# delivered to the JVM unchanged.
import os
import gdb

ADDR_FILE = os.environ["ADDR_FILE"]
out = open(os.environ["OUT_FILE"], "w")
PAGE_SIZE = 4096
page = None
syscall_insn = None

for command in ["set pagination off", "set confirm off", "set debuginfod enabled off",
                "set print thread-events off", "set print inferior-events off",
                "set disassembly-flavor intel",
                # stop, so the script sees each one; nopass: a signal is delivered only by
                # "signal SIGSEGV" below. (noprint would imply nostop.)
                "handle SIGSEGV stop print nopass"]:
    gdb.execute(command)


def mprotect(prot):
    # gdb's own inferior calls fail on some kernels (the xsave state cannot be written back:
    # "Couldn't write extended state status"), so this runs libc's mprotect syscall instruction
    # with the registers of mprotect(page, 4096, prot) and restores the registers afterwards.
    global syscall_insn
    if syscall_insn is None:
        for line in gdb.execute("x/64i mprotect", to_string=True).splitlines():
            if line.rstrip().endswith("\tsyscall") or line.rstrip().endswith(" syscall"):
                syscall_insn = int(line.replace("=>", " ").split()[0].rstrip(":"), 16)
                break
        if syscall_insn is None:
            raise gdb.GdbError("no syscall instruction found in libc's mprotect")
    saved = {r: int(gdb.parse_and_eval("$" + r)) for r in ("rip", "rax", "rdi", "rsi", "rdx", "rcx", "r11", "eflags")}
    for reg, value in (("rip", syscall_insn), ("rax", 10), ("rdi", page), ("rsi", PAGE_SIZE), ("rdx", prot)):
        gdb.execute("set $%s = %d" % (reg, value))
    gdb.execute("stepi", to_string=True)
    rc = int(gdb.parse_and_eval("$rax"))
    for reg, value in saved.items():
        gdb.execute("set $%s = %d" % (reg, value))
    if rc != 0:
        raise gdb.GdbError("mprotect(%#x, %d) returned %d" % (page, prot, rc))


gdb.execute("run", to_string=True)
while gdb.selected_inferior().pid:
    try:
        siginfo = gdb.parse_and_eval("$_siginfo")
        signo = int(siginfo["si_signo"])
    except gdb.error:
        signo = 0
    if signo != 11:
        out.write("STOPPED %d\n" % signo)
        break
    address = int(siginfo["_sifields"]["_sigfault"]["si_addr"])
    if page is None and os.path.exists(ADDR_FILE):
        text = open(ADDR_FILE).read().strip()
        page = int(text, 16) if text else None
    if page is not None and page <= address < page + PAGE_SIZE:
        instruction = gdb.execute("x/i $pc", to_string=True).strip()
        out.write("ACCESS %x %s\n" % (address - page, instruction))
        out.flush()
        gdb.execute("set scheduler-locking on")
        mprotect(3)
        gdb.execute("stepi", to_string=True)
        mprotect(0)
        gdb.execute("set scheduler-locking off")
        gdb.execute("continue", to_string=True)
    else:
        gdb.execute("signal SIGSEGV", to_string=True)
out.close()
