#!/usr/bin/env bash
# inflate_bench.sh REPO [PASSES]: zlib, libdeflate and ISA-L (if libisal-dev
# is installed) inflating every entry of REPO's packs, CPU seconds per pass.
# The measurement behind the object reader's choice of libdeflate (issue 17).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 REPO [PASSES]" >&2; exit 2; }
packdir=$(git -C "$1" rev-parse --path-format=absolute --git-path objects/pack)
bin=$(mktemp "${TMPDIR:-/tmp}/inflate_bench.XXXXXX")
trap 'rm -f "$bin"' EXIT
isal=()
[ -f /usr/include/isa-l/igzip_lib.h ] && isal=(-DWITH_ISAL -lisal)
cc -O2 -o "$bin" "$here/inflate_bench.c" -lz -ldeflate "${isal[@]}"
for idx in "$packdir"/*.idx; do
	echo "$(basename "${idx%.idx}.pack"):"
	"$bin" "$idx" "${idx%.idx}.pack" "${2:-3}"
done
