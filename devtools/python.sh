#!/usr/bin/env bash
# Prints the path of a working python3.13, the deployed Lambda runtime's version, so that the venv, the
# tests and `sam build` all use what Lambda runs: python3.13 on PATH, else pyenv's copy. Never downloads.
set -euo pipefail
version=3.13
root=${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")}
mapfile -t pyenv_copies < <(ls -d "$root"/versions/"$version".*/bin/python"$version" 2>/dev/null | sort -V -r)
for candidate in "python$version" "${pyenv_copies[@]}"; do
  # A pyenv shim is on PATH even when its version is not selected: run it to be sure.
  if path=$(command -v "$candidate") && "$path" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
echo "python$version not found: install it (e.g. pyenv install $version) and retry" >&2
exit 1
