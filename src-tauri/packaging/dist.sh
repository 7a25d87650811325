#!/usr/bin/env bash
# `make dist`: the release app and CLI, then the Linux packages (.deb and .rpm) with Tauri's
# bundler, then a check of what each package carries. The packages land in dist/.
#
# The bundler is given two more configurations on top of src-tauri/tauri.conf.json:
#   - packaging/linux/bundle.conf.json: the Linux package name (`scim-wizard`, so the files are
#     scim-wizard_<version>_amd64.deb and /usr/share/applications/scim-wizard.desktop, while the
#     app keeps its product name everywhere else), every hicolor icon size, the desktop entry, the
#     AppStream metainfo and the scalable icon;
#   - one written here: the CLI (its path is in the target dir) and the run-time dependencies,
#     worked out from the two binaries themselves, so the list can never drift from what they link.
# The bundler writes the .deb's files gzip-compressed and has no setting for it; the .deb is then
# rebuilt by dpkg-deb with xz, as Debian's own packages are (8.2 MiB becomes 4.5), its Depends
# without the two names the bundler adds again after our versioned ones. The .rpm is xz already
# (bundle.conf.json).
# SCIM_WIZARD_BUNDLES=deb,rpm,appimage adds the AppImage (the release workflow: its tools are
# downloaded from GitHub, which these machines cannot reach).
# Usage: src-tauri/packaging/dist.sh   (from the Makefile, after the UI is built)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
die() { echo "error: $*" >&2; exit 2; }

