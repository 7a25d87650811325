#!/usr/bin/env bash
# Runs a command the way the test suites need it, and leaves nothing behind:
#   - a throw-away HOME and XDG dirs, so no real keychain, config or journal is touched;
#   - a private D-Bus session with gnome-keyring unlocked (a real Secret Service for the vault);
#   - an Xvfb display for the desktop app.
# Usage: tests/session.sh COMMAND [ARGS...]
set -euo pipefail

for tool in dbus-run-session gnome-keyring-daemon xvfb-run; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: '$tool' is missing; run 'make test-deps' (it installs the test tools)." >&2
    exit 2
  fi
done

# Keep the toolchains where they are before HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export npm_config_cache="${npm_config_cache:-$HOME/.npm}"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/scim-wizard-session.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/data" "$scratch/config" "$scratch/cache" "$scratch/runtime" "$scratch/tmp"
chmod 700 "$scratch/runtime"
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" \
  XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/runtime" SCIM_WIZARD_TEST_TMPDIR="$scratch/tmp"
unset DBUS_SESSION_BUS_ADDRESS DISPLAY
# No accessibility bus: it would only add daemons to the throw-away session.
export NO_AT_BRIDGE=1

# dbus-run-session prints a harmless fd-limit warning as root; keep stderr otherwise intact.
exec dbus-run-session -- bash -c '
  set -euo pipefail
  # The password only unlocks this throw-away login keyring.
  printf "test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$@"
' session "$@" 2> >(grep -v -e "Failed to set fd limit" -e "^dbus-daemon\[" >&2)
