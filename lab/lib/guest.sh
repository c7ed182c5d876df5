# Sourced by lab/run: boots one guest, brings back its results, checks the device trace.

# QEMU from the cache, run through its own loader so that trixie's libraries never touch the
# host's (installing trixie's QEMU on Debian 12 would upgrade libc and ~120 packages).
lab_qemu() { # ARCH ARGS...
  local arch=$1 q="$LAB_IMAGES/qemu"; shift
  QEMU_MODULE_DIR="$q/usr/lib/x86_64-linux-gnu/qemu" \
    "$q/usr/lib64/ld-linux-x86-64.so.2" --library-path "$q/usr/lib/x86_64-linux-gnu" \
    "$q/usr/bin/qemu-system-$arch" -L "$q/usr/share/qemu" -L "$q/usr/share/seabios" "$@"
}

# Machine and devices per architecture. edu is on x86-64 and arm64 (QEMU's s390x build has
# none). The NVMe CMB (1 MiB, BAR 2) is the memory-like target of the copy traces.
# A second edu at slot 0a with a DMA mask of all ones, for the DMA round trip without an IOMMU
# (the default edu's 28-bit mask lies below arm64's RAM, which starts at 1 GiB).
LAB_WIDE_EDU="-device edu,addr=0x0a,dma_mask=0xffffffffffffffff"
# With the IOMMU on x86-64: a conventional PCI bridge with a third edu and a PCI
# serial port behind it. Functions behind such a bridge share one IOMMU group (their DMA carries
# the bridge's requester ID), and the kernel's built-in 8250_pci driver takes the serial port,
# so the group is not viable when the edu is bound to vfio-pci: the lab's non-viable group.
# Not on arm64: 6.12's SMMUv3 driver refuses a second device with the bridge's stream ID
# ("stream 128 already in tree"), so neither function behind the bridge gets a group there.
LAB_SHARED_GROUP="-device pci-bridge,id=lab_br,chassis_nr=1,shpc=off,addr=0x10 -device edu,bus=lab_br,addr=0x1 -device pci-serial,bus=lab_br,addr=0x2"

# The NVMe controller's serial: the NVMe example must report it, and the host checks that it did.
LAB_NVME_SERIAL=lab0

lab_machine_args() { # ARCH IOMMU
  local arch=$1 iommu=$2
  case $arch in
    x86_64)
      if [ "$iommu" = yes ]; then
        echo "-machine q35,kernel-irqchip=split -cpu max -device intel-iommu,intremap=on $LAB_SHARED_GROUP"
      else
        echo "-machine q35 -cpu max"
      fi
      echo "-device nvme,serial=$LAB_NVME_SERIAL,cmb_size_mb=1,drive=nv0 -device edu $LAB_WIDE_EDU" ;;
    aarch64)
      if [ "$iommu" = yes ]; then
        echo "-machine virt,gic-version=3,iommu=smmuv3 -cpu max,pauth-impdef=on"
      else
        echo "-machine virt,gic-version=3 -cpu max,pauth-impdef=on"
      fi
      echo "-device nvme,serial=$LAB_NVME_SERIAL,cmb_size_mb=1,drive=nv0 -device edu $LAB_WIDE_EDU" ;;
    s390x)
      echo "-machine s390-ccw-virtio -cpu max -device nvme,serial=$LAB_NVME_SERIAL,cmb_size_mb=1,drive=nv0" ;;
  esac
}

# x86-64 runs its two vCPUs on one host thread: with multi-threaded TCG, a guest JVM once died
# of SIGILL at the entry of a freshly compiled method (code one vCPU patched while the other ran
# it), which a real CPU's cross-modifying-code rules prevent. One thread costs x86 about twice
# the time; the arm64 and s390x guests have not shown it and keep a thread per vCPU.
lab_accel() { # ARCH
  case $1 in x86_64) echo "-accel tcg,thread=single" ;; *) echo "-accel tcg" ;; esac
}

