# Sourced by lab/run: paths, the cache, the package mirror, one-line failures.
# Every architecture the lab knows, in the order it runs them.
LAB_ARCHES="x86_64 aarch64 s390x"
LAB_CACHE=${IOMEM_LAB_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/iomem-lab}

lab_say() { printf 'lab: %s\n' "$*" >&2; }
# One clear line naming the architecture (or "host") and the cause, then exit 1.
lab_fail() { local who=$1; shift; printf 'lab: %s: FAILED: %s\n' "$who" "$*" >&2; exit 1; }

# Debian's architecture name, the suite its guest comes from, QEMU's binary and console.
# s390x comes from forky: trixie's s390x pool is incomplete on the mirror, and sysfs
# resourceN for zPCI needs a kernel >= 6.15 (upstream commit aa9f168d55dc).
lab_deb_arch() { case $1 in x86_64) echo amd64 ;; aarch64) echo arm64 ;; s390x) echo s390x ;; esac; }
lab_suite() { case $1 in s390x) echo forky ;; *) echo trixie ;; esac; }
lab_console() { case $1 in x86_64) echo ttyS0 ;; aarch64) echo ttyAMA0 ;; s390x) echo ttysclp0 ;; esac; }

# The Debian mirror of this machine's own apt configuration: deb822 sources first, then the
# one-line format. Never a hard-coded host.
lab_mirror() {
  local m=""
  if [ -n "${IOMEM_LAB_MIRROR:-}" ]; then echo "$IOMEM_LAB_MIRROR"; return; fi
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' "$f")
    [ -n "$m" ] && break
  done
  if [ -z "$m" ]; then
    m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/ && $i ~ /\/debian\/?$/) { print $i; exit } }')
  fi
  [ -n "$m" ] || lab_fail host "no Debian mirror in /etc/apt/sources.list*; set IOMEM_LAB_MIRROR=URL"
  echo "${m%/}"
}

# Host tools the lab needs; all come from Debian 12's own packages.
lab_check_host() {
  local missing="" tool pkg
  for pair in mmdebstrap:mmdebstrap cpio:cpio depmod:kmod base64:coreutils gzip:gzip timeout:coreutils sha256sum:coreutils; do
    tool=${pair%%:*}; pkg=${pair#*:}
    command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$tool" >/dev/null 2>&1 || missing="$missing $pkg"
  done
  if [ -n "$missing" ]; then
    lab_fail host "missing host packages:$missing (install them with: sudo apt-get install$missing)"
  fi
  if [ "$(id -u)" != 0 ] && ! command -v unshare >/dev/null; then
    lab_fail host "mmdebstrap needs root or user namespaces (util-linux unshare)"
  fi
}
