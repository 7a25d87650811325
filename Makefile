# Scaleway SCIM Wizard: the two commands are `make run` and `make test`.
# Each installs what is missing first (system packages, npm packages, cargo tools), then builds.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run
MAKEFLAGS += --no-print-directory

# Builds go to a target dir outside the clone, shared between clones of this repo on one machine;
# it is created on first use, so nothing depends on it existing.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/scim-wizard/target
export CARGO_TERM_PROGRESS_WHEN ?= never

# The desktop binary always embeds ui/dist (custom-protocol); a plain cargo build would load the
# Vite dev server instead.
FEATURES := --features scim-wizard/custom-protocol
APP := $(CARGO_TARGET_DIR)/debug/scim-wizard
UI_STAMP := ui/node_modules/.installed

.PHONY: run test deps test-deps ui app bindings lint ui-check rust-test e2e bench bench-deps bench-cli clean help \
  dist dist-deps install-test install-test-deps cross-check cross-test cross-deps ci icons

help:
	@echo "make run          - install what is missing, build, and open the app"
	@echo "make test         - install what is missing, then run every suite (Rust, UI, end-to-end)"
	@echo "make dist         - the release app and its Linux packages (.deb, .rpm) in dist/, checked"
	@echo "make install-test - installs the .deb in a clean Debian 12 root and tries it (root only)"
	@echo "make cross-check  - type-checks the workspace for Windows and macOS (root only)"
	@echo "make cross-test   - the Windows CLI under Wine, end to end against the sandbox (root only)"

## The two commands ----------------------------------------------------------

run: display-check deps app
	@"$(APP)"

test: test-deps ui-check lint app rust-test

## Pieces ---------------------------------------------------------------------

display-check:
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "error: no display: 'make run' opens a window, so run it in a desktop session (for a headless try: xvfb-run make run)." >&2; exit 2; fi

deps:
	@.ci/deps.sh

test-deps:
	@.ci/deps.sh --test

$(UI_STAMP): ui/package.json ui/package-lock.json
	@cd ui && out=$$(npm ci --no-audit --no-fund --loglevel=error 2>&1) || { echo "$$out"; echo "error: 'npm ci' failed in ui/ (output above)." >&2; exit 1; }
	@touch $@

ui: $(UI_STAMP)
	@cd ui && out=$$(npm run --silent build 2>&1) || { echo "$$out"; echo "error: the UI build failed (output above)." >&2; exit 1; }

ui-check: ui
	@cd ui && npm run --silent check && npm run --silent lint && npm test --silent

app: ui
	@cargo build --quiet -p scim-wizard $(FEATURES)

lint:
	@cargo fmt --all --check || { echo "error: code is not formatted: run 'cargo fmt --all'." >&2; exit 1; }
	@cargo clippy --quiet --workspace --all-targets $(FEATURES) --features scim-wizard-tests/wine -- -D warnings

# Every Rust suite (unit, integration, keychain against a real Secret Service, CLI end-to-end and
# the desktop app over WebDriver), inside a throw-away D-Bus session with an unlocked keyring and
# an Xvfb display. Then the sandbox as the desktop app builds it, without its control routes: the
# workspace run has them (the CLI and the suites ask for them, and cargo unifies features).
rust-test: app
	@cargo build --quiet -p scim-wizard-cli
	@RUST_LOG=warn SCIM_WIZARD_APP="$(APP)" SCIM_WIZARD_CLI="$(CARGO_TARGET_DIR)/debug/scim-wizard-cli" \
	  tests/session.sh bash -c 'cargo test --quiet --workspace $(FEATURES) -- --include-ignored \
	    && cargo test --quiet -p scim-wizard-sandbox --no-default-features --lib' \
	  | tee "$(CARGO_TARGET_DIR)/rust-test.log"
	@# One closing line for every Rust suite together (cargo prints one per test binary).
	@awk '/^test result:/ { passed += $$4; failed += $$6 } END { printf "%d passed, %d failed\n", passed, failed }' \
	  "$(CARGO_TARGET_DIR)/rust-test.log"

