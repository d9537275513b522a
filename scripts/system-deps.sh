#!/usr/bin/env bash
# Install the system programs museumkg needs when they are missing (Debian packages).
#   java: the HermiT OWL reasoner that owlready2 runs.
# Runs as root with apt-get (as CI does); otherwise it says what to install and fails.
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "museumkg needs these system packages: ${missing[*]} (install them, then retry)" >&2
  exit 1
fi
echo "installing system packages: ${missing[*]}" >&2
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
