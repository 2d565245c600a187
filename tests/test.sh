#!/usr/bin/env bash
# The project's test command: installs what the tests need on a fresh Debian machine, runs every test suite,
# prints one summary line and exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- PostgreSQL server binaries: the tests start their own throw-away server on 127.0.0.1 ----
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || ! compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null; then
  echo "== Installing Debian's postgresql package"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
  # Debian creates a cluster of its own (and starts it where services run). The tests never use it.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters -h | while read -r version cluster _port status _rest; do
      if [[ "$status" == online* ]]; then as_root pg_ctlcluster "$version" "$cluster" stop; fi
      echo manual | as_root tee "/etc/postgresql/$version/$cluster/start.conf" >/dev/null
    done
  fi
fi

# ---- Fonts for the outcome bundle PDFs (Latin and CJK) ----
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  echo "== Installing fonts for the outcome bundle"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-dejavu-core fonts-wqy-zenhei
fi

# ---- Chromium for the browser end-to-end test (tests/e2e drives Debian's chromium with playwright-core) ----
if [ -d tests/e2e ] && [ ! -x /usr/bin/chromium ]; then
  echo "== Installing Debian's chromium package"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
passed=0
failed=0

# ---- .NET tests (xUnit; SQLite and PostgreSQL included) ----
echo "== dotnet test"
dotnet_status=0
dotnet test OneStop.Workflow.sln -c Release --logger "console;verbosity=minimal" --logger trx --results-directory "$results" \
  || dotnet_status=$?
counts="$(cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' \
  | sed -E 's/.* passed="([0-9]+)" failed="([0-9]+)".*/\1 \2/' \
  | awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }')"
read -r dotnet_passed dotnet_failed <<<"$counts"
# A build failure runs no test but must still count as a failure.
if [ "$dotnet_status" -ne 0 ] && [ "$dotnet_failed" -eq 0 ]; then dotnet_failed=1; fi
passed=$((passed + dotnet_passed))
failed=$((failed + dotnet_failed))

# ---- extra test steps: each counts as one test ----
# bpmn-js check: every shipped scenario imports into bpmn-js (tests/bpmn-js-check).
if [ -d tests/bpmn-js-check ]; then
  echo "== bpmn-js check"
  if (cd tests/bpmn-js-check && npm ci --no-audit --no-fund --ignore-scripts && node check.mjs); then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
fi

# Browser end-to-end test: designer, portal, inbox and supervision in headless Chromium against the Release server that
# the dotnet test step built (the server's build also builds the pages into designer/dist).
if [ -d tests/e2e ]; then
  echo "== browser end-to-end test"
  e2e_status=0
  if [ ! -f designer/dist/index.html ]; then
    (cd designer && npm ci --no-audit --no-fund --ignore-scripts && npm run build) || e2e_status=$?
  fi
  if [ "$e2e_status" -eq 0 ]; then
    (cd tests/e2e && npm ci --no-audit --no-fund --ignore-scripts && node run.mjs) || e2e_status=$?
  fi
  if [ "$e2e_status" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
fi

echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
