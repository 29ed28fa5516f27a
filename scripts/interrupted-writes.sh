#!/usr/bin/env bash
# Interrupts `dsdc train` at random moments and checks that no checkpoint is ever lost.
#
#   scripts/interrupted-writes.sh [path/to/dsdc] [kills]     (defaults: .build/release/dsdc, 40)
#
# The run trains on a small slice of MNIST (256 training and 200 test images, batches
# of 64), so an epoch takes a few hundredths of a second and the two checkpoint files
# are rewritten many times a second: most kills land while one of them is being
# written. Each round starts `dsdc train` (resuming from the checkpoint once there is
# one), waits until it has started and then a random 0–2 s, and sends SIGKILL. After every round:
#   - checkpoint.safetensors and model.safetensors, if present, are complete (every
#     tensor's bytes lie inside the file, the file ends where the last tensor ends)
#     and load in `dsdc evaluate`;
#   - the epoch recorded in checkpoint.safetensors never goes back: the checkpoint
#     seen before the kill is either still there, intact, or replaced by a newer one.
# Then the same with SIGINT (Ctrl-C), which must exit with status 130 and print the
# `--resume` command; and the next run removes the temporary files killed writes left.
# The random moments come from the shell's RANDOM seeded with 1, so a run is repeatable
# in its choices (not in where the kills land: that depends on the machine's timing).
set -uo pipefail
cd "$(dirname "$0")/.."

dsdc=${1:-.build/release/dsdc}
kills=${2:-40}
[[ -x $dsdc ]] || { echo "interrupted-writes: no dsdc executable at $dsdc (build it: swift build -c release --product dsdc)" >&2; exit 2; }
[[ $kills =~ ^[0-9]+$ ]] && ((kills > 0)) || { echo "interrupted-writes: kills must be a positive integer, got '$kills'" >&2; exit 2; }
dsdc=$(realpath "$dsdc")
work=$(mktemp -d "${TMPDIR:-/tmp}/dsdc-interrupt.XXXXXX")
trap 'rm -rf "$work"' EXIT
RANDOM=1

# A small MNIST slice in IDX format.
python3 - Data/mnist "$work/data" <<'PY'
import gzip, os, struct, sys
source, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
for split, count in (("train", 256), ("t10k", 200)):
    with gzip.open(os.path.join(source, f"{split}-images-idx3-ubyte.gz")) as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        pixels = f.read(count * rows * cols)
    with open(os.path.join(out, f"{split}-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", magic, count, rows, cols) + pixels)
    with gzip.open(os.path.join(source, f"{split}-labels-idx1-ubyte.gz")) as f:
        magic, n = struct.unpack(">II", f.read(8))
        labels = f.read(count)
    with open(os.path.join(out, f"{split}-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", magic, count) + labels)
PY

out=$work/Output
folder=$out/train
state=$folder/checkpoint.safetensors
model=$folder/model.safetensors
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# Prints the epoch recorded in a complete safetensors file; exits non-zero if the
# header is unreadable or the tensors do not fill the file exactly.
epoch_of() {
  python3 - "$1" <<'PY'
import json, os, struct, sys
path = sys.argv[1]
size = os.path.getsize(path)
with open(path, "rb") as f:
    (length,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(length))
end = max(t["data_offsets"][1] for k, t in header.items() if k != "__metadata__")
if 8 + length + end != size:
    sys.exit(f"{path}: {size} bytes, the header describes {8 + length + end}")
print(header["__metadata__"]["dsdc.epoch"])
PY
}

# Checks both files after an interruption and moves `epoch` to the one recorded;
# $1 is the epoch seen before it.
check_files() {
  local before=$1 round=$2 now
  if [[ ! -e $state ]]; then
    ((before == 0)) || fail "round $round: $state vanished"
    return
  fi
  if ! now=$(epoch_of "$state"); then fail "round $round: $state is incomplete"; return; fi
  ((now >= before)) || fail "round $round: checkpoint went back from epoch $before to $now"
  epoch_of "$model" >/dev/null || fail "round $round: $model is incomplete"
  for file in "$state" "$model"; do
    "$dsdc" evaluate --data "$work/data" --checkpoint "$file" >/dev/null 2>"$work/evaluate.err" \
      || fail "round $round: dsdc evaluate cannot load $file: $(cat "$work/evaluate.err")"
  done
  epoch=$now
}