lab_kernel_args() { # ARCH IOMMU
  local a="console=$(lab_console "$1") quiet panic=-1 rdinit=/init"
  [ "$1" = x86_64 ] && [ "$2" = yes ] && a="$a intel_iommu=on"
  echo "$a lab.iommu=$2 ${IOMEM_LAB_APPEND:-}"
}

lab_run_guest() { # ARCH RUN_DIR IOMMU TIMEOUT
  local arch=$1 dir=$2 iommu=$3 limit=$4 console="$2/console.log" t0 rc status
  t0=$(date +%s)
  # The payload: the project's jars and the guest's test runner, appended as a second cpio.
  rm -rf "$dir/payload" && mkdir -p "$dir/payload/lab" && cp -a "$payload/." "$dir/payload/lab/"
  # The NVMe example (a separate Maven project, built by its check script before the lab runs):
  # its jar joins the payload's class path when it has been built; its suites skip without it.
  local example
  for example in "$lab_dir"/../examples/nvme/target/iomem-nvme-example-*.jar; do
    [ -f "$example" ] && cp "$example" "$dir/payload/lab/lib/"
  done
  echo "arch=$arch iommu=$iommu" >"$dir/payload/lab/lab.conf"
  (cd "$dir/payload" && find . -print0 | cpio --null -o -H newc --quiet) >"$dir/payload.cpio"
  cat "$LAB_IMAGES/$arch/base.cpio" "$dir/payload.cpio" >"$dir/initrd"
  rm -rf "$dir/payload"
  truncate -s 64M "$dir/nvme.img"
  lab_say "$arch: booting $(cat "$LAB_IMAGES/$arch/kernel-version") (iommu: $iommu, limit ${limit} s)"
  # shellcheck disable=SC2046
  set +e
  timeout --kill-after=10 "$limit" bash -c 'source "$0"; LAB_IMAGES="$1"; shift; lab_qemu "$@"' \
    "$lab_dir/lib/guest.sh" "$LAB_IMAGES" "$arch" \
    $(lab_machine_args "$arch" "$iommu") $(lab_accel "$arch") -m 2048 -smp 2 -nodefaults -display none -no-reboot \
    -serial stdio -monitor none \
    -drive "file=$dir/nvme.img,if=none,id=nv0,format=raw" \
    -kernel "$LAB_IMAGES/$arch/vmlinuz" -initrd "$dir/initrd" -append "$(lab_kernel_args "$arch" "$iommu")" \
    -trace memory_region_ops_read -trace memory_region_ops_write -D "$dir/qemu-trace.log" \
    </dev/null 2>"$dir/qemu-stderr.log" | lab_progress "$arch" >"$console"
  rc=${PIPESTATUS[0]}
  set -e
  rm -f "$dir/initrd"
  local took=$(( $(date +%s) - t0 ))
  echo "$took" >"$dir/seconds"
  if grep -q "Kernel panic" "$console"; then
    lab_guest_failed "$arch" "$dir" "kernel panic: $(grep -m1 'Kernel panic' "$console" | tr -d '\r')"; return 1
  fi
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    lab_guest_failed "$arch" "$dir" "the guest hung: killed after $limit s (last line: $(tail -n 1 "$console" | tr -d '\r' | cut -c1-120))"; return 1
  fi
  if ! grep -q "@@LAB-RESULTS-END@@" "$console"; then
    lab_guest_failed "$arch" "$dir" "QEMU exited ($rc) before the guest reported: $(head -c 300 "$dir/qemu-stderr.log" | tr '\n' ' ')"; return 1
  fi
  mkdir -p "$dir/results"
  sed -n '/@@LAB-RESULTS-BEGIN@@/,/@@LAB-RESULTS-END@@/p' "$console" | tr -d '\r' | sed '1d;$d' |
    base64 -d 2>/dev/null | tar xzf - -C "$dir/results" 2>/dev/null ||
    { lab_guest_failed "$arch" "$dir" "the guest's results did not come back whole"; return 1; }
  status=$(sed -n 's/.*@@LAB-EXIT \([0-9]*\)@@.*/\1/p' "$console" | tail -n 1)
  # Host-side checks: QEMU's device trace against iomem's prediction, as JUnit XML.
  if ! "$JAVA_HOME/bin/java" -cp "$payload/lib/*" dev.iomem.lab.host.HostChecks \
        --arch "$arch" --results "$dir/results" --trace "$dir/qemu-trace.log" --iommu "$iommu" \
        --disk "$dir/nvme.img" --nvme-serial "$LAB_NVME_SERIAL" >"$dir/host-checks.log" 2>&1; then
    status=1
  fi
  rm -f "$dir/nvme.img"
  sed 's/^/  /' "$dir/host-checks.log" >&2
  lab_say "$arch: guest finished in ${took} s (tests exit $status)"
  [ "$status" = 0 ]
}

