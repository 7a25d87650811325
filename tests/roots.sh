# Debian roots for the install test (a clean Debian 12) and the Windows/macOS checks (Debian sid,
# which has a Rust with its standard library's source, mingw-w64 and Wine 10). Sourced, not run.
#
# A root lives outside the clone, in $SCIM_WIZARD_ROOTS (default ~/.cache/scim-wizard/roots), and
# is reused when present: it is made in a folder of its own and moved into place only once it is
# whole, with a stamp naming what it holds. A root that is half-made, holds other packages than
# asked, or is older than $ROOT_MAX_AGE_DAYS (default 30), is made again; nothing depends on one
# existing. Commands run in it through `in_root`, in a mount namespace of their own, so the mounts
# they need (proc, dev, the shared folders) vanish with them however they end.

ROOTS=${SCIM_WIZARD_ROOTS:-$HOME/.cache/scim-wizard/roots}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ROOT_MAX_AGE_DAYS=${ROOT_MAX_AGE_DAYS:-30}
# sid's Release file on the mirror can be weeks old; apt would call it expired.
APT_OPTS=(-o Acquire::Check-Valid-Until=false -o APT::Color=0 -o Dpkg::Use-Pty=0)

die() { echo "error: $*" >&2; exit 2; }

roots_preflight() {
  [ "$(id -u)" = 0 ] || die "this needs root (debootstrap, chroot and mounts): run it as root, e.g. 'sudo make $1'."
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing: run 'apt-get install debootstrap' (or 'make test-deps')."
  command -v unshare >/dev/null 2>&1 || die "unshare is missing: install util-linux."
}

# The stamp of a root: its suite and the packages added to it.
root_stamp() { printf 'suite=%s\npackages=%s\n' "$1" "$2"; }

# ensure_root NAME SUITE "PACKAGES": prints the path of a whole root of SUITE with PACKAGES
# installed, making it first when there is none, or it is stale, half-made or holds other packages.
ensure_root() {
  local name=$1 suite=$2 packages=$3
  local root=$ROOTS/$name stamp=$ROOTS/$name/.scim-wizard-root
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(root_stamp "$suite" "$packages")" ] \
      && [ -z "$(find "$stamp" -mtime "+$ROOT_MAX_AGE_DAYS" 2>/dev/null)" ]; then
    echo "$root"
    return
  fi
  if [ -d "$root" ]; then
    echo "The Debian $suite root $root is stale, half-made or holds other packages: making it again." >&2
  else
    echo "Making a Debian $suite root in $root (once; a few minutes)" >&2
  fi
  mkdir -p "$ROOTS"
  local fresh=$ROOTS/.$name.new log=$ROOTS/$name.log
  rm -rf "$fresh"
  if ! curl -fsS -o /dev/null --max-time 20 "$DEBIAN_MIRROR/dists/$suite/Release" 2>/dev/null; then
    die "cannot reach Debian's packages at $DEBIAN_MIRROR: check the network, or set DEBIAN_MIRROR to a mirror you can reach."
  fi
  if ! debootstrap --variant=minbase "$suite" "$fresh" "$DEBIAN_MIRROR" >"$log" 2>&1; then
    rm -rf "$fresh"
    die "debootstrap could not make the $suite root (its log: $log)."
  fi
  cp /etc/resolv.conf "$fresh/etc/resolv.conf"
  if [ -n "$packages" ]; then
    # shellcheck disable=SC2086 # the package list is words
    if ! in_root "$fresh" "" apt-get "${APT_OPTS[@]}" update -qq >>"$log" 2>&1 \
        || ! in_root "$fresh" "" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_OPTS[@]}" install -y -qq \
          --no-install-recommends $packages >>"$log" 2>&1; then
      rm -rf "$fresh"
      die "apt-get could not install the $suite root's packages (its log: $log)."
    fi
    # This machine's outgoing TLS may go through a proxy whose CA the host trusts: so must the root.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null && [ -d "$fresh/usr/share/ca-certificates" ]; then
      mkdir -p "$fresh/usr/local/share/ca-certificates"
      cp /usr/local/share/ca-certificates/*.crt "$fresh/usr/local/share/ca-certificates/"
      in_root "$fresh" "" update-ca-certificates >>"$log" 2>&1 || true
    fi
  fi
  in_root "$fresh" "" apt-get "${APT_OPTS[@]}" clean >>"$log" 2>&1 || true
  root_stamp "$suite" "$packages" >"$fresh/.scim-wizard-root"
  rm -rf "$root"
  mv "$fresh" "$root"
  echo "$root"
}

# in_root ROOT "HOST:INSIDE ..." COMMAND...: runs COMMAND chrooted in ROOT, with /proc, /sys, /dev
# and each HOST folder bind-mounted at INSIDE, in a private mount namespace.
in_root() {
  local root=$1 binds=$2
  shift 2
  unshare --mount --propagation private -- bash -c '
    set -e
    root=$1 binds=$2
    shift 2
    mount -t proc proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --rbind /dev "$root/dev"
    for bind in $binds; do
      mkdir -p "$root/${bind#*:}"
      mount --bind "${bind%%:*}" "$root/${bind#*:}"
    done
    exec chroot "$root" "$@"
  ' in_root "$root" "$binds" "$@"
}

# Ends every process running inside ROOT (a program a test left running there, and its children).
kill_root_processes() {
  local root proc
  root=$(realpath "$1")
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/root" 2>/dev/null)" = "$root" ] && kill -9 "${proc#/proc/}" 2>/dev/null || true
  done
}
