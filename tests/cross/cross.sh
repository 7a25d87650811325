#!/usr/bin/env bash
# Windows and macOS from this Linux machine, in a Debian sid root (tests/roots.sh): its Rust ships
# the standard library's source, so cargo's -Zbuild-std builds std for any target, and it has
# mingw-w64 and Wine 10 (Debian 12's Wine 8 cannot start Rust programs: no bcryptprimitives.dll).
#
#   cross.sh check              the whole workspace, all targets, type-checked for
#                               x86_64-pc-windows-gnu and aarch64-apple-darwin; any warning fails
#   cross.sh build-windows-cli  links scim-wizard-cli.exe and prints its path on the host
#   cross.sh wine ARGS...       runs that .exe under Wine with ARGS (the CLI's end-to-end test
#                               uses this as its CLI); SCW_* and SCIM_WIZARD_* pass through
#
# The cross target dir is $SCIM_WIZARD_CROSS_TARGET (default ~/.cache/scim-wizard/cross-target),
# reused when present. Crates come from the host's cargo registry, mounted into the root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=../roots.sh
source "$repo/tests/roots.sh"

cross_target=${SCIM_WIZARD_CROSS_TARGET:-$HOME/.cache/scim-wizard/cross-target}
registry=${CARGO_HOME:-$HOME/.cargo}/registry
packages="rustc cargo rust-src gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 clang pkg-config ca-certificates wine wine64"
windows=x86_64-pc-windows-gnu
mkdir -p "$cross_target"
macos=aarch64-apple-darwin

sid_root() {
  roots_preflight cross-check
  ensure_root sid-cross sid "$packages"
}

# cargo in the root, in the checkout, with the cross target dir and the host's crates.
root_cargo() {
  local root=$1
  shift
  mkdir -p "$cross_target" "$registry"
  in_root "$root" "$repo:/src $cross_target:/target $registry:/cargo/registry" \
    env -i PATH=/usr/bin:/bin HOME=/root CARGO_HOME=/cargo CARGO_TARGET_DIR=/target \
    RUSTC_BOOTSTRAP=1 CARGO_TERM_COLOR=never CARGO_TERM_PROGRESS_WHEN=never \
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
    CC_aarch64_apple_darwin=clang AR_aarch64_apple_darwin=ar \
    CFLAGS_aarch64_apple_darwin="-nostdlibinc -ffreestanding -I/src/tests/cross/apple-stubs" \
    "$@"
}

# cargo check TARGET: fails on an error or on any warning, saying which.
check_target() {
  local root=$1 target=$2 log=$cross_target/check-$2.log
  echo "cross-check: $target (the whole workspace, all targets)"
  if ! root_cargo "$root" bash -c "cd /src && cargo check --locked -Zbuild-std=std,panic_abort \
      --target $target --workspace --all-targets --features scim-wizard/custom-protocol \
      --message-format short" >"$log" 2>&1; then
    grep -m 3 -E '^(error|[^ ]+: error)' "$log" >&2 || tail -n 5 "$log" >&2
    die "the workspace does not type-check for $target (the whole log: $log)."
  fi
  if grep -qE '^([^ ]+: )?warning' "$log"; then
    grep -m 3 -E '^([^ ]+: )?warning' "$log" >&2
    die "the workspace has warnings for $target (the whole log: $log)."
  fi
}

case "${1:-}" in
  check)
    [ -f "$repo/ui/dist/index.html" ] || die "ui/dist is missing: run 'make cross-check' (it builds the UI first)."
    root=$(sid_root)
    check_target "$root" "$windows"
    check_target "$root" "$macos"
    echo "cross-check: the workspace type-checks for $windows and $macos with no warning."
    ;;
  build-windows-cli)
    root=$(sid_root)
    log=$cross_target/build-windows-cli.log
    if ! root_cargo "$root" bash -c "cd /src && cargo build --locked -Zbuild-std=std,panic_abort \
        --target $windows -p scim-wizard-cli" >"$log" 2>&1; then
      grep -m 3 -E '^error' "$log" >&2 || tail -n 5 "$log" >&2
      die "scim-wizard-cli.exe did not build (the whole log: $log)."
    fi
    echo "$cross_target/$windows/debug/scim-wizard-cli.exe"
    ;;
  wine)
    shift
    # The test names a Wine prefix on the host; Wine must not see the host's HOME, TMPDIR or XDG
    # folders (Wine 10 aborts while making a prefix when TMPDIR is set).
    prefix=${SCIM_WIZARD_WINE_PREFIX:?the Wine prefix folder, on the host}
    exe=$cross_target/$windows/debug/scim-wizard-cli.exe
    [ -f "$exe" ] || die "$exe is missing: run 'cross.sh build-windows-cli' first."
    root=$ROOTS/sid-cross
    [ -f "$root/.scim-wizard-root" ] || die "the sid root is missing: run 'make cross-test'."
    mkdir -p "$prefix"
    passed=()
    while IFS='=' read -r name value; do
      case "$name" in
        SCIM_WIZARD_WINE_PREFIX|SCIM_WIZARD_CROSS_TARGET|SCIM_WIZARD_ROOTS) ;;
        SCW_*|SCIM_WIZARD_*|NO_COLOR) passed+=("$name=$value") ;;
      esac
    done < <(env)
    mkdir -p "$root/wine/home"
    in_root "$root" "$prefix:/wine/prefix $cross_target/$windows/debug:/wine/bin" \
      env -i PATH=/usr/bin:/bin HOME=/wine/home XDG_RUNTIME_DIR=/tmp WINEPREFIX=/wine/prefix \
      WINESERVER=/usr/lib/x86_64-linux-gnu/wine/wineserver \
      WINEDEBUG=-all "${passed[@]}" sh -c '
        wine /wine/bin/scim-wizard-cli.exe "$@"
        status=$?
        # Wine writes the registry (where the Credential Manager keeps its entries) to the
        # prefix when its server stops: wait for that, so the files are whole when this returns.
        "$WINESERVER" -w
        exit $status' wine "$@"
    ;;
  *)
    die "usage: $0 check | build-windows-cli | wine ARGS..."
    ;;
esac
