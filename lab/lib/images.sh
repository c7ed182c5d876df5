# Sourced by lab/run: builds QEMU and the guest images from Debian's packages into the cache.
# The cache directory's name is a hash of these scripts and the package lists, so any change
# to how an image is made builds a new one; older images are removed once a new one is whole.

LAB_QEMU_PACKAGES="qemu-system-x86,qemu-system-arm,qemu-system-s390x"
LAB_GUEST_PACKAGES="openjdk-25-jre-headless,busybox-static,kmod"
# Modules the guest loads; everything else under /usr/lib/modules is dropped (the nvme
# driver stays out on purpose: the controller must not be bound while iomem drives it).
LAB_MODULES="vfio-pci vfio_iommu_type1"

lab_image_key() {
  local dir; dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  cat "$dir/images.sh" "$dir/common.sh" "$dir/guest-init" | sha256sum | cut -c1-12
}

lab_mmdebstrap() { # ARCH SUITE DIR PACKAGES LOG
  mmdebstrap --mode=auto --variant=extract --architectures="$1" \
    --aptopt='Acquire::Check-Valid-Until "false"' --aptopt='Acquire::Retries "3"' \
    --include="$4" "$2" "$3" "$MIRROR" >"$5" 2>&1
}

# Why mmdebstrap failed, in one line: a package apt cannot find, or a download.
lab_mmdebstrap_cause() {
  local line
  line=$(grep -m1 -E "^E: |Unable to locate|Failed to fetch|404|Could not resolve|Temporary failure" "$1" || true)
  echo "${line:-see $1}"
}

lab_build_qemu() { # DEST
  local log="$LAB_CACHE/logs/qemu.log" tmp="$1.tmp"
  rm -rf "$tmp"
  lab_say "host: unpacking QEMU from trixie ($LAB_QEMU_PACKAGES)"
  lab_mmdebstrap amd64 trixie "$tmp" "$LAB_QEMU_PACKAGES" "$log" ||
    lab_fail host "QEMU download failed: $(lab_mmdebstrap_cause "$log")"
  mv "$tmp" "$1"
}

lab_build_guest() { # ARCH DEST
  local arch=$1 dest=$2 deb suite root kver kernel log
  deb=$(lab_deb_arch "$arch"); suite=$(lab_suite "$arch")
  root="$dest.root"; log="$LAB_CACHE/logs/image-$arch.log"
  rm -rf "$root" "$dest.tmp"; mkdir -p "$dest.tmp"
  lab_say "$arch: building the guest image from $suite ($deb): linux-image-$deb, $LAB_GUEST_PACKAGES"
  lab_mmdebstrap "$deb" "$suite" "$root" "linux-image-$deb,$LAB_GUEST_PACKAGES" "$log" ||
    lab_fail "$arch" "image download failed: $(lab_mmdebstrap_cause "$log")"
  kver=$(ls "$root/usr/lib/modules" | head -n 1)
  [ -n "$kver" ] || lab_fail "$arch" "the kernel package installed no modules directory"
  # trixie puts the kernel in /boot; forky's split packages put it beside the modules.
  kernel=$(ls "$root/boot/vmlinuz-$kver" "$root/usr/lib/modules/$kver/vmlinuz" 2>/dev/null | head -n 1 || true)
  [ -n "$kernel" ] || lab_fail "$arch" "no vmlinuz for kernel $kver"
  cp "$kernel" "$dest.tmp/vmlinuz"
  echo "$kver" >"$dest.tmp/kernel-version"
  lab_trim_modules "$arch" "$root" "$kver"
  # The extract variant runs no maintainer scripts: add what they or the base system would.
  for d in bin sbin lib lib64; do
    [ -e "$root/usr/$d" ] && [ ! -e "$root/$d" ] && ln -s "usr/$d" "$root/$d"
  done
  mkdir -p "$root"/{proc,sys,dev,tmp,run,mnt,lab,results}
  rm -rf "$root/boot" "$root/var/cache/apt" "$root/var/lib/apt/lists" "$root/usr/share/doc" "$root/usr/share/man"
  cp "$(dirname "${BASH_SOURCE[0]}")/guest-init" "$root/init"
  chmod 755 "$root/init"
  ls "$root"/usr/lib/jvm/java-25-openjdk-*/bin/java >/dev/null 2>&1 || lab_fail "$arch" "openjdk-25 has no bin/java in the image"
  # An uncompressed newc archive: the kernel unpacks it fastest, and the test payload is
  # appended per run as a second archive (the kernel accepts concatenated ones).
  (cd "$root" && mknod -m 600 dev/console c 5 1 2>/dev/null; find . -print0 | cpio --null -o -H newc --quiet) >"$dest.tmp/base.cpio" ||
    lab_fail "$arch" "packing the image failed"
  rm -rf "$root"
  rm -rf "$dest"; mv "$dest.tmp" "$dest"
}

# Keeps only LAB_MODULES and their dependencies, then rebuilds modules.dep for them.
lab_trim_modules() { # ARCH ROOT KVER
  local arch=$1 root=$2 kver=$3 keep="$2.keep" m f
  local depmod=depmod modprobe=modprobe
  command -v depmod >/dev/null || { depmod=/usr/sbin/depmod; modprobe=/usr/sbin/modprobe; }
  "$depmod" -b "$root/usr" "$kver" 2>/dev/null || "$depmod" -b "$root" "$kver" ||
    lab_fail "$arch" "depmod could not read the guest's modules"
  local base="$root/usr"; [ -f "$base/lib/modules/$kver/modules.dep" ] || base="$root"
  rm -f "$keep"; touch "$keep"
  for m in $LAB_MODULES; do
    "$modprobe" -d "$base" -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" { print $2 }' >>"$keep" || true
  done
  mkdir -p "$root.mods"
  while read -r f; do
    [ -n "$f" ] || continue
    f=${f#"$base"}; f=${f#/}
    mkdir -p "$root.mods/$(dirname "$f")"; cp "$base/$f" "$root.mods/$f"
  done <"$keep"
  rm -rf "$root/usr/lib/modules/$kver/kernel"
  [ -d "$root.mods/lib/modules/$kver/kernel" ] && cp -a "$root.mods/lib/modules/$kver/kernel" "$root/usr/lib/modules/$kver/"
  rm -rf "$root.mods" "$keep"
  "$depmod" -b "$root/usr" "$kver" 2>/dev/null || "$depmod" -b "$root" "$kver" || true
}

# Builds whatever is missing for the given architectures. Sets LAB_IMAGES.
lab_ensure_images() { # ARCH...
  local key; key=$(lab_image_key)
  LAB_IMAGES="$LAB_CACHE/images-$key"
  mkdir -p "$LAB_IMAGES" "$LAB_CACHE/logs"
  MIRROR=$(lab_mirror)
  [ -d "$LAB_IMAGES/qemu" ] || lab_build_qemu "$LAB_IMAGES/qemu"
  local a
  for a in "$@"; do
    [ -f "$LAB_IMAGES/$a/base.cpio" ] || lab_build_guest "$a" "$LAB_IMAGES/$a"
  done
  # Images of an older key are stale: remove them now that this key's are whole.
  for old in "$LAB_CACHE"/images-*; do
    [ "$old" = "$LAB_IMAGES" ] || rm -rf "$old"
  done
}
