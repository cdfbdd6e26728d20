#!/usr/bin/env bash
# What the test suites need from the machine: gcc (the C harnesses are built at test time)
# and glibc's debug symbols (the harness reads main_arena and mp_ at their real offsets).
# Installs what is missing (apt, as root); fails loudly when it cannot.
set -euo pipefail
need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
dpkg -s libc6-dbg >/dev/null 2>&1 || need+=(libc6-dbg)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}"
fi
gcc --version | head -1
echo "setup: ok"
