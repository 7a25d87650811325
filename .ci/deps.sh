#!/usr/bin/env bash
# Installs what `make run` (and, with --test, --dist, --install-test or --cross, the other targets)
# needs on a fresh Debian machine, and says nothing when everything is already there. Each failure
# is one line saying what to do.
set -euo pipefail

# --test: also the tools the test suites use; --dist: the packaging tools of `make dist`;
# --install-test and --cross: what the install test and the Windows/macOS checks need on the host
# (each of those makes its own Debian root for the rest).
mode=${1:-}
want_test=0
[ "$mode" = "--test" ] && want_test=1

die() { echo "error: $*" >&2; exit 2; }

# The WebKitGTK 4.1 build set for Tauri 2.
build_packages=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev
  librsvg2-dev libayatana-appindicator3-dev libxdo-dev)
# Headless desktop testing: display, WebDriver, keyring, clipboard.
test_packages=(xvfb xauth webkit2gtk-driver gnome-keyring dbus-x11 keyutils xclip
  # The packaging checks (tests/tests/packaging.rs) run the validators and the shipping scripts.
  desktop-file-utils appstream rpm binutils debootstrap curl)

# Checking the .deb and .rpm: the desktop entry and metainfo validators, rpm, dpkg-shlibdeps.
dist_packages=(desktop-file-utils appstream rpm dpkg-dev binutils)
# The install test: a Debian root, a display, screenshots read back as text.
install_test_packages=(debootstrap curl xvfb x11-utils imagemagick tesseract-ocr)
cross_packages=(debootstrap curl)

packages=("${build_packages[@]}")
case "$mode" in
  "") ;;
  --test) packages+=("${test_packages[@]}") ;;
  --dist) packages+=("${dist_packages[@]}") ;;
  --install-test) packages+=("${dist_packages[@]}" "${install_test_packages[@]}") ;;
  --cross) packages+=("${cross_packages[@]}") ;;
  *) die "unknown option $mode (expected --test, --dist, --install-test or --cross)." ;;
esac

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
  done
elif ! pkg-config --exists webkit2gtk-4.1 2>/dev/null; then
  die "WebKitGTK 4.1 development files are missing and this is not Debian/Ubuntu: install your distribution's webkit2gtk-4.1 and gtk3 development packages (see https://v2.tauri.app/start/prerequisites/)."
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no sudo: run 'apt-get install ${missing[*]}' as root."
    sudo="sudo"
  fi
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/scim-wizard-apt.log 2>&1; then
    $sudo apt-get update -qq >/tmp/scim-wizard-apt.log 2>&1 || die "apt-get update failed (see /tmp/scim-wizard-apt.log): check your network or apt sources."
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/scim-wizard-apt.log 2>&1 \
      || die "apt-get could not install ${missing[*]} (see /tmp/scim-wizard-apt.log)."
  fi
fi

command -v cargo >/dev/null 2>&1 || die "Rust is missing: install it with rustup (https://rustup.rs), then run make again."
command -v node >/dev/null 2>&1 || die "Node.js is missing: install Node.js 20 or newer (e.g. 'apt-get install nodejs npm'), then run make again."
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: install Node.js 20 or newer."
command -v npm >/dev/null 2>&1 || die "npm is missing: install it (e.g. 'apt-get install npm')."

if [ "$want_test" = 1 ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "Installing tauri-driver 2.x (WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --locked --version '^2.1' --quiet || die "could not install tauri-driver: run 'cargo install tauri-driver --locked --version ^2.1' to see why."
fi
exit 0