target_dir=${CARGO_TARGET_DIR:-$repo/target}
release=$target_dir/release
out=$repo/dist
work=$(mktemp -d "${TMPDIR:-/tmp}/scim-wizard-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -f ui/dist/index.html ] || die "ui/dist is missing: run 'make dist' (it builds the UI first)."
tauri=ui/node_modules/.bin/tauri
[ -x "$tauri" ] || die "the Tauri CLI is missing from ui/node_modules: run 'make dist' (it runs npm ci first)."

echo "Building the release app and CLI (LTO; a few minutes when cold)"
# Two cargo runs, not one: cargo unifies features within a run, and the CLI's sandbox has the
# test-only control routes (faults, time travel, reset) that the app's practice sandbox must not
# have (crates/sandbox/Cargo.toml); check.sh looks for them in both binaries.
for build in "scim-wizard --features scim-wizard/custom-protocol" scim-wizard-cli; do
  # shellcheck disable=SC2086 # $build is a package and its flags, split on purpose.
  if ! cargo build --release --locked --quiet -p $build 2>"$work/cargo.log"; then
    tail -n 30 "$work/cargo.log" >&2
    die "the release build of ${build%% *} failed (its last lines are above)."
  fi
done
for binary in scim-wizard scim-wizard-cli; do
  [ -x "$release/$binary" ] || die "cargo built no $release/$binary."
done

# Debian dependencies: what dpkg-shlibdeps finds for the libraries both binaries link (it needs a
# debian/control to run in, nothing else of a source package).
mkdir -p "$work/shlibs/debian"
printf 'Source: scim-wizard\n\nPackage: scim-wizard\nArchitecture: any\n' >"$work/shlibs/debian/control"
if ! shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$release/scim-wizard" "$release/scim-wizard-cli" 2>"$work/shlibdeps.log"); then
  die "dpkg-shlibdeps could not work out the dependencies ($(head -n 1 "$work/shlibdeps.log")); 'make dist' installs dpkg-dev."
fi
shlibs=${shlibs#shlibs:Depends=}
# RPM requires: the shared objects both binaries need, named the way RPM's own dependency
# generator names them (soname()(64bit) on 64-bit targets).
mapfile -t sonames < <(for binary in scim-wizard scim-wizard-cli; do
  objdump -p "$release/$binary" | awk '$1 == "NEEDED" { print $2 }'
done | sort -u)
[ ${#sonames[@]} -gt 0 ] || die "objdump found no shared libraries in the binaries (is binutils installed?)."

# Beyond the linked libraries, at run time:
#   - a D-Bus session bus, on which the keychain (Secret Service) is reached;
#   - xdg-open, which opens the Microsoft sign-in page in the admin's browser;
#   - a Secret Service to keep the token in: recommended rather than required, since a desktop
#     has its own (GNOME Keyring, KWallet, KeePassXC) and without one the app says so and stops.
node - "$work/linux.conf.json" "$release/scim-wizard-cli" "$shlibs" "${sonames[@]}" <<'JS'
const [path, cli, shlibs, ...sonames] = process.argv.slice(2);
const files = { "/usr/bin/scim-wizard-cli": cli };
const deb = {
  depends: [
    ...shlibs.split(",").map((d) => d.trim()).filter(Boolean),
    "default-dbus-session-bus | dbus-session-bus",
    "xdg-utils",
  ],
  recommends: ["gnome-keyring | libkf5wallet-bin | keepassxc"],
  files,
};
const rpm = {
  depends: [...sonames.map((s) => `${s}()(64bit)`), "dbus", "xdg-utils"],
  recommends: ["gnome-keyring"],
  files,
};
require("fs").writeFileSync(path, JSON.stringify({ bundle: { linux: { deb, rpm } } }, null, 2));
JS

bundles=${SCIM_WIZARD_BUNDLES:-deb,rpm}
case ",$bundles," in *,deb,*rpm,*) ;; *) die "SCIM_WIZARD_BUNDLES must include deb and rpm (it is '$bundles')." ;; esac
echo "Packaging: ${bundles//,/, }"
rm -rf "$release/bundle/deb" "$release/bundle/rpm" "$release/bundle/appimage"
if [ -n "${TAURI_SIGNING_RPM_KEY:-}" ]; then
  echo "The .rpm is signed with the key in TAURI_SIGNING_RPM_KEY."
else
  echo "The .rpm is not signed: TAURI_SIGNING_RPM_KEY is not set (the release workflow sets it)."
fi
if ! "$tauri" bundle --ci --bundles "$bundles" \
    --config src-tauri/packaging/linux/bundle.conf.json --config "$work/linux.conf.json" \
    >"$work/bundle.log" 2>&1; then
  tail -n 30 "$work/bundle.log" >&2
  die "Tauri's bundler failed (its last lines are above)."
fi

mkdir -p "$out"
rm -f "$out"/scim-wizard_*.deb "$out"/scim-wizard-*.rpm "$out"/scim-wizard_*.AppImage "$out"/SHA256SUMS
deb=$(echo "$release"/bundle/deb/scim-wizard_*.deb)
[ -f "$deb" ] || die "the bundler made no .deb (see $release/bundle/deb)."
dpkg-deb -R "$deb" "$work/deb"
# Each package once in Depends: the first (versioned) mention stays.
awk -v OFS= '
  /^Depends: / {
    n = split(substr($0, 10), parts, /, /); line = ""
    for (i = 1; i <= n; i++) { name = parts[i]; sub(/ .*/, "", name)
      if (!(name in seen)) { seen[name] = 1; line = line (line == "" ? "" : ", ") parts[i] } }
    print "Depends: ", line; next }
  { print }' "$work/deb/DEBIAN/control" >"$work/control" && mv "$work/control" "$work/deb/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz -z9 -b "$work/deb" "$out/$(basename "$deb")" >/dev/null \
  || die "dpkg-deb could not rebuild the .deb with xz."
cp "$release"/bundle/rpm/scim-wizard-*.rpm "$out"/
if [[ ",$bundles," == *,appimage,* ]]; then cp "$release"/bundle/appimage/*.AppImage "$out"/; fi
(cd "$out" && sha256sum scim-wizard[_-]* >SHA256SUMS)

src-tauri/packaging/linux/check.sh "$out"/scim-wizard_*.deb "$out"/scim-wizard-*.rpm
