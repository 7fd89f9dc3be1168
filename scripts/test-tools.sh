#!/usr/bin/env bash
# What the integration tests need from the machine that npm cannot bring, before `npm run test:integration`:
# - a Chromium for the browser tests (test/web; playwright-core drives it and downloads no browser of its own):
#   CHROMIUM_PATH, else the first of CHROMIUM_NAMES on PATH, else Debian's `chromium` package when this is root
#   with apt-get; otherwise one line says what to run, and the tests do not start.
# - docker-compose, for `docker-compose config` on the compose file (test/deploy/compose.spec.ts): installed the
#   same way alongside Chromium; where it cannot be, that one check is skipped and a line says so.
# - Debian's python3-pika, python3-cryptography and python3-jsonschema for the Python example adapter that the
#   conformance kit runs (test/conformance): where TEST_PYTHON (default /usr/bin/python3, Debian's own, not a pyenv
#   or venv one) cannot import them, installed the same way; otherwise one line says what to run, and the tests do not
#   start.
# test/support/browser.ts looks for Chromium in the same order.
set -euo pipefail

PYTHON=${TEST_PYTHON:-/usr/bin/python3}
PYTHON_PACKAGES=(python3-pika python3-cryptography python3-jsonschema)

CHROMIUM_NAMES=(chromium chromium-browser google-chrome-stable google-chrome)

find_chromium() {
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    if [[ -f "$CHROMIUM_PATH" && -x "$CHROMIUM_PATH" ]]; then echo "$CHROMIUM_PATH"; fi
    return 0
  fi
  local name
  for name in "${CHROMIUM_NAMES[@]}"; do
    command -v "$name" && return
  done
  return 0
}

has_compose() {
  { command -v docker >/dev/null && docker compose version >/dev/null 2>&1; } ||
    { command -v docker-compose >/dev/null && docker-compose version >/dev/null 2>&1; }
}

has_python_packages() {
  [[ -x "$PYTHON" ]] && "$PYTHON" -c 'import pika, cryptography, jsonschema' >/dev/null 2>&1
}

chromium=$(find_chromium)
missing=()
[[ -z "$chromium" && -z "${CHROMIUM_PATH:-}" ]] && missing+=(chromium)
has_compose || missing+=(docker-compose)
has_python_packages || missing+=("${PYTHON_PACKAGES[@]}")

if ((${#missing[@]} > 0)) && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  echo "test tools: installing ${missing[*]} (apt-get)"
  # another install on the machine holds dpkg's lock for a while: wait for it rather than fail
  apt_get=(apt-get -o DPkg::Lock::Timeout=600)
  "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq "${missing[@]}" >/dev/null
  chromium=$(find_chromium)
fi

if [[ -z "$chromium" ]]; then
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    echo "test tools: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file" >&2
  else
    echo "test tools: the browser tests need Chromium: run \`sudo apt-get install chromium\` (Debian, Ubuntu)," \
      "or set CHROMIUM_PATH to a Chromium or Chrome binary" >&2
  fi
  exit 1
fi
if ! has_python_packages; then
  echo "test tools: the conformance tests run the Python example adapter with $PYTHON: run" \
    "\`sudo apt-get install ${PYTHON_PACKAGES[*]}\` (Debian, Ubuntu), or set TEST_PYTHON to a Python that has them" >&2
  exit 1
fi
echo "test tools: $("$chromium" --version 2>/dev/null || echo "$chromium")"
has_compose ||
  echo "test tools: no docker-compose (apt-get install docker-compose): test/deploy skips \`docker-compose config\`"
