#!/usr/bin/env bash
# Speed, measured in one run: gencs against its peers (scikit-learn) and
# against the machine's memory bandwidth. Not part of the test suite.
#
#   scripts/bench.sh            # needs Debian's python3-sklearn for the peer rows:
#                               #   apt-get install -y python3-sklearn
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/gencs" ./cmd/gencs

echo "== dense operator vs memory bandwidth (m=2000, n=20000, 320 MB; best round of each, measured in alternation) =="
go test -run '^$' -bench 'BenchmarkDenseVsBandwidth' -benchtime 20x ./linop | tee "$tmp/linop.txt"
awk '/BenchmarkDenseVsBandwidth/ {
	for (i = 1; i < NF; i++) v[$(i+1)] = $i
	printf "Apply        %6.1f GB/s = %.2f x read bandwidth (%.1f GB/s)\n", v["apply-GB/s"], v["apply/read"], v["read-GB/s"]
	printf "ApplyAdjoint %6.1f GB/s = %.2f x read bandwidth\n", v["adjoint-GB/s"], v["adjoint/read"]
}' "$tmp/linop.txt"

echo
echo "== fast operators (m = n/4), CPU time per call =="
go test -run '^$' -bench 'BenchmarkDCTApply$|BenchmarkHadamardApply$' -benchtime 10x ./linop | grep -E '^Benchmark'

echo
echo "== solvers vs scikit-learn (m=200, n=1000, k=20, sigma=1e-3) =="
if ! /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
	echo "python3-sklearn is not installed: apt-get install -y python3-sklearn for the peer comparison"
	exit 0
fi
lambda=0.01
/usr/bin/python3 scripts/bench_peer.py "$tmp" 200 1000 20 "$lambda" > "$tmp/peer.jsonl"
while read -r line; do
	method=$(echo "$line" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["method"])')
	peer_s=$(echo "$line" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["seconds"])')
	peer=$(echo "$line" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["peer"])')
	best=""
	for _ in 1 2 3 4 5; do
		s=$("$tmp/gencs" recover --A "$tmp/A.npy" --y "$tmp/y.npy" --method "$method" --k 20 --lambda "$lambda" \
			--out "$tmp/xhat.npy" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
		best=$(/usr/bin/python3 -c "print(min(float('$s'), float('${best:-inf}')))")
	done
	/usr/bin/python3 - "$method" "$best" "$peer_s" "$peer" "$tmp" <<'PY'
import sys, numpy as np
method, ours, theirs, peer, tmp = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
x, xh = np.load(f"{tmp}/x.npy"), np.load(f"{tmp}/xhat.npy")
err = np.linalg.norm(xh - x) / np.linalg.norm(x)
print(f"{method:6s} gencs {ours*1e3:8.2f} ms (rel. error {err:.2e})   {peer}: {theirs*1e3:8.2f} ms   speed ratio gencs/peer = {theirs/ours:.2f}x")
PY
done < "$tmp/peer.jsonl"
