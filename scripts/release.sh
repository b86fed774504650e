#!/usr/bin/env bash
# Builds the release of fleet-exporter for linux-x64: its native (NativeAOT) binaries, fleet-exporter and
# fleet-exporter-hook (the hook and heartbeat commands alone, which the agents' hooks run), with the files that go beside them,
#   dist/fleet-exporter-<version>-linux-x64.tar.gz          the tarball (one folder of that name)
#   dist/fleet-exporter-<version>-linux-x64.tar.gz.sha256   its checksum: `sha256sum -c` in dist/ checks it
# The version is <Version> in src/Directory.Build.props. Usage: scripts/release.sh [OUTPUT_DIR]   (default: dist)
# A native publish needs clang and zlib1g-dev: when missing they are installed with apt-get (as root, else sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)"

need=()
command -v clang >/dev/null || need+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
if ((${#need[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing with apt-get (the native publish needs them): ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

version="$(dotnet msbuild src/FleetExporter -getProperty:Version)"
name="fleet-exporter-${version}-linux-x64"
stage="$(mktemp -d -t fleet-release.XXXXXX)"
trap 'rm -rf "$stage"' EXIT

# Its own build folders, so a release never mixes with (or waits on) the developer's bin/ and obj/.
dotnet publish src/FleetExporter -c Release -r linux-x64 --artifacts-path "$stage/build" -o "$stage/publish" -nologo -v quiet
"$stage/publish/fleet-exporter" --version >/dev/null        # the binaries run here, or there is no release
"$stage/publish/fleet-exporter-hook" --version >/dev/null

root="$stage/$name"
mkdir -p "$root/deploy"
install -m 755 "$stage/publish/fleet-exporter" "$stage/publish/fleet-exporter-hook" "$root/"
cp -r deploy/systemd "$root/deploy/"
cp -r rules grafana docs README.md "$root/"
for f in LICENSE LICENSE.md LICENSE.txt; do [ -f "$f" ] && cp "$f" "$root/"; done

# The same sources give the same bytes: sorted names, no owners, every time the last commit's.
stamp="@$(git log -1 --format=%ct 2>/dev/null || date +%s)"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$stamp" -C "$stage" -cf - "$name" | gzip -n -9 > "$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "$out/$name.tar.gz"
echo "$out/$name.tar.gz.sha256"
