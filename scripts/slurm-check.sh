#!/usr/bin/env bash
# Runs the Slurm job array of docs/reports.md ("Many machines: shards") on a real, one-node Slurm
# cluster started on this machine, and checks that `bench report` merges the four shards into the
# whole plan: every cell (workload x allocator x threads) once per repetition, every row status ok.
#
# Usage: scripts/slurm-check.sh [BENCH]   (BENCH: default .build/release/bench of this repository)
#
# Needs: root (it installs packages and runs the daemons as root; SlurmUser=root), Debian 12's
# slurm-wlm and munge (installed with apt-get when missing), python3, a release build (make build),
# TCP ports 6817 and 6818 free. Everything else lives in a fresh folder from mktemp -d: a munge key
# and munged with its own socket, pid, seed and log files; slurm.conf; slurmctld's state and
# slurmd's spool; the daemons' logs; the job script, its output and the shards' run folders. No
# system file is written besides the packages, and the system munge, if any, is not used. slurmctld,
# slurmd and munged are started in the foreground (-D/-F: there is no systemd here) in the
# background, and stopped by their process ids when the script exits. The folder is kept, and its
# path printed, so that the logs can be read.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench=${1:-$repo/.build/release/bench}
filter='^(BigStruct|ExplicitAlloc)/'
allocators=system,jemalloc
count=2
benchtime=100ms
shards=4

if [ ! -x "$bench" ]; then
    echo "slurm-check: $bench is missing; build it first: make build" >&2
    exit 2
fi
bench=$(cd "$(dirname "$bench")" && pwd)/$(basename "$bench")
if [ "$(id -u)" -ne 0 ]; then
    echo "slurm-check: run it as root (it installs slurm-wlm and munge, and runs slurmctld, slurmd" \
        "and munged as root)" >&2
    exit 1
fi
command -v python3 >/dev/null || { echo "slurm-check: python3 is needed for the check" >&2; exit 1; }

# --- packages ------------------------------------------------------------------------------------
missing=()
for package in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "slurm-check: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- the cluster's folder ------------------------------------------------------------------------
started=$SECONDS
tmp=$(mktemp -d /tmp/slurm-check.XXXXXX)
mkdir -p "$tmp"/{munge,run,state,spool,log}
chmod 755 "$tmp" "$tmp/run"   # munged wants its socket's folder open to all (execute)
chmod 700 "$tmp/munge"        # the key, the seed and the pid file
export SLURM_CONF=$tmp/slurm.conf
node=$(hostname -s)
pids=()     # daemons started here, stopped in this order's reverse
job=""

our_stepds() { # the slurmstepd processes of this cluster's slurmd: they hold its log open
    local pid
    for pid in $(pgrep -x slurmstepd); do
        ls -l "/proc/$pid/fd" 2>/dev/null | grep -qF "$tmp/log/slurmd.log" && echo "$pid"
    done
    return 0
}

stop() {
    local rc=$?
    set +e
    # A job still queued or running (a failure or a timeout above) is cancelled while slurmctld runs.
    [ -n "$job" ] && squeue -h -j "$job" 2>/dev/null | grep -q . && scancel "$job"
    # A task's slurmstepd outlives it in squeue for a moment: wait for ours (10 s at most), then
    # end any left, so that none is left behind.
    for _ in $(seq 50); do [ -z "$(our_stepds)" ] && break; sleep 0.2; done
    for pid in $(our_stepds); do kill -TERM "$pid" 2>/dev/null; done
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill -TERM "${pids[i]}" 2>/dev/null
        for _ in $(seq 50); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "${pids[i]}" 2>/dev/null
    done
    wait 2>/dev/null
    if [ "$rc" -ne 0 ]; then
        # A daemon that died before opening its log said why on stderr.
        for daemon in munged slurmctld slurmd; do
            for log in "$tmp/log/$daemon.log" "$tmp/log/$daemon.stderr"; do
                [ -s "$log" ] && { echo "--- last lines of $log" >&2; tail -n 15 "$log" >&2; break; }
            done
        done
        echo "slurm-check: FAILED after $((SECONDS - started)) s; logs and run folders in $tmp" >&2
    else
        echo "slurm-check: passed in $((SECONDS - started)) s; logs and run folders in $tmp"
    fi
    exit "$rc"
}
trap stop EXIT
trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP

