#!/usr/bin/env bash
# Installs the lab's Kafka jars (broker, storage tool, MM2, console tools, logging) from Maven
# Central into a cache, one directory per Kafka line:
#
#   ${MM2_FAILBACK_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mm2-failback}/kafka-<line>/libs/*.jar
#
# The cache lives outside the repository so that every checkout/worktree on the machine shares it.
# Idempotent: a marker file records the sha256 of the pom the jars were resolved from; when it
# matches, Maven is not even started. Editing a pom (e.g. a patch bump) re-resolves that line.
#
# A line may run MM2 from a jar set of its own, lab/kafka-<line>-mm2/pom.xml (installed with the line):
# the 4.4 line, since Maven Central serves no connect-mirror 4.4.0 (see lab/kafka-4.4/pom.xml).
#
# The Prometheus JMX exporter javaagent (jmx-exporter/pom.xml, for the monitoring integration test)
# is cached the same way in ${cache_root}/jmx-exporter/libs/.
#
# Usage: lab/install.sh [3.9] [4.1] [4.4] [jmx-exporter]        (no argument = all)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${MM2_FAILBACK_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mm2-failback}"
maven_plugin="org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"

lines=("$@")
if [ ${#lines[@]} -eq 0 ]; then lines=(3.9 4.1 4.4 jmx-exporter); fi

install_line() {
  local line="$1"
  # `jmx-exporter` is a directory of its own; anything else is a Kafka line.
  local name="kafka-$line"
  if [ "$line" = jmx-exporter ]; then name=jmx-exporter; fi
  local pom="$here/$name/pom.xml"
  if [ ! -f "$pom" ]; then
    echo "install.sh: unknown Kafka line '$line' (no $pom); known: $(cd "$here" && ls -d kafka-*/ | tr -d / | sed 's/kafka-//' | xargs) jmx-exporter" >&2
    return 2
  fi
  local dir="$cache_root/$name"
  local marker="$dir/.complete"
  local hash
  hash="$(sha256sum "$pom" | cut -d' ' -f1)"
  mkdir -p "$dir"
  # One installer per line at a time (parallel test runs, CI + a developer shell).
  exec 9>"$dir/.lock"
  flock 9
  if [ -f "$marker" ] && grep -qx "pom-sha256=$hash" "$marker"; then
    echo "$name: cached in $dir/libs ($(ls "$dir/libs" | wc -l) jars)"
    exec 9>&-
    return 0
  fi
  echo "$name: resolving $pom with Maven into $dir/libs ..."
  local start=$SECONDS
  rm -rf "$dir/libs.tmp" "$marker"
  mvn -q -B -Dstyle.color=never -f "$pom" "$maven_plugin" \
    -DoutputDirectory="$dir/libs.tmp" -DincludeScope=runtime -DoverWriteReleases=false
  rm -rf "$dir/libs"
  mv "$dir/libs.tmp" "$dir/libs"
  local version
  version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
  printf 'pom-sha256=%s\nkafka.version=%s\n' "$hash" "$version" > "$marker.tmp"
  mv "$marker.tmp" "$marker"
  echo "$name: $(ls "$dir/libs" | wc -l) jars, $(du -sh "$dir/libs" | cut -f1), in $((SECONDS - start)) s"
  exec 9>&-
}

for line in "${lines[@]}"; do
  install_line "$line"
  # A line whose MM2 runs from a jar set of its own (lab/kafka-<line>-mm2, see lab/kafka-4.4/pom.xml).
  if [ "$line" != jmx-exporter ] && [ -f "$here/kafka-$line-mm2/pom.xml" ]; then install_line "$line-mm2"; fi
done
