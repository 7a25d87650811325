#!/usr/bin/env bash
# Desktop benchmark: first paint, memory (PSS of the app and its WebKit processes) and release
# binary size of the wizard, side by side with a hello-world Tauri app built in the same run with
# the same profile. Run through `make bench` (inside tests/session.sh: Xvfb + D-Bus).
# Usage: tests/bench/app.sh WIZARD_BINARY HELLO_BINARY [RUNS]
set -euo pipefail

wizard=$1
hello=$2
runs=${3:-3}
for tool in import identify; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is missing; run 'make bench' (it installs imagemagick)." >&2; exit 2; }
done
[ -n "${DISPLAY:-}" ] || { echo "error: no DISPLAY: run this through tests/session.sh" >&2; exit 2; }

now_ms() { date +%s%3N; }

descendants() {
  local pid=$1
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
    descendants "$child"
  done
}

pss_kib() {
  local total=0 pid value
  for pid in $(descendants "$1"); do
    value=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${value:-0}))
  done
  echo "$total"
}

# Milliseconds from exec until the screen shows rendered text (many distinct colours: the
# antialiased glyphs of the page), then the PSS 3 s later.
measure() {
  local binary=$1 started pid colours painted=""
  started=$(now_ms)
  "$binary" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 400); do
    colours=$(import -silent -window root -depth 8 png:- 2>/dev/null | identify -format '%k' - 2>/dev/null || echo 0)
    if [ "${colours:-0}" -gt 16 ]; then
      painted=$(( $(now_ms) - started ))
      break
    fi
    sleep 0.02
  done
  sleep 3
  local memory
  memory=$(pss_kib "$pid")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  sleep 0.5
  echo "${painted:-timeout} $memory"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A paint pss
for name in wizard hello; do
  binary=$wizard; [ "$name" = hello ] && binary=$hello
  paints=() memories=()
  for _ in $(seq 1 "$runs"); do
    read -r p m < <(measure "$binary")
    [ "$p" = timeout ] && { echo "error: $name never painted" >&2; exit 1; }
    paints+=("$p"); memories+=("$m")
  done
  paint[$name]=$(printf '%s\n' "${paints[@]}" | median)
  pss[$name]=$(printf '%s\n' "${memories[@]}" | median)
done

size_wizard=$(stat -c %s "$wizard")
size_hello=$(stat -c %s "$hello")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }

cat <<TABLE
| measure (median of $runs) | wizard | hello-world Tauri | ratio | goal |
| --- | --- | --- | --- | --- |
| first paint | ${paint[wizard]} ms | ${paint[hello]} ms | $(ratio "${paint[wizard]}" "${paint[hello]}") | ≤ 1.15 |
| PSS of all processes | $((pss[wizard] / 1024)) MiB | $((pss[hello] / 1024)) MiB | $(ratio "${pss[wizard]}" "${pss[hello]}") | ≤ 1.15 |
| release binary | $(mib "$size_wizard") | $(mib "$size_hello") | | ≤ 12 MiB |
TABLE
