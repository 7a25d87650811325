#!/usr/bin/env bash
# Desktop benchmark: first paint, memory (PSS of the app and its WebKit processes) and release
# binary size of the wizard, side by side with a hello-world Tauri app built in the same run with
# the same profile. Run through `make bench` (inside tests/session.sh: Xvfb + D-Bus).
# Usage: tests/bench/app.sh WIZARD_BINARY HELLO_BINARY [ROUNDS]
#
# Method (the same for both apps: same Xvfb screen, window size, environment and session):
#   - one untimed warm-up launch of each, so both start with their files in the page cache and
#     with Mesa's shader cache (in the session's XDG_CACHE_HOME) filled, as on a second launch;
#   - then ROUNDS rounds, each launching both apps one after the other, alternating which goes
#     first (wizard-hello, hello-wizard, ...), so the load of the machine (other builds) falls on
#     both alike;
#   - first paint: ms from just before exec until a capture of the screen shows rendered text
#     (more than 16 colours: antialiased glyphs), polled every 10 ms by tests/bench/firstpaint.c;
#   - whole first screen drawn: the probe keeps watching for 3 s and gives the time of the last
#     change on screen (so a first paint that shows only part of the page is not mistaken for
#     the whole of it);
#   - memory: summed PSS of the app and all its descendants (WebKit network and web processes),
#     3 s after first paint;
#   - medians, with min-max; the ratio of the medians and the median of the per-round ratios;
#     the load average (1 min) during the runs.
set -euo pipefail

wizard=$1
hello=$2
rounds=${3:-7}
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-${CARGO_TARGET_DIR:-/tmp}/bench}
mkdir -p "$out"

for tool in cc import; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is missing; run 'make bench' (it installs what is needed)." >&2; exit 2; }
done
[ -n "${DISPLAY:-}" ] || { echo "error: no DISPLAY: run this through tests/session.sh" >&2; exit 2; }

probe=$out/firstpaint
if [ ! -x "$probe" ] || [ "$here/firstpaint.c" -nt "$probe" ]; then
  cc -O2 -o "$probe" "$here/firstpaint.c" -lXext -lX11 \
    || { echo "error: could not build the first-paint probe (needs libx11-dev and libxext-dev)." >&2; exit 2; }
fi

descendants() {
  local pid=$1 child
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

load1() { cut -d' ' -f1 /proc/loadavg; }

# Stops the app and every process it started, and waits until the screen is empty again.
stop() {
  local pid=$1 tree
  tree=$(descendants "$pid")
  # shellcheck disable=SC2086
  kill $tree 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    # shellcheck disable=SC2086
    ps -o pid= -p "$(echo $tree | tr ' ' ,)" >/dev/null 2>&1 || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -9 $tree 2>/dev/null || true
  "$probe" "${EPOCHREALTIME/./}" 1 >/dev/null 2>&1 && { echo "error: the screen still shows text after the app stopped" >&2; exit 1; }
  sleep 0.5
}

# WebKit processes that are not ours (another app or test on this machine): they share library
# pages with ours, which lowers our PSS, so such runs are flagged.
foreign_webkit() {
  local pid=$1 mine other
  mine=" $(descendants "$pid" | tr '\n' ' ') "
  for other in $(pgrep -f 'WebKit(Web|Network)Process' || true); do
    case $mine in *" $other "*) ;; *) echo 1; return ;; esac
  done
  echo 0
}

# One launch: prints "<first paint ms> <visually complete ms> <PSS KiB> <load> <1 if foreign
# WebKit processes ran>". With SHOTS (a path prefix), it also saves the screen at first paint and
# 3 s later (the warm-up launch, whose figures are not counted).
measure() {
  local name=$1 binary=$2 shots=${3:-} started pid times painted complete memory foreign
  started=${EPOCHREALTIME/./}
  "$binary" >"$out/$name.log" 2>&1 &
  pid=$!
  if [ -n "$shots" ]; then
    times=$("$probe" "$started" 20000 16 3000 "$shots-first-paint.ppm") || times="timeout timeout"
    convert "$shots-first-paint.ppm" "$shots-first-paint.png" 2>/dev/null && rm -f "$shots-first-paint.ppm"
    import -silent -window root "$shots.png" 2>/dev/null || true
  else
    # Watches the screen for 3 s after first paint; the memory is read after that.
    times=$("$probe" "$started" 20000 16 3000) || times="timeout timeout"
  fi
  read -r painted complete <<<"$times"
  memory=$(pss_kib "$pid")
  foreign=$(foreign_webkit "$pid")
  stop "$pid"
  echo "$painted $complete $memory $(load1) $foreign"
}

