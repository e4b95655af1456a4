#!/bin/sh
# How often `perf record -p` fails to start on a process whose threads start and end without pause, with and
# without a tracepoint filter (docs/profilers/perf.md, "Threads that come and go"). Needs perf and python3, and root or
# CAP_PERFMON. Prints one line per mode: how many of N attaches failed.
set -u
N=${1:-20}
dir=$(mktemp -d)
trap 'kill "$churn" 2>/dev/null; rm -rf "$dir"' EXIT
python3 -c '
import threading, time
for _ in range(20):
    threading.Thread(target=lambda: time.sleep(3600), daemon=True).start()
while True:
    t = threading.Thread(target=lambda: None); t.start(); t.join()
' &
churn=$!
sleep 1
for mode in filtered unfiltered; do
    failed=0
    i=0
    while [ "$i" -lt "$N" ]; do
        if [ "$mode" = filtered ]; then
            set -- -e raw_syscalls:sys_enter --filter 'id == 0 || id == 1' -e raw_syscalls:sys_exit --filter 'id == 0 || id == 1'
        else
            set -- -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit
        fi
        # -D -1: start disabled, as iops does; a failed attach exits at once, a good one is stopped after 0.3 s
        timeout -s INT 0.3 perf record -D -1 --no-bpf-event --synth=no -B -N "$@" -p "$churn" -o "$dir/p.data" \
            > /dev/null 2> "$dir/err" < /dev/null
        if grep -q "failed to set filter\|No such process" "$dir/err"; then
            failed=$((failed + 1))
        fi
        i=$((i + 1))
    done
    echo "$mode: $failed of $N attaches failed"
done