wait_for() { # SECONDS WHAT COMMAND...: run COMMAND every half second until it succeeds
    local limit=$1 what=$2
    shift 2
    for _ in $(seq $((limit * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
    echo "slurm-check: $what did not happen within $limit s" >&2
    return 1
}

# --- munge: a key of our own and munged on a socket in the folder --------------------------------
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
socket=$tmp/run/munge.socket
munged -F --key-file="$tmp/munge/munge.key" --socket="$socket" --pid-file="$tmp/munge/munged.pid" \
    --seed-file="$tmp/munge/munged.seed" 2>>"$tmp/log/munged.log" &
pids+=($!)
wait_for 10 "munged's socket" test -S "$socket"
wait_for 10 "a munge credential" sh -c "munge -n -S '$socket' | unmunge -S '$socket'"

# --- slurm.conf: one node, one partition, no accounting, every path in the folder ----------------
cpus=$(nproc)
# slurmd -C prints the memory slurmd will find (a node configured with more is drained); else MemTotal.
memory=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n 1)
[ -n "$memory" ] || memory=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
cat >"$SLURM_CONF" <<EOF
ClusterName=allocbench
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroup plugin: processes are tracked through /proc and tasks are not confined, which needs no
# cgroup.conf, no systemd (there is none here) and leaves nothing in /sys/fs/cgroup; one node that
# runs one task at a time needs no more. A production cluster would use proctrack/cgroup and
# task/cgroup,task/affinity.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
NodeName=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=bench Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

# -c: a fresh cluster, no state to recover. slurmctld logs "can not load PMIx library" (it loads
# every MPI plugin; MpiDefault=none) and the missing state files: both harmless here.
slurmctld -c -D -f "$SLURM_CONF" >/dev/null 2>>"$tmp/log/slurmctld.stderr" &
pids+=($!)
wait_for 30 "slurmctld answering" scontrol ping
slurmd -D -f "$SLURM_CONF" >/dev/null 2>>"$tmp/log/slurmd.stderr" &
pids+=($!)
node_idle() { [ "$(sinfo -h -N -n "$node" -o %t)" = idle ]; }
wait_for 60 "node $node idle in sinfo" node_idle
version=$(sinfo --version)
echo "slurm-check: $version, one node $node ($cpus CPUs, $memory MB), folder $tmp"

# --- the job array of docs/reports.md ------------------------------------------------------------
# As documented, with the bench binary's path, a shorter plan (--count 2 --benchtime 100ms
# --allocators system,jemalloc) and the run folders in $tmp. --exclusive stays: on one node it runs
# the four tasks one after the other, which is what a benchmark wants on a 2-core machine anyway.
cat >"$tmp/bench-array.sh" <<EOF
#!/bin/bash
#SBATCH --array=1-$shards --exclusive
'$bench' run --filter '$filter' --count $count --benchtime $benchtime --allocators $allocators \\
    --shard "\$SLURM_ARRAY_TASK_ID/$shards" --out "run-\$SLURM_ARRAY_TASK_ID"
EOF
cd "$tmp"
submitted=$(sbatch --parsable --chdir="$tmp" --output="$tmp/log/task-%a.out" --job-name=allocbench \
    "$tmp/bench-array.sh")
job=${submitted%%;*}
echo "slurm-check: submitted job array $job (tasks 1-$shards), waiting"
# Polled rather than sbatch --wait, so that the job id is known to the EXIT trap (which cancels a
# job left running) and a hung job ends the wait after 30 minutes.
job_gone() { ! squeue -h -j "$job" 2>/dev/null | grep -q .; }
wait_for 1800 "job $job ending" job_gone
# Without accounting there is no sacct, but slurmctld keeps an ended job's record (MinJobAge,
# 300 s): each task's state and exit code.
failed=0
scontrol -o show job "$job" >log/job.txt
for k in $(seq "$shards"); do
    line=$(grep " ArrayTaskId=$k " log/job.txt || true)
    state=$(grep -o ' JobState=[A-Z_]*' <<<"$line" | sed 's/.*=//' || true)
    exit_code=$(grep -o ' ExitCode=[0-9:]*' <<<"$line" | sed 's/.*=//' || true)
    if [ "$state" != COMPLETED ] || [ ! -f "run-$k/runs.csv" ]; then
        echo "slurm-check: task $k: state ${state:-unknown}, exit code ${exit_code:-unknown};" \
            "its output:" >&2
        tail -n 20 "log/task-$k.out" >&2 || true
        failed=1
    fi
done
[ "$failed" -eq 0 ]
job=""

# --- merge and check -----------------------------------------------------------------------------
folders=()
for k in $(seq "$shards"); do folders+=("run-$k"); done
if ! "$bench" report "${folders[@]}" --out merged >log/report.out 2>&1; then
    echo "slurm-check: bench report failed:" >&2
    tail -n 20 log/report.out >&2
    exit 1
fi
"$bench" list >log/list.out
python3 - "$filter" "$allocators" "$count" "$shards" <<'EOF'
import collections, csv, re, sys

pattern, allocators = re.compile(sys.argv[1]), sys.argv[2].split(",")
count, shards = int(sys.argv[3]), int(sys.argv[4])

# The workloads in `bench list` order (the order shards are dealt in), those the filter selects.
workloads, listing = [], False
for line in open("log/list.out"):
    if line.startswith("Workloads"):
        listing = True
    elif listing and not line.strip():
        break
    elif listing:
        name = line.strip().lstrip("*").split()[0]
        if pattern.search(name):
            workloads.append(name)

def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))