# median, min and max of the numbers on stdin.
stats() { sort -n | awk '{a[NR]=$1} END {printf "%s %s %s\n", a[int((NR+1)/2)], a[1], a[NR]}'; }

declare -A paints completes memories last_paint last_complete last_memory
loads=() paint_ratios=() complete_ratios=() memory_ratios=() shared=0
echo "warm-up (not counted): wizard, hello; load $(load1)" >&2
measure wizard "$wizard" "$out/wizard" >/dev/null
measure hello "$hello" "$out/hello" >/dev/null
for round in $(seq 1 "$rounds"); do
  order="wizard hello"
  [ $((round % 2)) = 0 ] && order="hello wizard"
  for name in $order; do
    binary=$wizard; [ "$name" = hello ] && binary=$hello
    read -r p c m l f < <(measure "$name" "$binary")
    [ -z "$p" ] && { echo "error: measuring $name failed" >&2; exit 1; }
    [ "$p" = timeout ] && { echo "error: $name never painted (log: $out/$name.log)" >&2; exit 1; }
    paints[$name]+="$p "; completes[$name]+="$c "; memories[$name]+="$m "; loads+=("$l")
    last_paint[$name]=$p; last_complete[$name]=$c; last_memory[$name]=$m
    [ "${f:-0}" = 1 ] && shared=$((shared + 1))
    echo "round $round: $name first paint $p ms, complete $c ms, PSS $((m / 1024)) MiB, load $l$([ "${f:-0}" = 1 ] && echo ", other WebKit processes running")" >&2
  done
  # The ratio within a round compares two launches made seconds apart, under the same load.
  paint_ratios+=("$(awk -v a="${last_paint[wizard]}" -v b="${last_paint[hello]}" 'BEGIN { printf "%.2f", a / b }')")
  complete_ratios+=("$(awk -v a="${last_complete[wizard]}" -v b="${last_complete[hello]}" 'BEGIN { printf "%.2f", a / b }')")
  memory_ratios+=("$(awk -v a="${last_memory[wizard]}" -v b="${last_memory[hello]}" 'BEGIN { printf "%.2f", a / b }')")
done

read -r pw pw_lo pw_hi < <(printf '%s\n' ${paints[wizard]} | stats)
read -r ph ph_lo ph_hi < <(printf '%s\n' ${paints[hello]} | stats)
read -r cw cw_lo cw_hi < <(printf '%s\n' ${completes[wizard]} | stats)
read -r ch ch_lo ch_hi < <(printf '%s\n' ${completes[hello]} | stats)
read -r mw mw_lo mw_hi < <(printf '%s\n' ${memories[wizard]} | stats)
read -r mh mh_lo mh_hi < <(printf '%s\n' ${memories[hello]} | stats)
read -r l l_lo l_hi < <(printf '%s\n' "${loads[@]}" | stats)
read -r rp rp_lo rp_hi < <(printf '%s\n' "${paint_ratios[@]}" | stats)
read -r rc rc_lo rc_hi < <(printf '%s\n' "${complete_ratios[@]}" | stats)
read -r rm rm_lo rm_hi < <(printf '%s\n' "${memory_ratios[@]}" | stats)

size_wizard=$(stat -c %s "$wizard")
size_hello=$(stat -c %s "$hello")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }

cat <<TABLE
| measure (median of $rounds, min–max) | wizard | hello-world Tauri | ratio of medians | ratio per round | goal |
| --- | --- | --- | --- | --- | --- |
| first paint | $pw ms ($pw_lo–$pw_hi) | $ph ms ($ph_lo–$ph_hi) | $(ratio "$pw" "$ph") | $rp ($rp_lo–$rp_hi) | ≤ 1.15 |
| whole first screen drawn | $cw ms ($cw_lo–$cw_hi) | $ch ms ($ch_lo–$ch_hi) | $(ratio "$cw" "$ch") | $rc ($rc_lo–$rc_hi) | |
| PSS of all processes | $((mw / 1024)) MiB ($((mw_lo / 1024))–$((mw_hi / 1024))) | $((mh / 1024)) MiB ($((mh_lo / 1024))–$((mh_hi / 1024))) | $(ratio "$mw" "$mh") | $rm ($rm_lo–$rm_hi) | ≤ 1.15 |
| release binary | $(mib "$size_wizard") | $(mib "$size_hello") | | | ≤ 12 MiB |

Load average (1 min) during the runs: median $l, $l_lo–$l_hi on $(nproc) cores. Screens at first paint: $out/wizard-first-paint.png, $out/hello-first-paint.png; 3 s later: $out/wizard.png, $out/hello.png.
TABLE
if [ "$shared" -gt 0 ]; then
  echo "Warning: in $shared of $((rounds * 2)) launches other WebKit processes were running on this machine; they share library pages with the measured ones, so PSS reads low there."
fi
