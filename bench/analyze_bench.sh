#!/usr/bin/env bash
# Benchmark of `analyze` on a large controller log: generates it (99.9% ordinary lines, 0.1%
# registry and TLS failures of every kind against 200 registries), then reports from one run:
# analyze's MB/s and peak memory, its time against `rg -c -f` and `grep -E -c -f` with the same
# regexes (`patterns regexes`), and against `cat FILE > /dev/null` as the floor; the peak memory
# at a sixteenth of the size too (it must not grow with the file), and on a log fifty times as
# dense in failures (the groups fill their bound); explain's whole-process latency
# against `kubectl version --client`; and the matcher's messages per second (Google Benchmark).
# All reads are from the page cache (each file is read once before it is timed).
# usage: bench/analyze_bench.sh [BUILD-DIR] [MIB] [RUNS]
set -u
build=${1:-build}
mib=${2:-1024}
runs=${3:-3}
binary="$build/kubectl-tekton_certdoctor"
gen="$build/bench/gen_controller_log"
root=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$binary" ] && [ -x "$gen" ] || { echo "build first: $binary or $gen is missing"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/controller.log"
echo "generating a $mib MiB controller log ..."
"$gen" --bytes $((mib * 1024 * 1024)) --registries 200 --every 1000 > "$log" 2> "$work/gen.txt"
cat "$work/gen.txt"
"$gen" --bytes $((mib * 1024 * 1024 / 16)) --registries 200 --every 1000 > "$work/small.log" 2>/dev/null
# A quarter of the size with fifty times the failures: the groups and run lists fill their bound.
"$gen" --bytes $((mib * 1024 * 1024 / 4)) --registries 200 --every 20 > "$work/dense.log" 2>/dev/null
"$binary" patterns regexes > "$work/failures.re"
"$binary" patterns regexes --syntax ere > "$work/failures.ere"
bytes=$(stat -c %s "$log")
cat "$log" > /dev/null; cat "$log" > /dev/null

# best_of LABEL COMMAND...: the fastest of RUNS runs, in ms, and the max RSS in KiB of that run.
best_of() {
  local label=$1; shift
  local best=0 best_rss=0 start end ms
  for _ in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    /usr/bin/time -f '%M' -o "$work/$label.rss" "$@" > "$work/$label.out" 2> /dev/null
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ "$best" = 0 ] || [ "$ms" -lt "$best" ]; then best=$ms; best_rss=$(tail -n1 "$work/$label.rss"); fi
  done
  echo "$best $best_rss"
}
read -r t_cat _ < <(best_of cat sh -c 'cat "$0" > /dev/null' "$log")
read -r t_an rss_an < <(best_of analyze "$binary" analyze "$log" -o json)
matched=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["matched_lines"], len(d["groups"]))' "$work/analyze.out")
read -r _ rss_small < <(best_of small "$binary" analyze "$work/small.log" -o json)
read -r t_dense rss_dense < <(best_of dense "$binary" analyze "$work/dense.log" -o json)
dense=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["matched_lines"], len(d["groups"]), sum(len(g["objects"]) for g in d["groups"]))' "$work/dense.out")
t_rg=n/a; c_rg=n/a
if command -v rg > /dev/null; then
  read -r t_rg _ < <(best_of rg rg -c -f "$work/failures.re" "$log"); c_rg=$(cat "$work/rg.out")
fi
read -r t_grep _ < <(best_of grep grep -E -c -f "$work/failures.ere" "$log"); c_grep=$(cat "$work/grep.out")
mbps() { awk -v b="$bytes" -v t="$1" 'BEGIN { if (t > 0) printf "%.0f", b / 1e6 / (t / 1000); else print "n/a" }'; }
echo
echo "file: $((bytes / 1024 / 1024)) MiB, $(wc -l < "$log") lines; best of $runs runs, from the page cache, $(nproc) cores"
echo "  cat FILE > /dev/null (floor):   ${t_cat} ms   $(mbps "$t_cat") MB/s"
echo "  analyze -o json:                ${t_an} ms   $(mbps "$t_an") MB/s   peak RSS $((rss_an / 1024)) MiB   (failure lines, groups: $matched)"
echo "  rg -c -f (same regexes):        ${t_rg} ms   $( [ "$t_rg" = n/a ] && echo n/a || mbps "$t_rg") MB/s   (lines: $c_rg)"
echo "  grep -E -c -f (same regexes):   ${t_grep} ms   $(mbps "$t_grep") MB/s   (lines: $c_grep)"
echo "  analyze peak RSS at $((mib / 16)) MiB: $((rss_small / 1024)) MiB (at $mib MiB: $((rss_an / 1024)) MiB)"
read -r d_lines d_groups d_runs <<< "$dense"
echo "  analyze at $((mib / 4)) MiB with a failure every 20 lines: ${t_dense} ms, peak RSS $((rss_dense / 1024)) MiB ($d_lines failure lines; $d_groups groups and $d_runs runs kept within the bound)"
echo
bash "$root/bench/explain_latency.sh" "$build" 50
echo
if [ -x "$build/bench/certdoctor_bench" ]; then
  "$build/bench/certdoctor_bench" --benchmark_filter='Match|Reject' 2>/dev/null | grep -E '^(Match|Reject|Benchmark|-)' || true
fi