def key(row):
    return (row["suite"] + "/" + row["workload"], row["allocator"], int(row["threads"]), int(row["rep"]))

# Threads 1 only: single-threaded workloads always run at 1, parallel ones at the default --threads 1.
expected = {(w, a, 1, r) for w in workloads for a in allocators for r in range(1, count + 1)}
problems = []
shard_keys = collections.Counter()
for k in range(1, shards + 1):
    shard_rows = rows(f"run-{k}/runs.csv")
    names = list(dict.fromkeys(key(r)[0] for r in shard_rows))
    dealt = workloads[k - 1::shards]
    print(f"shard {k}/{shards}: {len(shard_rows)} rows, {len(names)} workloads: {' '.join(names)}")
    if names != dealt:
        problems.append(f"shard {k} ran {names}, round robin in bench list order deals {dealt}")
    shard_keys.update(key(r) for r in shard_rows)

merged = rows("merged/runs.csv")
seen = collections.Counter(key(r) for r in merged)
for cell in sorted(expected - set(seen)):
    problems.append(f"missing in merged/runs.csv: {cell}")
for cell in sorted(set(seen) - expected):
    problems.append(f"not in the plan: {cell}")
for cell, n in sorted(seen.items()):
    if n > 1:
        problems.append(f"{n} rows for {cell}")
for r in merged:
    if r["status"] != "ok":
        problems.append(f"status {r['status']} for {key(r)}: {r['error']}")
if seen != shard_keys:
    problems.append("merged/runs.csv is not the union of the shards' rows")
hosts = sorted({r["host"] for r in merged})
print(f"merged: {len(merged)} rows, {sum(r['status'] == 'ok' for r in merged)} status ok, host {' '.join(hosts)}")
print(f"plan: {len(workloads)} workloads x {len(allocators)} allocators x 1 thread count x {count} repetitions"
      f" = {len(expected)} rows" + ("" if problems else ", each cell once per repetition"))
for p in problems:
    print("MISMATCH: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
