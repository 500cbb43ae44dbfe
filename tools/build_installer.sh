#!/usr/bin/env bash
# Build the one-folder program dist/hcc-desktop/ with PyInstaller, then run its
# self-test. PyInstaller and the program's dependencies go into their own virtual
# environment (build/venv), never the development one: what is bundled is then exactly
# what pyproject.toml asks for, nothing a developer happened to install.
#
#   tools/build_installer.sh              build and self-test
#   tools/build_installer.sh --no-test    build only
#   PYTHON=python3.11 tools/build_installer.sh
#
# On Windows run the same steps from Git Bash, or by hand:
#   py -3.11 -m venv build\venv && build\venv\Scripts\pip install . pyinstaller
#   build\venv\Scripts\pyinstaller --noconfirm --clean build_installer.spec
#   dist\hcc-desktop\hcc-desktop.exe --self-test
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV=build/venv
PYINSTALLER_VERSION="${PYINSTALLER_VERSION:->=6.10,<7}"

if [ -x "$VENV/Scripts/python.exe" ]; then BIN="$VENV/Scripts"; else BIN="$VENV/bin"; fi
if [ ! -x "$BIN/python" ] && [ ! -x "$BIN/python.exe" ]; then
  "$PYTHON" -m venv "$VENV"
  if [ -x "$VENV/Scripts/python.exe" ]; then BIN="$VENV/Scripts"; else BIN="$VENV/bin"; fi
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$BIN/python" -m pip install -q . "pyinstaller$PYINSTALLER_VERSION"

start=$(date +%s)
"$BIN/pyinstaller" --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist build_installer.spec
echo "built dist/hcc-desktop in $(( $(date +%s) - start )) s ($(du -sh dist/hcc-desktop | cut -f1))"

if [ "${1:-}" != "--no-test" ]; then
  exe=dist/hcc-desktop/hcc-desktop
  [ -x "$exe.exe" ] && exe="$exe.exe"
  QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" "$exe" --self-test
fi
