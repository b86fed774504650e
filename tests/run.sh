#!/usr/bin/env bash
# The one command that passes every test on a fresh Debian machine: installs what the tests use (real tmux,
# Prometheus + promtool, Alertmanager, docker-compose for `config` validation, jsonnet for the mixin, Chromium for
# the browser tests, clang and zlib1g-dev for the native binary that NativeBinaryTests publishes), then runs the whole
# suite.
# tests/run.sh --fast runs all but the slow tests (trait Speed=Slow: real agents, native publish, multi-host, a real
# Prometheus or Alertmanager, load tests), four test classes at a time (they mostly wait on tmux and processes);
# any other arguments go to `dotnet test` (e.g. --filter NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
settings=()
for a in "$@"; do
  if [ "$a" = --fast ]; then args+=(--filter "Speed!=Slow"); settings=(-- xUnit.MaxParallelThreads=4); else args+=("$a"); fi
done
set -- "${args[@]+"${args[@]}"}" "${settings[@]+"${settings[@]}"}"

need=()
command -v tmux >/dev/null || need+=(tmux)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || need+=(prometheus-alertmanager)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v script >/dev/null || need+=(bsdutils)
command -v python3 >/dev/null || need+=(python3)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v ip >/dev/null || need+=(iproute2)
command -v unshare >/dev/null || need+=(util-linux)
command -v chromium >/dev/null || need+=(chromium)  # the browser tests (Web/Browser*), driven over the DevTools protocol
command -v clang >/dev/null || need+=(clang)
command -v jsonnet >/dev/null || need+=(jsonnet)  # mixin/ generates the rules and the board (MixinTests)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
if ((${#need[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The real coding agents, pinned, in a git-ignored folder of the project (tests/.agents); the RealAgents tests start
# them offline only (a network namespace with loopback alone, see tests/FleetExporter.Tests/RealAgents/RealAgent.cs). npm 11 runs no install
# scripts by default, and none is needed: each binary is checked to run below.
agents=(@anthropic-ai/claude-code@2.1.328 @openai/codex@0.169.0 @google/gemini-cli@0.61.0 @mariozechner/pi-coding-agent@0.73.1)
agents_dir=tests/.agents
installed() { node -p "require('./$agents_dir/node_modules/$1/package.json').version" 2>/dev/null; }
missing=()
for spec in "${agents[@]}"; do
  [ "$(installed "${spec%@*}")" = "${spec##*@}" ] || missing+=("$spec")
done
if ((${#missing[@]})); then
  echo "installing agents: ${missing[*]}"
  npm install --no-audit --no-fund --save-exact --loglevel=error --prefix "$agents_dir" "${missing[@]}" >/dev/null
  ns=(unshare -n); [ "$(id -u)" = 0 ] || ns=(unshare -rn)  # without root: a user namespace of its own
  for bin in claude codex gemini pi; do
    # --version answers offline; the namespace keeps even this check from reaching the network.
    "${ns[@]}" "$agents_dir/node_modules/.bin/$bin" --version >/dev/null 2>&1 \
      || { echo "agent $bin does not run after install" >&2; exit 1; }
  done
fi

# Quiet output: the console logger at minimal verbosity prints each failure (name, message, stack), each skipped
# test and a summary per test assembly, not every passing test. The hang collector (--blame-hang-timeout) names
# a test that hangs and writes a dump of it, whatever the verbosity.
# CI keeps only the tail of the output, so the failures are repeated after the run, where they will be seen.
log="$(mktemp -t fleet-tests.XXXXXX.log)"
rc=0
# Signals at their defaults: a runner that ignores SIGINT or SIGHUP (nohup, a background job) would pass that on to
# every process the tests start, and the tests that stop `demo`, `serve` and `watch` with a signal could not.
defaults=(env --default-signal)
"${defaults[@]}" true 2>/dev/null || defaults=()  # coreutils before 9.0 has no --default-signal
"${defaults[@]}" dotnet test FleetExporter.sln -c Release --blame-hang-timeout 10m --logger "console;verbosity=minimal" "$@" 2>&1 \
  | tee "$log" || rc=$?
if ((rc != 0)); then
  echo
  echo "=== failed tests (repeated from above; full log: $log) ==="
  # Each failure: its name, message and the top of its stack, so that several fit in the tail CI keeps; then a
  # test that hung or crashed the test host, and the summary lines.
  # awk alone cuts and caps, so no early-closed pipe can end this script (pipefail) before it exits with rc.
  awk '
    /^  Failed /{show=1; n=0}
    /^  (Passed|Skipped) / || /^(Data collector|Attachments:|Results File:|Test Run|The active|Passed!|Failed!)/ || /^\[xUnit/{show=0}
    show && n++ < 14 && total++ < 70 {print substr($0, 1, 300)}
    crash {print "hung or crashed the test host: " substr($0, 1, 300); crash=0}
    /^The test running when the crash occurred/{crash=1}
    /^(Passed|Failed|Skipped)! |^Test Run Aborted/{summary = summary $0 "\n"}
    END {printf "%s", summary}' "$log"
else
  rm -f "$log"
fi
exit "$rc"
