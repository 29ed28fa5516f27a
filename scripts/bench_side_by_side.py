#!/usr/bin/env python3
"""DSDC-Net throughput of dsdc, PyTorch, ONNX Runtime and OpenVINO, side by side.

    scripts/bench_side_by_side.py [--repeats 5] [--torch-python PYTHON] [--quiet-limit 10] [--json FILE]

For each case (training at batch 32, the default recipe's, 64 and 128; inference at
batch 1000 and 1), every
repetition runs the programs one after the other, in a rotating order, so that a
noisy moment on the machine falls on each of them alike:

    .build/release/dsdc-bench throughput --mode M --batch B                       (dsdc)
    PYTHON scripts/pytorch_reference.py bench --mode M --batch B --layout nchw
    PYTHON scripts/pytorch_reference.py bench --mode M --batch B --layout channels_last
    PYTHON scripts/pytorch_reference.py bench --mode infer --batch B --engine onnxruntime
    PYTHON scripts/pytorch_reference.py bench --mode infer --batch B --engine openvino

All use 2 threads and print one line of JSON with images_per_s; the two engines run
the PyTorch model exported to ONNX, for inference only, and are skipped when PYTHON
cannot import them. Around every run the script reads /proc/stat and its children's
CPU time: the CPU time that *other* processes used during the run, as a share of the
machine, is printed with it, and a run where that share exceeds --quiet-limit percent
is disturbed and left out of the medians. The table gives the median of the quiet runs
of each program and the ratio of dsdc's median to each.

Only the Python standard library is needed here; PYTHON (default: $TORCH_PYTHON, else
python3) must have torch installed, e.g. in a virtual environment outside the repository:

    python3 -m venv ~/venv-torch && ~/venv-torch/bin/pip install torch safetensors numpy onnx onnxruntime openvino
    swift build -c release --product dsdc-bench
    scripts/bench_side_by_side.py --torch-python ~/venv-torch/bin/python
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".build" / "release" / "dsdc-bench"
REFERENCE = ROOT / "scripts" / "pytorch_reference.py"

# (mode, batch, timed steps for PyTorch, for dsdc and the inference engines): about a
# second or more of work per run on two cores (a window of a few tens of milliseconds
# would catch a passing stall of the machine whole).
CASES = [("train", 32, 40, 60), ("train", 64, 30, 30), ("train", 128, 15, 15), ("infer", 1000, 3, 40), ("infer", 1, 300, 10000)]
TRAINERS = ["dsdc", "nchw", "channels_last"]
ENGINES = ["onnxruntime", "openvino"]
NAMES = {"dsdc": "dsdc", "nchw": "PyTorch NCHW", "channels_last": "PyTorch channels_last",
         "onnxruntime": "ONNX Runtime", "openvino": "OpenVINO"}


def command(program, mode, batch, steps, python):
    if program == "dsdc":
        return [str(BENCH), "throughput", "--mode", mode, "--batch", str(batch), "--steps", str(steps),
                "--threads", "2"]
    if program in ENGINES:
        return [python, str(REFERENCE), "bench", "--mode", mode, "--batch", str(batch), "--steps", str(steps),
                "--threads", "2", "--engine", program]
    return [python, str(REFERENCE), "bench", "--mode", mode, "--batch", str(batch), "--steps", str(steps),
            "--threads", "2", "--layout", program]


def busy_seconds():
    """CPU seconds every process on the machine has used so far (/proc/stat, all cores)."""
    fields = open("/proc/stat").readline().split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def children_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(arguments):
    """The program's JSON line, plus `other_share`: other processes' CPU share during the run."""
    busy, own, start = busy_seconds(), children_seconds(), time.perf_counter()
    finished = subprocess.run(arguments, capture_output=True, text=True)
    wall = time.perf_counter() - start
    other = (busy_seconds() - busy) - (children_seconds() - own)
    if finished.returncode != 0:
        sys.exit(f"bench_side_by_side: {' '.join(arguments)} failed: {finished.stderr.strip()}")
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    result["other_share"] = max(0.0, other / (wall * os.cpu_count()))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each program per case (default 5)")
    parser.add_argument("--torch-python", default=os.environ.get("TORCH_PYTHON", "python3"),
                        help="a Python with torch installed (default: $TORCH_PYTHON, else python3)")
    parser.add_argument("--quiet-limit", type=float, default=10.0,
                        help="a run is disturbed when other processes used more than this percent of "
                             "the machine meanwhile (default 10)")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    args = parser.parse_args()
    if args.repeats < 1:
        sys.exit("bench_side_by_side: --repeats must be at least 1")
    if not BENCH.exists():
        sys.exit(f"bench_side_by_side: {BENCH} is missing (build it: swift build -c release --product dsdc-bench)")
    if not os.path.exists("/proc/stat"):
        sys.exit("bench_side_by_side: /proc/stat is missing; the disturbance check needs Linux")
    probe = subprocess.run([args.torch_python, "-c", "import torch; print(torch.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        sys.exit(f"bench_side_by_side: {args.torch_python} cannot import torch "
                 "(install it in a venv and pass --torch-python VENV/bin/python)")
    torch_version = probe.stdout.strip()
    engines = [e for e in ENGINES
               if subprocess.run([args.torch_python, "-c", f"import {e}, onnx"], capture_output=True).returncode == 0]
    skipped = [e for e in ENGINES if e not in engines]

    print(f"dsdc vs PyTorch {torch_version} (CPU){', ' + ', '.join(NAMES[e] for e in engines) if engines else ''};"
          f" DSDC-Net, 2 threads, {args.repeats} runs each, medians of the quiet runs (other processes"
          f" ≤ {args.quiet_limit:g}% of the machine)", flush=True)
    if skipped:
        print(f"  ({', '.join(NAMES[e] for e in skipped)} not installed in {args.torch_python}: skipped)")
    measurements = []
    rows = []
    for mode, batch, slow_steps, fast_steps in CASES:
        programs = TRAINERS + (engines if mode == "infer" else [])
        rates = {program: [] for program in programs}
        disturbed = {program: 0 for program in programs}
        memory = []
        for repeat in range(args.repeats):
            shift = repeat % len(programs)
            for program in programs[shift:] + programs[:shift]:
                steps = slow_steps if program in ("nchw", "channels_last") else fast_steps
                result = run(command(program, mode, batch, steps, args.torch_python))
                quiet = result["other_share"] * 100 <= args.quiet_limit
                if quiet:
                    rates[program].append(result["images_per_s"])
                else:
                    disturbed[program] += 1
                if program == "dsdc":
                    memory.append(result.get("peak_resident_mb", 0))
                measurements.append({"mode": mode, "batch": batch, "program": program, "repeat": repeat,
                                     "quiet": quiet, **result})
                print(f"    {mode} {batch} {NAMES[program]}: {result['images_per_s']:,.0f} images/s, other "
                      f"processes {result['other_share'] * 100:.1f}%{'' if quiet else ' (disturbed)'}", flush=True)
        median = {program: statistics.median(values) if values else None for program, values in rates.items()}
        rows.append((mode, batch, median, disturbed, max(memory)))

    def figure(value):
        return f"{value:,.0f}" if value is not None else "all disturbed"

    print()
    print("| case | " + " | ".join(NAMES[p] + " images/s" if p == "dsdc" else NAMES[p] for p in TRAINERS + engines)
          + " | dsdc ÷ best other | runs left out (disturbed) | dsdc peak memory |")
    print("|---" * (len(TRAINERS + engines) + 4) + "|")
    for mode, batch, median, disturbed, memory in rows:
        name = "training step" if mode == "train" else "inference"
        others = [v for p, v in median.items() if p != "dsdc" and v is not None]
        ratio = (f"{median['dsdc'] / max(others):.2f}×" if median["dsdc"] is not None and others else "—")
        cells = [figure(median[p]) if p in median else "—" for p in TRAINERS + engines]
        print(f"| {name}, batch {batch} | " + " | ".join(cells) + f" | {ratio} | {sum(disturbed.values())} | "
              f"{memory:.0f} MB |")
    for mode, batch, median, _, _ in rows:
        if batch == 1:
            latencies = ", ".join(f"{NAMES[p]} {1000 / v:.2f} ms" for p, v in median.items() if v is not None)
            print(f"\nSingle-image latency: {latencies}")
    if args.json:
        args.json.write_text(json.dumps({"torch": torch_version, "quiet_limit": args.quiet_limit,
                                         "measurements": measurements}, indent=1))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
