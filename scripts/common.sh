# Shared by scripts/run.sh and scripts/test.sh: find Python 3.12+, make the virtual environment, install what the
# project needs. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.13 python3.12 python3)
  if command -v pyenv >/dev/null 2>&1; then
    local root; root="$(pyenv root)"
    for p in "$root"/versions/3.1[2-9]*/bin/python3 "$root"/versions/3.1[2-9]*/bin/python; do
      [ -x "$p" ] && candidates+=("$p")
    done
  fi
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 && python_ok "$(command -v "$c")"; then command -v "$c"; return 0; fi
  done
  die "Partner Center needs Python 3.12 or newer (Django 6 requires it), and none was found.
Install one (e.g. 'apt-get install python3.12', or 'pyenv install 3.13') or point PYTHON at it: PYTHON=/path/to/python3.13 make run"
}

apt_install() {
  # System packages, when this user may install them; otherwise say what is missing.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing system packages: $*"
    if ! apt-get install -y -q --no-install-recommends "$@" >/tmp/partnercenter-apt.log 2>&1; then
      apt-get update -q >>/tmp/partnercenter-apt.log 2>&1
      apt-get install -y -q --no-install-recommends "$@" >>/tmp/partnercenter-apt.log 2>&1 || return 1
    fi
  else
    return 1
  fi
}

ensure_gettext() {
  command -v msgfmt >/dev/null 2>&1 && return 0
  apt_install gettext || die "msgfmt (GNU gettext) is needed to compile the translations: apt-get install gettext"
}

ensure_icons() {
  # The icons: Microsoft's Fluent System Icons, the npm package pinned in package-lock.json, into node_modules/ (the
  # portal serves the few it uses as static files: partnercenter/icons.py). Again only when the lock file changes.
  # --ignore-scripts: the package is SVG files; nothing of it runs here.
  local stamp="$ROOT/node_modules/.package-lock.sha"
  local want; want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm || die "npm (Node.js) is needed to install the icons: apt-get install nodejs npm"
  fi
  say "Installing the icons (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
}

ensure_venv() {
  local requirements="$1"
  if [ ! -x "$VENV/bin/python" ] || ! python_ok "$VENV/bin/python"; then
    local py; py="$(find_python)"
    say "Creating the virtual environment with $("$py" --version) ($py)"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
  fi
  local stamp="$VENV/.requirements.sha"
  local want; want="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)-$requirements"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing Python packages from $requirements"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -r "$requirements"
    echo "$want" > "$stamp"
  fi
}

compile_translations() {
  ensure_gettext
  # Settings load for every command; no secret is used here.
  SECRET_KEY="${SECRET_KEY:-compilemessages-only}" "$VENV/bin/python" manage.py compilemessages --ignore=.venv -v0
}

site_url_for_addr() {
  # The address a browser opens for runserver's ADDR ("[host:]port"): its port, and 127.0.0.1 (or [::1]) for a host
  # that means "every interface", which no browser can open.
  local addr="$1" host port
  case "$addr" in
    *:*) host="${addr%:*}" port="${addr##*:}" ;;
    *) host="" port="$addr" ;;
  esac
  case "$host" in
    "" | 0.0.0.0 | 0) host="127.0.0.1" ;;
    "[::]" | "::") host="[::1]" ;;
  esac
  printf 'http://%s:%s\n' "$host" "$port"
}
