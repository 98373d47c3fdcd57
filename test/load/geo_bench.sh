#!/usr/bin/env bash
# geo_bench.sh measures nearby provider search over 50,000 providers, for
# docs/benchmarks.md: the Redis geo index (miniredis and a throwaway
# redis-server) against brute force in memory and brute force over the
# embedded FerretDB, query by query, in one run of TestGeoSearchLatency
# (test/load/geo_bench_test.go); then, unless GO_BENCH=0, the Go
# benchmarks BenchmarkNearby and BenchmarkBruteForce of adapters/redis on
# both Redis servers. It stops the redis-server it started on exit.
# Nothing listens beyond loopback. About 2 minutes on 2 cores.
#
#   test/load/geo_bench.sh
#   QUERIES=500 MONGO_QUERIES=2 GO_BENCH=0 test/load/geo_bench.sh
#
# Settings (environment):
#   QUERIES=2000       searches per index/in-memory path, half 3 km, half 15 km
#   MONGO_QUERIES=6    searches per radius on FerretDB (each about 1.5 s)
#   GO_BENCH=1         also run the Go benchmarks, BENCHTIME=100x each
#   KEEP=1             keep the temp dir (redis log, output)
set -euo pipefail

QUERIES=${QUERIES:-2000}
MONGO_QUERIES=${MONGO_QUERIES:-6}
GO_BENCH=${GO_BENCH:-1}
BENCHTIME=${BENCHTIME:-100x}
KEEP=${KEEP:-0}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kincare-geo-bench.XXXXXX")
redis_pid=

say() { printf '\n== %s\n' "$*"; }

cleanup() {
	if [[ -n $redis_pid ]]; then
		kill -TERM "$redis_pid" 2>/dev/null || true
		wait "$redis_pid" 2>/dev/null || true
	fi
	if [[ $KEEP == 1 ]]; then
		echo "kept $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# free_port VAR sets VAR to a port nothing on 127.0.0.1 answers on, below
# the default ephemeral range (as in auth_bench.sh).
free_port() {
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			printf -v "$1" '%s' "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

command -v go >/dev/null || { echo "go is required" >&2; exit 1; }
if ! command -v redis-server >/dev/null; then
	sudo=""
	[[ $(id -u) == 0 ]] || sudo=sudo
	$sudo apt-get update
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server
fi

say "machine"
echo "nproc: $(nproc)"
echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "go: $(go version)"
echo "redis: $(redis-server --version)"
echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

free_port redis_port
redis-server --bind 127.0.0.1 --port "$redis_port" --protected-mode yes \
	--save '' --appendonly no --daemonize no --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
for _ in $(seq 100); do
	redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
	sleep 0.1
done
redis_url="redis://127.0.0.1:$redis_port/0"

say "latency per query (TestGeoSearchLatency)"
echo "GEO_BENCH=1 GEO_BENCH_QUERIES=$QUERIES GEO_BENCH_MONGO_QUERIES=$MONGO_QUERIES GEO_BENCH_REDIS_URL=redis://127.0.0.1:PORT/0 go test -run '^TestGeoSearchLatency\$' -count=1 -v -timeout 10m ./test/load/"
(cd "$root" && GEO_BENCH=1 GEO_BENCH_QUERIES="$QUERIES" GEO_BENCH_MONGO_QUERIES="$MONGO_QUERIES" \
	GEO_BENCH_REDIS_URL="$redis_url" \
	go test -run '^TestGeoSearchLatency$' -count=1 -v -timeout 10m ./test/load/) | tee "$work/latency.txt"

if [[ $GO_BENCH == 1 ]]; then
	say "go benchmarks, miniredis"
	echo "go test -run '^\$' -bench 'Nearby|BruteForce' -benchtime $BENCHTIME ./adapters/redis/"
	(cd "$root" && go test -run '^$' -bench 'Nearby|BruteForce' -benchtime "$BENCHTIME" ./adapters/redis/)
	say "go benchmarks, redis-server"
	echo "REDIS_URL=redis://127.0.0.1:PORT/0 go test -run '^\$' -bench 'Nearby' -benchtime $BENCHTIME ./adapters/redis/"
	(cd "$root" && REDIS_URL="$redis_url" go test -run '^$' -bench 'Nearby' -benchtime "$BENCHTIME" ./adapters/redis/)
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
