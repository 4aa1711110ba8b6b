#!/usr/bin/env bash
# Data flows one way (src/README.md): a folder of src/ may include only itself and the folders
# before it in the flow. This fails, naming each file and include, when one includes a later one.
#
#   bash tests/layout/include_order_test.sh [SOURCE_DIR]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root/src"

# The flow, earliest first; folders on one line are side by side and may not include each other.
ranks='
util 0
model 1
net 1
input 2
kube 2
match 3
probe 4
logscan 4
cluster 5
diagnose 6
fix 7
render 8
redact 8
run 9
'
# Includes allowed to run back up, one per line as `FILE FOLDER` (none today).
allowed=''

rank_of() { awk -v f="$1" '$1 == f { print $2 }' <<<"$ranks"; }

bad=0
checked=0
for dir in */; do
    dir=${dir%/}
    from=$(rank_of "$dir")
    if [[ -z $from ]]; then
        echo "src/$dir: not in the flow of tests/layout/include_order_test.sh (add it with its rank)"
        bad=1
        continue
    fi
    while IFS= read -r line; do
        file=${line%%:*}
        inc=$(sed -E 's/^[^:]*:[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/' <<<"$line")
        [[ $inc == */* ]] || continue  # a generated header or one of the same folder
        to_dir=${inc%%/*}
        [[ $to_dir == "$dir" ]] && continue
        to=$(rank_of "$to_dir")
        [[ -n $to ]] || continue  # not a folder of src/ (a library's header)
        checked=$((checked + 1))
        if ((to >= from)); then
            if grep -qxF "$file $to_dir" <<<"$allowed"; then continue; fi
            echo "src/$line"
            echo "  $dir/ (step $from) includes $to_dir/ (step $to), which comes at or after it in the flow"
            bad=1
        fi
    done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' --include='*.h' --include='*.cpp' "$dir" || true)
done
((checked > 50)) || { echo "only $checked includes across folders found: is $root/src the source tree?"; exit 1; }
if ((bad)); then exit 1; fi
echo "include order: $checked includes across folders, none runs back up the flow"
