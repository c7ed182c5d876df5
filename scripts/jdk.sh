# Sourced by ./iomem, .ci/run, bench/run and scripts/*: finds a JDK 25 or later and exports
# JAVA_HOME, or fails with one line that says how to get one. The default `java` on the
# project's machines is 17, so PATH is not trusted.
iomem_java_major() { # JAVA_HOME-like dir -> major version, or nothing
  local rel="$1/release" v=""
  if [ -f "$rel" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$rel" | head -n 1)
  elif [ -x "$1/bin/java" ]; then
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9][0-9]*\).*/\1/p' | head -n 1)
  fi
  [ -x "$1/bin/javac" ] && echo "$v"
}

iomem_find_jdk() {
  local need=25 best="" best_v=0 d v
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(iomem_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then return 0; fi
  fi
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* /usr/java/* \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$d" ] || continue
    v=$(iomem_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge "$need" ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(iomem_java_major "$d")
    if [ -n "$v" ] && [ "$v" -ge "$need" ]; then best="$d"; fi
  fi
  if [ -z "$best" ]; then
    echo "iomem: needs a JDK $need or later (java.lang.foreign), found none (JAVA_HOME=${JAVA_HOME:-unset}, searched /usr/lib/jvm, /opt/java, ~/.sdkman, ~/.jdks); install one, e.g. Temurin $need from https://adoptium.net or 'sdk install java 25-tem', and set JAVA_HOME to it" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

iomem_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
# Maven itself (guava, jansi) calls sun.misc.Unsafe; JDK 25 warns about it on every run.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
