#!/usr/bin/env bash
# Installs what the tests and the demo need and a fresh Debian machine lacks:
# PostgreSQL's server binaries, Chromium (browser tests) and Node.js (which
# drives Chromium through playwright-core, and whose ICU is the independent
# answer the Hijri calendar test checks every day against). Installs only when running as
# root or with passwordless sudo; otherwise names what to install and fails.
set -euo pipefail

want_browser=${1:-browser}   # "nobrowser" skips Chromium and Node (the demo needs neither; the tests need both)

have_pg() {
  local d
  d=$(pg_config --bindir 2>/dev/null || true)
  [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && return 0
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && return 0
  done
  return 1
}

need=()
have_pg || need+=(postgresql)
if [ "$want_browser" = browser ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "missing Debian packages: ${need[*]} — install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
