#!/usr/bin/env bash
# Makes this machine able to build and run GalaxyMorphology. Idempotent: safe to run before every build.
# - Checks the .NET 10 SDK.
# - TorchSharp 0.107.0's native libLibTorchSharp.so needs libstdc++ from GCC 13+ (symbol GLIBCXX_3.4.32).
#   On Debian 12 (GCC 12) it adds the Debian 13 suite "trixie" from the mirror the system already uses,
#   pinned at priority 100 so nothing else moves, and installs libstdc++6 from it.
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }
need_symbol="GLIBCXX_3.4.32"

# --- .NET SDK ---------------------------------------------------------------------------------------
if ! command -v dotnet >/dev/null 2>&1; then
  say "the .NET 10 SDK is missing: install it (https://learn.microsoft.com/dotnet/core/install/linux), then run this again"
  exit 1
fi
if ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
  say "found dotnet but no 10.x SDK ($(dotnet --list-sdks | tr '\n' ' ')): install the .NET 10 SDK"
  exit 1
fi

# --- libstdc++ ----------------------------------------------------------------------------------------
find_libstdcxx() {
  local p
  for p in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -e "$p" ] && { echo "$p"; return 0; }
  done
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 /{print $NF; exit}'
}
has_symbol() {
  local lib; lib=$(find_libstdcxx)
  [ -n "$lib" ] && grep -qa "$need_symbol" "$lib"
}

if has_symbol; then
  say "ok: .NET $(dotnet --version), libstdc++ has $need_symbol ($(find_libstdcxx)); nothing to do"
  exit 0
fi

os_id=""; os_ver=""
if [ -r /etc/os-release ]; then . /etc/os-release; os_id="${ID:-}"; os_ver="${VERSION_ID:-}"; fi

if [ "$os_id" != "debian" ]; then
  say "libstdc++ lacks $need_symbol (GCC 13+ runtime), which TorchSharp's native library needs."
  say "this is ${PRETTY_NAME:-an unknown system}: install a GCC 13+ libstdc++ (Ubuntu 24.04+, Debian 13+ and Fedora 39+ ship one), then run this again"
  exit 1
fi
if [ "$(id -u)" != "0" ]; then
  say "libstdc++ lacks $need_symbol; run this script as root (it installs libstdc++6 from Debian trixie with apt)"
  exit 1
fi

# The mirror URI the system's own apt sources use: never a hard-coded host.
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -r "$f" ] || continue
  mirror=$(awk '/^URIs:/{for(i=2;i<=NF;i++) if ($i !~ /security/) {print $i; exit}}' "$f")
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
  mirror=$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
fi
if [ -z "$mirror" ]; then
  say "libstdc++ lacks $need_symbol and no Debian mirror URI was found in /etc/apt/sources.list(.d): add one, then run this again"
  exit 1
fi

src=/etc/apt/sources.list.d/galaxymorphology-trixie.sources
pin=/etc/apt/preferences.d/galaxymorphology-trixie
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
want_src="Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: $keyring"
want_pin="Package: *
Pin: release n=trixie
Pin-Priority: 100"
[ "$(cat "$src" 2>/dev/null)" = "$want_src" ] || printf '%s\n' "$want_src" > "$src"
[ "$(cat "$pin" 2>/dev/null)" = "$want_pin" ] || printf '%s\n' "$want_pin" > "$pin"

say "libstdc++ lacks $need_symbol: installing libstdc++6 from Debian trixie ($mirror, pinned at 100)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq -o Dpkg::Use-Pty=0 >/dev/null
apt-get install -y -qq -o Dpkg::Use-Pty=0 -t trixie libstdc++6 >/dev/null
if has_symbol; then
  say "ok: installed libstdc++6 from trixie; $need_symbol is now present ($(find_libstdcxx))"
else
  say "installed libstdc++6 from trixie but $need_symbol is still missing in $(find_libstdcxx)"
  exit 1
fi
