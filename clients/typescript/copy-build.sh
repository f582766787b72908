#!/usr/bin/env bash
# Builds the SDK (npm run build: tsc -> dist/) and copies its ES modules into DIR, the demo page's sdk/ folder in the
# server jar (server/pom.xml runs this at generate-resources). Uses the system npm, never a downloaded Node. The dev
# dependencies are installed only when missing or older than package-lock.json (later runs need no registry;
# .ci/run installs them first). Without npm on the PATH the build goes on with a warning and the page says the SDK is
# missing, unless JGOIM_REQUIRE_NPM=1 (CI), which fails instead.
set -euo pipefail
out="${1:?usage: copy-build.sh DIR}"
cd "$(dirname "${BASH_SOURCE[0]}")"
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    if [ "${JGOIM_REQUIRE_NPM:-0}" = "1" ]; then
        echo "copy-build.sh: node and npm are needed to build the TypeScript SDK for the demo page" >&2
        exit 1
    fi
    echo "WARNING: node/npm not on the PATH: the demo page is built without the TypeScript SDK (apt-get install nodejs npm)" >&2
    exit 0
fi
if [ ! -f node_modules/.package-lock.json ] || [ ! -d node_modules/typescript ] \
        || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --prefer-offline >&2
fi
npm run --silent build >&2
mkdir -p "$out"
rm -f "$out"/*.js
cp dist/*.js "$out"/
echo "copy-build.sh: $(ls dist/*.js | wc -l) SDK modules -> $out"
