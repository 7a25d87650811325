#!/usr/bin/env bash
# The install test: the .deb as an admin gets it, in a clean Debian 12.
#   1. apt-get install ./scim-wizard_*.deb resolves every dependency from Debian's own packages;
#   2. the installed scim-wizard opens its window (Xvfb, a D-Bus session) and shows the welcome
#      screen: a screenshot, kept in dist/install-test/, must show the app's words (OCR) and the
#      window's WM_CLASS must be the desktop entry's StartupWMClass;
#   3. scim-wizard-cli --version and scim-wizard-cli sandbox work from the package;
#   4. apt-get purge leaves none of the package's files behind.
# Each run installs into a fresh copy of a base root kept in $SCIM_WIZARD_ROOTS (see tests/roots.sh);
# downloaded packages are kept beside it, so a second run downloads nothing new.
# Usage: tests/install/debian.sh dist/scim-wizard_VERSION_amd64.deb
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../roots.sh
source "$repo/tests/roots.sh"

[ $# -eq 1 ] && [ -f "$1" ] || die "usage: $0 dist/scim-wizard_VERSION_amd64.deb (run 'make install-test', which builds it first)."
deb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
roots_preflight install-test
for tool in Xvfb xprop import tesseract curl; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing: run 'make install-test' (it installs the test tools first)."
done
version=$(dpkg-deb -f "$deb" Version)
out=$repo/dist/install-test
rm -rf "$out" && mkdir -p "$out"
log=$out/install-test.log
: >"$log"
step() { echo "install test: $*"; echo "== $*" >>"$log"; }

base=$(ensure_root bookworm-base bookworm "")
archives=$ROOTS/bookworm-archives
mkdir -p "$archives/partial"

step "copying the clean Debian 12 root"
root=$(mktemp -d "$ROOTS/.install-test.XXXXXX")
display_pid=""
cleanup() {
  kill_root_processes "$root"
  [ -z "$display_pid" ] || kill "$display_pid" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
cp -a "$base/." "$root/"
mkdir -p "$root/tmp/.X11-unix" "$root/tmp/install"
cp "$deb" "$root/tmp/install/"
binds="$archives:/var/cache/apt/archives /tmp/.X11-unix:/tmp/.X11-unix"
run() { in_root "$root" "$binds" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

step "apt-get install ./$(basename "$deb")"
run apt-get "${APT_OPTS[@]}" update -qq >>"$log" 2>&1 || die "apt-get update failed in the root (see $log): can this machine reach $DEBIAN_MIRROR?"
run dpkg-query -W -f='${binary:Package}\n' | sort >"$out/before.txt"
if ! run env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y \
    "/tmp/install/$(basename "$deb")" >>"$log" 2>&1; then
  reason=$(grep -m1 -E '^ [^ ].*: (Pre)?Depends: |^E: ' "$log" | sed 's/^ *//' || true)
  die "the package did not install in a clean Debian 12${reason:+ ($reason)}; apt's words are in $log."
fi
run dpkg-query -W -f='${Status}' scim-wizard | grep -q 'install ok installed' || die "apt-get did not leave scim-wizard installed (see $log)."
run dpkg -L scim-wizard >"$out/files.txt"
added=$(($(run dpkg-query -W -f='${binary:Package}\n' | wc -l) - $(wc -l <"$out/before.txt")))

step "scim-wizard-cli --version"
cli_version=$(run scim-wizard-cli --version 2>>"$log") || die "the installed scim-wizard-cli does not run (see $log)."
grep -qF "$version" <<<"$cli_version" || die "scim-wizard-cli --version says '$cli_version', not $version."

step "scim-wizard-cli sandbox"
fifo=$root/tmp/sandbox.out
mkfifo "$fifo"
run sh -c 'exec scim-wizard-cli sandbox --port 0 >/tmp/sandbox.out 2>/dev/null' &
sandbox_pid=$!
read -r -t 30 ready <"$fifo" || { kill "$sandbox_pid" 2>/dev/null; die "scim-wizard-cli sandbox printed nothing within 30 s."; }
control=$(sed -n 's/.*"control":"\([^"]*\)".*/\1/p' <<<"$ready")
[ -n "$control" ] || { kill "$sandbox_pid"; die "scim-wizard-cli sandbox did not say where it listens: $ready"; }
organization=$(curl -fsS --noproxy '*' --max-time 10 "$control/seed" | sed -n 's/.*"organization_id":"\([^"]*\)".*/\1/p') || true
kill "$sandbox_pid" 2>/dev/null || true
wait "$sandbox_pid" 2>/dev/null || true
[ -n "$organization" ] || die "the installed sandbox does not answer at $control/seed."

step "scim-wizard opens its window"
# A display of its own: Xvfb picks a free number and writes it to fd 3.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$out/display" >>"$log" 2>&1 &
display_pid=$!
for _ in $(seq 1 50); do [ -s "$out/display" ] && break; sleep 0.2; done
[ -s "$out/display" ] || die "Xvfb did not start (see $log)."
export DISPLAY=:$(tr -d '\n' <"$out/display")
run sh -c "mkdir -p /tmp/home /tmp/runtime && chmod 700 /tmp/runtime && exec env HOME=/tmp/home XDG_RUNTIME_DIR=/tmp/runtime \
  DISPLAY=$DISPLAY NO_AT_BRIDGE=1 dbus-run-session -- scim-wizard" >>"$log" 2>&1 &
app_pid=$!
window=""
for _ in $(seq 1 60); do
  window=$(xwininfo -root -tree 2>/dev/null | awk '/"Scaleway SCIM Wizard"/ { print $1; exit }')
  [ -n "$window" ] && break
  kill -0 "$app_pid" 2>/dev/null || die "the installed scim-wizard exited before opening its window (see $log)."
  sleep 0.5
done
[ -n "$window" ] || die "the installed scim-wizard opened no window within 30 s (see $log)."
wm_class=$(xprop -id "$window" WM_CLASS)
startup_class=$(run sed -n 's/^StartupWMClass=//p' /usr/share/applications/scim-wizard.desktop)
grep -qF "\"$startup_class\"" <<<"$wm_class" || die "the window's $wm_class does not match the desktop entry's StartupWMClass=$startup_class."

# The welcome screen is drawn once its words can be read off the screen (OCR reads a grey copy
# at twice the size much better than the screenshot itself).
welcome_words=("Scaleway SCIM Wizard" "Connect my accounts" "Practice in the sandbox")
shows_welcome() { for words in "${welcome_words[@]}"; do grep -qiF "$words" <<<"$text" || return 1; done; }
text=""
for _ in $(seq 1 30); do
  sleep 1
  import -window root "$out/welcome.png" 2>>"$log" || continue
  convert "$out/welcome.png" -resize 200% -colorspace Gray "$out/ocr.png" 2>>"$log" || continue
  text=$(tesseract "$out/ocr.png" - 2>/dev/null | tr '\n' ' ')
  shows_welcome && break
done
rm -f "$out/ocr.png"
shows_welcome || die "the screenshot ($out/welcome.png) does not show the welcome screen's words; it reads: ${text:0:200}"
kill_root_processes "$root"
wait "$app_pid" 2>/dev/null || true

step "apt-get purge scim-wizard"
run env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" purge -y scim-wizard >>"$log" 2>&1 || die "apt-get purge failed (see $log)."
left=""
while read -r path; do
  [ -n "$path" ] || continue
  # Folders shared with other packages stay; anything of ours (a file, or a folder only we own) goes.
  if [ -e "$root$path" ] && ! [ -d "$root$path" ]; then left=$path; break; fi
  case "$path" in */scim-wizard|*/scim-wizard/*) [ -e "$root$path" ] && { left=$path; break; } ;; esac
done <"$out/files.txt"
[ -z "$left" ] || die "apt-get purge left $left behind."
! run dpkg-query -W scim-wizard >/dev/null 2>&1 || die "dpkg still knows scim-wizard after the purge (config files left?)."

echo "install test: passed: installed with $added packages from Debian, window and welcome screen seen ($out/welcome.png), CLI and sandbox ran, purge left nothing."
