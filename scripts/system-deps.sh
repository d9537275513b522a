#!/usr/bin/env bash
# Install the system programs museumkg needs when they are missing (Debian packages).
#   java: the HermiT OWL reasoner that owlready2 runs.
#   npm (and node): installs the SPARQL editor's browser library (YASGUI) from package-lock.json.
#   chromium: the headless browser the editor's browser tests drive (Playwright, Debian's build).
#   virtuoso-opensource: a production SPARQL server the remote-store tests start privately.
#   openrefine: the reconciliation client the /reconcile tests drive (OpenRefine 3.6, headless).
#   nginx: the HTTP cache (proxy_cache) the caching tests and bench put in front of museumkg.
#   gdal-bin: ogrinfo, the GIS reader the map tests open the GeoJSON download with.
# Runs as root with apt-get (as CI does); otherwise it says what to install and fails.
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# Only the tests need a browser: without root it is reported, not required.
for_tests=()
[ -x /usr/bin/chromium ] || for_tests+=(chromium fonts-dejavu-core)
command -v virtuoso-t >/dev/null 2>&1 || for_tests+=(virtuoso-opensource)
[ -x /usr/bin/openrefine ] || for_tests+=(openrefine)
[ -x /usr/sbin/nginx ] || for_tests+=(nginx)
command -v ogrinfo >/dev/null 2>&1 || for_tests+=(gdal-bin)

if [ ${#missing[@]} -eq 0 ] && [ ${#for_tests[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  if [ ${#for_tests[@]} -ne 0 ]; then
    echo "the browser tests need these system packages: ${for_tests[*]}" >&2
  fi
  if [ ${#missing[@]} -ne 0 ]; then
    echo "museumkg needs these system packages: ${missing[*]} (install them, then retry)" >&2
    exit 1
  fi
  exit 0
fi
missing+=("${for_tests[@]}")
echo "installing system packages: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's package starts nothing without systemd; if it did, stop it: tests run their own.
if command -v service >/dev/null 2>&1 && [ -e /etc/init.d/virtuoso-opensource-7 ]; then
  service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
if command -v service >/dev/null 2>&1 && [ -e /etc/init.d/nginx ]; then
  service nginx stop >/dev/null 2>&1 || true
fi