# Prints the guest's own progress lines as they come and keeps the whole console in a file.
lab_progress() { # ARCH
  local line
  while IFS= read -r line; do
    printf '%s\n' "$line"
    case $line in
      lab-guest:*|*"Kernel panic"*) printf 'lab: %s: %s\n' "$1" "$(printf '%s' "${line#lab-guest: }" | tr -d '\r')" >&2 ;;
    esac
  done
}

lab_guest_failed() { # ARCH DIR CAUSE
  printf 'lab: %s: FAILED: %s\n' "$1" "$3" >&2
  rm -f "$2/nvme.img"
  echo "$3" >"$2/failure"
}

# One row per architecture from the JUnit XML of the guest and the host checks. A guest whose
# launcher reported but selected no test (the --iommu run before any suite is tagged vfio) is
# not a failure; a guest with no report at all is.
lab_summary() { # RUNS IOMMU ARCH...
  local runs=$1 iommu=$2 arch failed_any=0 t f e s p sec tot_p=0 tot_f=0 run="lab"; shift 2
  if [ "$iommu" = yes ]; then
    run="lab --iommu"; printf '\nlab: the --iommu run: the suites tagged vfio, IOMMU on\n' >&2
  else
    printf '\nlab: the run without --iommu: every suite not tagged vfio\n' >&2
  fi
  printf '%-9s %7s %7s %7s %7s %6s  %s\n' arch tests passed failed skipped secs note >&2
  for arch in "$@"; do
    read -r t f e s < <(cat "$runs/$arch"/results/junit/*.xml "$runs/$arch"/results/junit-host/*.xml 2>/dev/null |
      awk -F'"' '/<testsuite / { for (i = 1; i < NF; i++) { if ($i ~ / tests=$/) t += $(i+1); if ($i ~ / failures=$/) f += $(i+1); if ($i ~ / errors=$/) e += $(i+1); if ($i ~ / skipped=$/) s += $(i+1) } }
                 END { print t+0, f+0, e+0, s+0 }')
    p=$(( t - f - e - s )); sec=$(cat "$runs/$arch/seconds" 2>/dev/null || echo -)
    local note=""
    if [ -f "$runs/$arch/failure" ]; then note=$(cat "$runs/$arch/failure"); f=$(( f + 1 )); fi
    if [ "$t" = 0 ] && [ -z "$note" ]; then
      if ls "$runs/$arch"/results/junit/*.xml >/dev/null 2>&1; then note="no test selected"
      else note="no test ran"; f=$(( f + 1 )); fi
    fi
    [ $(( f + e )) -gt 0 ] && failed_any=1
    tot_p=$(( tot_p + p )); tot_f=$(( tot_f + f + e ))
    printf '%-9s %7s %7s %7s %7s %6s  %s\n' "$arch" "$t" "$p" "$(( f + e ))" "$s" "$sec" "$note" >&2
  done
  printf '\n%s: %s passed, %s failed\n' "$run" "$tot_p" "$tot_f"
  [ "$failed_any" = 0 ]
}