# Starts a training run in the background under strace, which slows every write(2) by
# 50 ms and every fsync(2) by 150 ms: a checkpoint write then spans about a fifth of a
# second, most of an epoch goes to writing the two files, and a kill at a random
# moment often lands inside one (half-written
# temporary file, or complete but not yet renamed). $pid is strace's; the run is its child.
# (SIGINT rounds run without strace: a traced process does not see the SIGINT that
# dsdc ignores in favour of its own handler.)
train() {
  local resume=() slow=(strace -f -qq -o /dev/null -e trace=write,fsync
    -e inject=write:delay_enter=50000 -e inject=fsync:delay_enter=150000)
  [[ -e $state ]] && resume=(--resume "$state")
  [[ ${1:-} == fast ]] && slow=()
  "${slow[@]}" "$dsdc" train --data "$work/data" --output "$out" --epochs 1000 --batch-size 64 \
    --threads 1 "${resume[@]}" >"$work/train.out" 2>"$work/train.err" &
  pid=$!
  child=$pid
  if ((${#slow[@]})); then
    while ! child=$(pgrep -P "$pid"); do sleep 0.01; done
  fi
}

# Waits until the run has printed its recipe: its Ctrl-C handler is in place.
running() {
  local tries=0
  until grep -q '^Recipe:' "$work/train.out" 2>/dev/null; do
    ((++tries < 3000)) || { fail "dsdc train did not start: $(cat "$work/train.err")"; return; }
    sleep 0.01
  done
}

# Sends SIGINT and returns the run's exit status; a run still alive 20 s later is a
# failure (and is killed).
interrupt() {
  kill -INT "$child" 2>/dev/null
  local waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited++ < 2000)); do sleep 0.01; done
  if kill -0 "$pid" 2>/dev/null; then
    fail "dsdc train ignored SIGINT for 20 s"
    kill -KILL "$pid"
  fi
  wait "$pid"
}

# SIGKILL to the run (strace's child), repeated every half second until strace has
# exited; a run alive 20 s later is a failure (and strace is killed too).
kill_run() {
  local tries=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((tries % 50 == 0)); then
      kill -KILL "$child" 2>/dev/null
      pkill -KILL -P "$pid" 2>/dev/null
    fi
    if ((++tries > 2000)); then
      fail "dsdc train survived SIGKILL for 20 s"
      kill -KILL "$pid" 2>/dev/null
      break
    fi
    sleep 0.01
  done
  wait "$pid" 2>/dev/null
}

# Hidden temporary files beside the checkpoints (each name is new: a random suffix).
temporaries() { find "$folder" -name '.*.tmp-*' 2>/dev/null | sort; }

epoch=0
midwrite=0
for ((round = 1; round <= kills; round++)); do
  before=$(temporaries)
  train
  running
  sleep "$((RANDOM % 2)).$(printf '%03d' $((RANDOM % 1000)))"
  kill_run
  # A temporary file that was not there before the round: the kill cut a write short.
  [[ -n $(comm -13 <(echo "$before") <(temporaries)) ]] && midwrite=$((midwrite + 1))
  check_files "$epoch" "kill $round"
done
echo "SIGKILL: $kills rounds, $midwrite of them during a checkpoint write; the checkpoint reached epoch $epoch and always loaded"
((midwrite >= kills / 8)) || fail "only $midwrite of $kills kills landed during a write; the test did not test much"
killed_epoch=$epoch

interrupts=$((kills / 4 > 0 ? kills / 4 : 1))
for ((round = 1; round <= interrupts; round++)); do
  train fast
  running
  if ((round < interrupts)); then
    sleep "0.$(printf '%03d' $((RANDOM % 800)))"
  else
    # The last round waits (up to 60 s) until the resumed run has saved a new epoch, so
    # that progress across the rounds is checked whatever the machine's speed.
    waited=0
    until (($(epoch_of "$state" 2>/dev/null || echo 0) > killed_epoch)) || ((waited++ >= 6000)); do sleep 0.01; done
  fi
  interrupt
  status=$?
  ((status == 130)) || fail "SIGINT round $round: exit status $status, expected 130"
  grep -q -- "--resume $state" "$work/train.err" \
    || fail "SIGINT round $round: no --resume hint on stderr: $(cat "$work/train.err")"
  check_files "$epoch" "interrupt $round"
done
echo "SIGINT: $interrupts rounds, exit status 130 with the --resume command, the checkpoint reached epoch $epoch"
((epoch > killed_epoch)) || fail "training made no progress across the SIGINT rounds (epoch $epoch)"

# Killed writes leave hidden temporary files beside the checkpoints; the next run
# into the folder removes them before it trains.
touch "$folder/.checkpoint.safetensors.tmp-0123456789abcdef"
train fast
running
interrupt
[[ -e "$folder/.checkpoint.safetensors.tmp-0123456789abcdef" ]] && fail "a resumed run left a stale temporary file in place"
check_files "$epoch" "cleanup"

((failures == 0)) || { echo "interrupted-writes: $failures failure(s)" >&2; exit 1; }
echo "interrupted-writes: all checks passed"
