#!/usr/bin/env bash
# What the test suites need from the machine: gcc (the C harnesses are built at test time)
# and glibc's debug symbols (the harness reads main_arena and mp_ at their real offsets).
# Installs what is missing (apt, as root); fails loudly when it cannot.
set -euo pipefail
need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
dpkg -s libc6-dbg >/dev/null 2>&1 || need+=(libc6-dbg)
command -v gdb >/dev/null || need+=(gdb)     # reads each glibc's struct layout from its debug info
[ -x /usr/bin/chromium ] || need+=(chromium)  # the webview tests drive Debian's Chromium headless
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}"
fi
gcc --version | head -1

# glibc 2.31/2.36/2.41/2.43 from the Debian mirror, into a cache outside the clone; the
# differential test compares with bookworm's 2.36 from there. In CI a failure here fails the run.
if ! bash test/differential/sysroots.sh; then
  if [ "${CI:-}" = true ]; then echo "setup: could not fetch the glibc versions" >&2; exit 1; fi
  echo "setup: glibc versions not fetched; the differential test will use the host's 2.36" >&2
fi
# code-server, Node 24 and Chromium for test/e2e, in a cache outside the clone (~4 minutes once
# per machine, instant after). In CI a failure fails the run; elsewhere the e2e tests go pending.
if ! bash test/e2e/setup.sh; then
  if [ -n "${CI:-}" ]; then echo "setup: could not install the e2e dependencies" >&2; exit 1; fi
  echo "setup: e2e dependencies not installed; the e2e tests will be pending" >&2
fi
echo "setup: ok"