e2e: app
	@cargo build --quiet -p scim-wizard-cli
	@SCIM_WIZARD_APP="$(APP)" SCIM_WIZARD_CLI="$(CARGO_TARGET_DIR)/debug/scim-wizard-cli" \
	  tests/session.sh cargo test --quiet -p scim-wizard-tests \
	  --test desktop_smoke --test desktop_practice --test desktop_real --test desktop_home --test desktop_manual --test desktop_french \
	  -- --include-ignored

# Speed and size: the desktop app against a hello-world Tauri app built in the same run.
bench-deps: test-deps
	@command -v import >/dev/null 2>&1 || { echo "Installing imagemagick (screen captures for the first-paint benchmark)"; \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq --no-install-recommends imagemagick >/dev/null; }

# BENCH_ROUNDS=N changes the number of rounds (each launches both apps; default 7).
bench: bench-deps ui
	@cargo build --quiet --release -p scim-wizard $(FEATURES)
	@# The same crate versions as ours (Tauri, wry, the WebKitGTK bindings): start from our lock.
	@cp Cargo.lock tests/bench/hello/Cargo.lock
	@cargo build --quiet --release --manifest-path tests/bench/hello/Cargo.toml
	@tests/session.sh tests/bench/app.sh "$(CARGO_TARGET_DIR)/release/scim-wizard" "$(CARGO_TARGET_DIR)/release/hello-tauri" "$${BENCH_ROUNDS:-7}"

# The engine's apply against the sandbox with 50 ms latency per call: round trips and wall time.
bench-cli: test-deps
	@tests/session.sh cargo bench --quiet -p scim-wizard-cli --bench apply
	@cargo bench --quiet -p scim-wizard-cli --bench impact

## Shipping -------------------------------------------------------------------

dist-deps:
	@.ci/deps.sh --dist

# The release app and CLI, then the .deb and .rpm (src-tauri/packaging/), each checked.
dist: dist-deps ui
	@src-tauri/packaging/dist.sh

install-test-deps:
	@.ci/deps.sh --install-test

# The .deb in a clean Debian 12 root (debootstrap, kept in ~/.cache/scim-wizard/roots).
install-test: install-test-deps dist
	@tests/install/debian.sh dist/scim-wizard_*_amd64.deb

cross-deps:
	@.ci/deps.sh --cross

# Windows and macOS from here, in a Debian sid root (tests/cross/cross.sh).
cross-check: cross-deps ui
	@tests/cross/cross.sh check

cross-test: cross-deps test-deps
	@cargo build --quiet -p scim-wizard-cli
	@tests/cross/cross.sh build-windows-cli >/dev/null
	@SCIM_WIZARD_CLI="$(CARGO_TARGET_DIR)/debug/scim-wizard-cli" \
	  cargo test --quiet -p scim-wizard-tests --features wine --test cli_wine -- --include-ignored

# What CI runs: every suite, then the packages, their install test and the Windows/macOS checks.
ci: test install-test cross-check cross-test

# The icons, from icons/icon.svg: Tauri's set for every platform, and each hicolor size for Linux.
icons: $(UI_STAMP)
	@ui/node_modules/.bin/tauri icon icons/icon.svg -o icons >/dev/null
	@rm -rf icons/android icons/ios
	@ui/node_modules/.bin/tauri icon icons/icon.svg -o icons/hicolor \
	  $(foreach size,16 22 24 32 48 64 96 128 256 512,-p $(size)) >/dev/null

bindings:
	@UPDATE_BINDINGS=1 cargo test --quiet -p scim-wizard $(FEATURES) --test ipc_contract committed_bindings_are_up_to_date

clean:
	@cargo clean
	@rm -rf ui/dist ui/node_modules dist
