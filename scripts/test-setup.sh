#!/usr/bin/env bash
# `npm run test:setup`: installs what the tests drive for real and npm does not provide,
# on Debian or Ubuntu, with apt-get. Run it once per machine, before `npm ci`, as root or
# with sudo; it installs only what is missing, so on a ready machine it changes nothing.
# A tool that is still missing makes its test fail and name the package, never skip.
#   --dry-run   print what would be installed, install nothing
set -euo pipefail

dry_run=false
[ "${1:-}" = "--dry-run" ] && dry_run=true

need=()   # Debian packages
why=()    # one line each, for the log
want() { need+=("$1"); why+=("  $1: $2"); }
have() { command -v "$1" >/dev/null 2>&1; }

# npm ci compiles better-sqlite3 when it cannot download a prebuilt binary, and the
# native spawner (native/) always: node-gyp needs Python, make and a C/C++ compiler.
have python3 || want python3 "node-gyp (npm ci builds better-sqlite3 and native/)"
have make || want make "node-gyp"
have g++ || want g++ "node-gyp (C and C++)"
have git || want git "the install-from-a-git-URL test (test/package)"
have tar || want tar "the package tests read and write tarballs"
have xmllint || want libxml2-utils "xmllint checks the JUnit report against its schema"
have promtool || want prometheus "promtool checks the Prometheus report"
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || want postgresql "examples/shop runs a real PostgreSQL"
have redis-server || want redis-server "examples/shop runs a real Redis"
have chromium || have chromium-browser || want chromium "the HTML report and the Mermaid plan are rendered in a real browser"
have dot || want graphviz "plan --format dot is rendered"
have script || want bsdutils "util-linux's script gives the live view a pseudo-terminal"
have runuser || want util-linux "examples/shop runs PostgreSQL as the postgres user when the tests run as root"

if [ ${#need[@]} -eq 0 ]; then
  echo "test:setup: every tool the tests use is installed"
  exit 0
fi
echo "test:setup: the tests need ${#need[@]} more Debian package(s):"
printf '%s\n' "${why[@]}"

sudo=()
[ "$EUID" -ne 0 ] && sudo=(sudo)
if $dry_run; then
  echo "would run: ${sudo[*]:+sudo }apt-get update && ${sudo[*]:+sudo }apt-get install -y --no-install-recommends ${need[*]}"
  exit 0
fi
if [ ${#sudo[@]} -gt 0 ] && ! have sudo; then
  echo "test:setup: installing them needs root: run it as root, or as root: apt-get install ${need[*]}" >&2
  exit 1
fi
if ! have apt-get; then
  echo "test:setup: no apt-get here (not Debian or Ubuntu): install the programs above with your package manager" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
echo "test:setup: installed ${need[*]}"
