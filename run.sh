#!/usr/bin/env bash
# Set-up and the two jobs of polyrelu, on a fresh Debian machine as root (or with sudo):
#   bash run.sh demo   -- installs what is missing, then computes the complex of data/demo.json
#   bash run.sh test   -- installs what is missing (polymake and passagemath too), then runs the tests
#                         (the compiled core's own tests under AddressSanitizer and UBSan first)
# Each step checks first and installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"
job="${1:-}"
case "$job" in demo|test) ;; *) echo "usage: bash run.sh demo|test" >&2; exit 2 ;; esac

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_needed=()
need_deb() { dpkg -s "$1" >/dev/null 2>&1 || apt_needed+=("$1"); }
command -v python3 >/dev/null 2>&1 || apt_needed+=(python3)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || apt_needed+=(python3-venv)
for p in libcdd-dev libgmp-dev gcc g++; do need_deb "$p"; done
python3 - <<'PY' >/dev/null 2>&1 || apt_needed+=(python3-dev)
import sysconfig, os, sys
sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) else 1)
PY
if [ "$job" = test ]; then need_deb polymake; need_deb libcdd-tools; fi
if [ "${#apt_needed[@]}" -gt 0 ]; then
  echo "run.sh: installing Debian packages: ${apt_needed[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${apt_needed[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "run.sh: creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.polyrelu-installed
# the stamp changes with the project file and the compiled core's sources: either means a rebuild
hash="$(cat pyproject.toml CMakeLists.txt core/src/* | sha256sum | cut -c1-16)"
want="$hash-$job"
installed() { grep -qx -- "$1" "$stamp" 2>/dev/null; }
# the test install holds the demo's extras too, so after it the demo installs nothing again
if ! installed "$want" && ! { [ "$job" = demo ] && installed "$hash-test"; }; then
  echo "run.sh: installing polyrelu into .venv"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  if [ "$job" = test ]; then
    .venv/bin/pip install -q -e '.[test,plot,vtk,sage]'
  else
    .venv/bin/pip install -q -e '.[plot,vtk]'
  fi
  echo "$want" >> "$stamp"
fi

if [ "$job" = demo ]; then
  exec .venv/bin/polyrelu demo data/demo.json --out demo-output
else
  bash core/tests/run_sanitized.sh
  exec .venv/bin/python -m pytest -q -n 2 -p no:cacheprovider
fi
