#!/usr/bin/env bash
# What each Linux package must carry, checked on the built files (`make dist` runs it last):
# both programs, the desktop entry and AppStream metainfo (each passing its validator), every
# hicolor icon size, the run-time dependencies of what the binaries link and nothing built-only,
# the sandbox's control routes in the CLI and not in the app, the same content and requirements in
# the .rpm as in the .deb, and at most 8 MiB each.
# Usage: check.sh PACKAGE.deb PACKAGE.rpm
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
die() { echo "error: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: $0 PACKAGE.deb PACKAGE.rpm"
deb=$1 rpm=$2
for tool in dpkg-deb desktop-file-validate appstreamcli rpm objdump; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing: run 'make dist-deps' (it installs the packaging tools)."
done
work=$(mktemp -d "${TMPDIR:-/tmp}/scim-wizard-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
max_bytes=$((8 * 1024 * 1024))
desktop=usr/share/applications/scim-wizard.desktop
metainfo=usr/share/metainfo/io.github.scim_wizard.metainfo.xml

# The icon sizes the package must carry: those listed for the bundler, plus the scalable one.
mapfile -t icon_sizes < <(sed -n 's|.*icons/hicolor/\([0-9]*x[0-9]*\)\.png.*|\1|p' "$here/bundle.conf.json")
[ ${#icon_sizes[@]} -ge 9 ] || die "packaging/linux/bundle.conf.json lists ${#icon_sizes[@]} icon sizes; every hicolor size from 16x16 to 512x512 is expected."
expected=(usr/bin/scim-wizard usr/bin/scim-wizard-cli "$desktop" "$metainfo"
  usr/share/icons/hicolor/scalable/apps/scim-wizard.svg)
for size in "${icon_sizes[@]}"; do expected+=("usr/share/icons/hicolor/$size/apps/scim-wizard.png"); done

# --- .deb -------------------------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = scim-wizard ] || die "$deb: package name is '$(field Package)', not scim-wizard."
[ "$(field Version)" = "$version" ] || die "$deb: version $(field Version), but Cargo.toml says $version."
dpkg-deb -x "$deb" "$work/deb"
deb_files=$(cd "$work/deb" && find . -type f | sed 's|^\./||' | sort)
for file in "${expected[@]}"; do
  grep -qxF "$file" <<<"$deb_files" || die "$deb does not carry /$file."
done

# Each icon is the size its folder says (PNG: width and height are big-endian at bytes 16-23).
for size in "${icon_sizes[@]}"; do
  png=$work/deb/usr/share/icons/hicolor/$size/apps/scim-wizard.png
  read -r w h < <(od -An -tu1 -j16 -N8 "$png" | awk '{ print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')
  [ "${w}x${h}" = "$size" ] || die "the $size icon is ${w}x${h}: regenerate icons/hicolor (see icons/README.md)."
done

out=$(desktop-file-validate "$work/deb/$desktop" 2>&1) || die "the desktop entry is invalid: $(head -n 1 <<<"$out")"
[ -z "$out" ] || die "desktop-file-validate: $(head -n 1 <<<"$out")"
for key in Name GenericName Comment Categories Keywords Icon StartupWMClass; do
  grep -q "^$key=." "$work/deb/$desktop" || die "the desktop entry has no $key."
done
# The window's WM_CLASS instance is the binary's name (GTK takes it from argv[0]); the install
# test checks it against the live window.
grep -qx 'StartupWMClass=scim-wizard' "$work/deb/$desktop" || die "the desktop entry's StartupWMClass is not scim-wizard, the window's WM_CLASS."
grep -qx 'Exec=scim-wizard' "$work/deb/$desktop" || die "the desktop entry does not start scim-wizard."

out=$(appstreamcli validate --no-net "$work/deb/$metainfo" 2>&1) || die "the AppStream metainfo is invalid: $(grep -m1 -E '^[EW]:' <<<"$out" || tail -n 1 <<<"$out")"
newest=$(grep -o '<release version="[^"]*"' "$work/deb/$metainfo" | head -n 1 | cut -d'"' -f2)
[ "$newest" = "$version" ] || die "the metainfo's newest release is $newest, but the version is $version: add a <release> to packaging/linux/io.github.scim_wizard.metainfo.xml."
for shot in $(grep -o 'docs/screenshots/[a-z_-]*\.png' "$work/deb/$metainfo"); do
  [ -f "$repo/$shot" ] || die "the metainfo shows $shot, which is not in the repository."
done

"$work/deb/usr/bin/scim-wizard-cli" --version | grep -qF "$version" || die "the packaged scim-wizard-cli does not report version $version."

# The sandbox's test-only control routes (faults, time travel, reset, its seed): in the CLI, whose
# `sandbox` serves the test suites, never in the app, whose practice sandbox nothing else on the
# computer may steer (crates/sandbox/Cargo.toml, feature `control`). One route path, as bytes; the
# CLI must have it, which shows the probe still finds what it looks for.
control_route=/time-travel
if grep -qaF -- "$control_route" "$work/deb/usr/bin/scim-wizard"; then
  die "the packaged app carries the sandbox's control routes ($control_route): build scim-wizard in a cargo run of its own, without the sandbox's 'control' feature."
fi
grep -qaF -- "$control_route" "$work/deb/usr/bin/scim-wizard-cli" \
  || die "the packaged scim-wizard-cli has no sandbox control route ($control_route): the probe for them in check.sh is out of date."

# Dependencies: every library the binaries link comes from a package the .deb depends on; the
# session bus, the browser opener and WebKitGTK are there; nothing built-only (-dev) is.
depends=$(field Depends)
dep_names=$(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*)//; s/ //g' | sed '/^$/d' | sort -u)
mapfile -t sonames < <(for binary in scim-wizard scim-wizard-cli; do
  objdump -p "$work/deb/usr/bin/$binary" | awk '$1 == "NEEDED" { print $2 }'
done | sort -u)
for soname in "${sonames[@]}"; do
  owner=$(dpkg -S "*/$soname" 2>/dev/null | grep -v -- '-dev' | head -n 1 | cut -d: -f1)
  [ -n "$owner" ] || die "no installed package provides $soname, which the binaries link."
  grep -qxF "$owner" <<<"$dep_names" || die "the .deb links $soname (from $owner) but does not depend on $owner."
done
for needed in libwebkit2gtk-4.1-0 libgtk-3-0 xdg-utils dbus-session-bus; do
  grep -qxF "$needed" <<<"$dep_names" || die "the .deb does not depend on $needed."
done
! grep -q -- '-dev$' <<<"$dep_names" || die "the .deb depends on a development package: $(grep -- '-dev$' <<<"$dep_names" | head -n 1)."

# --- .rpm: the same files and the same requirements ------------------------------------------
[ "$(rpm -qp --qf '%{NAME} %{VERSION}' "$rpm" 2>/dev/null)" = "scim-wizard $version" ] \
  || die "$rpm is not scim-wizard $version."
rpm_files=$(rpm -qpl "$rpm" 2>/dev/null | sed 's|^/||' | sort)
[ "$rpm_files" = "$deb_files" ] || die "the .rpm and the .deb carry different files: $(diff <(echo "$deb_files") <(echo "$rpm_files") | grep '^[<>]' | head -n 1)."
requires=$(rpm -qpR "$rpm" 2>/dev/null | sed 's/ *$//')
for soname in "${sonames[@]}"; do
  grep -qxF "$soname()(64bit)" <<<"$requires" || die "the .rpm does not require $soname, which the binaries link."
done
for needed in dbus xdg-utils; do
  grep -qx "$needed" <<<"$requires" || die "the .rpm does not require $needed (the .deb's counterpart does)."
done
! grep -qi -- '-devel' <<<"$requires" || die "the .rpm requires a development package."

for package in "$deb" "$rpm"; do
  bytes=$(stat -c %s "$package")
  [ "$bytes" -le "$max_bytes" ] || die "$(basename "$package") is $((bytes / 1024)) KiB, over the 8 MiB goal."
  printf '%s  %s KiB\n' "$package" "$((bytes / 1024))"
done
echo "Both packages carry the app, the CLI, the desktop entry, metainfo and ${#icon_sizes[@]} icon sizes; their validators pass."
