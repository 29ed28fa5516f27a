#!/usr/bin/env python3
"""DSDC-Net throughput of dsdc and of PyTorch (both memory layouts), side by side.

    scripts/bench_side_by_side.py [--repeats 5] [--torch-python PYTHON] [--json FILE]

For each case (training at batch 64 and 128, inference at batch 1000 and 1), every
repetition runs the three programs one after the other, in a rotating order, so
that a noisy moment on the machine falls on each of them alike:

    .build/release/dsdc-bench throughput --mode M --batch B          (dsdc)
    PYTHON scripts/pytorch_reference.py bench --mode M --batch B --layout nchw
    PYTHON scripts/pytorch_reference.py bench --mode M --batch B --layout channels_last

All use 2 threads and print one line of JSON with images_per_s. The table gives the
median of each and the ratio of the medians, dsdc over PyTorch. Only the Python
standard library is needed here; PYTHON (default: $TORCH_PYTHON, else python3) must
have torch installed, e.g. in a virtual environment outside the repository:

    python3 -m venv ~/venv-torch && ~/venv-torch/bin/pip install torch safetensors numpy
    swift build -c release --product dsdc-bench
    scripts/bench_side_by_side.py --torch-python ~/venv-torch/bin/python
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".build" / "release" / "dsdc-bench"
REFERENCE = ROOT / "scripts" / "pytorch_reference.py"

# (mode, batch, timed steps): about a second or more of work per run on two cores.
CASES = [("train", 64, 30), ("train", 128, 15), ("infer", 1000, 3), ("infer", 1, 300)]
PROGRAMS = ["dsdc", "nchw", "channels_last"]


def command(program, mode, batch, steps, python):
    if program == "dsdc":
        return [str(BENCH), "throughput", "--mode", mode, "--batch", str(batch), "--steps", str(steps),
                "--threads", "2"]
    return [python, str(REFERENCE), "bench", "--mode", mode, "--batch", str(batch), "--steps", str(steps),
            "--threads", "2", "--layout", program]


def run(arguments):
    finished = subprocess.run(arguments, capture_output=True, text=True)
    if finished.returncode != 0:
        sys.exit(f"bench_side_by_side: {' '.join(arguments)} failed: {finished.stderr.strip()}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each program per case (default 5)")
    parser.add_argument("--torch-python", default=os.environ.get("TORCH_PYTHON", "python3"),
                        help="a Python with torch installed (default: $TORCH_PYTHON, else python3)")
    parser.add_argument("--json", type=Path, help="also write every measurement to this file")
    args = parser.parse_args()
    if args.repeats < 1:
        sys.exit("bench_side_by_side: --repeats must be at least 1")
    if not BENCH.exists():
        sys.exit(f"bench_side_by_side: {BENCH} is missing (build it: swift build -c release --product dsdc-bench)")
    probe = subprocess.run([args.torch_python, "-c", "import torch; print(torch.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        sys.exit(f"bench_side_by_side: {args.torch_python} cannot import torch "
                 "(install it in a venv and pass --torch-python VENV/bin/python)")
    torch_version = probe.stdout.strip()

    load = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"
    print(f"dsdc vs PyTorch {torch_version} (CPU), DSDC-Net, 2 threads, {args.repeats} runs each, "
          f"medians; load average at start {load}", flush=True)
    measurements = []
    rows = []
    for mode, batch, steps in CASES:
        rates = {program: [] for program in PROGRAMS}
        memory = []
        for repeat in range(args.repeats):
            order = PROGRAMS[repeat % 3:] + PROGRAMS[:repeat % 3]
            for program in order:
                result = run(command(program, mode, batch, steps, args.torch_python))
                rates[program].append(result["images_per_s"])
                if program == "dsdc":
                    memory.append(result.get("peak_resident_mb", 0))
                measurements.append({"mode": mode, "batch": batch, "program": program, "repeat": repeat,
                                     **result})
        median = {program: statistics.median(values) for program, values in rates.items()}
        rows.append((mode, batch, median, max(memory)))
        print(f"  {mode} batch {batch}: dsdc {median['dsdc']:.0f}, nchw {median['nchw']:.0f}, "
              f"channels_last {median['channels_last']:.0f} images/s", flush=True)

    print()
    print("| case | dsdc images/s | PyTorch NCHW | PyTorch channels_last | dsdc ÷ NCHW | dsdc ÷ channels_last "
          "| dsdc peak memory |")
    print("|---|---|---|---|---|---|---|")
    for mode, batch, median, memory in rows:
        name = "training step" if mode == "train" else "inference"
        print(f"| {name}, batch {batch} | {median['dsdc']:,.0f} | {median['nchw']:,.0f} | "
              f"{median['channels_last']:,.0f} | {median['dsdc'] / median['nchw']:.2f}× | "
              f"{median['dsdc'] / median['channels_last']:.2f}× | {memory:.0f} MB |")
    for mode, batch, median, _ in rows:
        if batch == 1:
            print(f"\nSingle-image latency: dsdc {1000 / median['dsdc']:.2f} ms, PyTorch NCHW "
                  f"{1000 / median['nchw']:.2f} ms, channels_last {1000 / median['channels_last']:.2f} ms")
    if args.json:
        args.json.write_text(json.dumps({"torch": torch_version, "load_average": load,
                                         "measurements": measurements}, indent=1))
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
