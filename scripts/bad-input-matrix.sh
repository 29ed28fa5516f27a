#!/usr/bin/env bash
# Runs the release dsdc against crafted bad inputs and checks that each one fails cleanly:
#   - the exit status is non-zero and below 128 (no crash, no death by signal);
#   - standard error holds exactly one line, and it names the file, folder or flag at fault;
#   - nothing under the output folder (or the working folder) is created or changed,
#     compared by a listing and SHA-256 sums taken before and after.
# Every case starts from a copy of a real earlier run (`dsdc lesson 1`) in its output folder.
#
#   scripts/bad-input-matrix.sh [path/to/dsdc]        (default: .build/release/dsdc)
#
# Prints a markdown table of the cases and exits non-zero if any case fails.
# Needs python3 (standard library) to craft the damaged files.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

dsdc=${1:-.build/release/dsdc}
[[ -x $dsdc ]] || { echo "bad-input-matrix: no dsdc executable at $dsdc (build it: swift build -c release --product dsdc)" >&2; exit 2; }
dsdc=$(realpath "$dsdc")
mnist=$root/Data/mnist
# Cases run in scratch folders; the real data is found through DSDC_DATA unless a case says otherwise.
export DSDC_DATA=$mnist
work=$(mktemp -d "${TMPDIR:-/tmp}/dsdc-matrix.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- Damaged data folders: the real MNIST files linked in, one file replaced.
python3 - "$mnist" "$work/data" <<'PY'
import gzip, os, struct, sys
mnist, out = sys.argv[1], sys.argv[2]
names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
def folder(name, replace=None, keep_checksums=True, drop=()):
    path = os.path.join(out, name); os.makedirs(path)
    replace = replace or {}
    for n in names:
        if n in drop or n in replace or n + ".gz" in replace: continue
        os.symlink(os.path.join(mnist, n + ".gz"), os.path.join(path, n + ".gz"))
    if keep_checksums:
        os.symlink(os.path.join(mnist, "CHECKSUMS.md"), os.path.join(path, "CHECKSUMS.md"))
    for file_name, data in replace.items():
        target = os.path.join(path, file_name)
        if data is None: os.makedirs(target)              # a folder where a file belongs
        else: open(target, "wb").write(data)
def gz(data): return gzip.compress(data, mtime=0)
def read(n): return gzip.open(os.path.join(mnist, n + ".gz")).read()
labels, images = read("t10k-labels-idx1-ubyte"), read("t10k-images-idx3-ubyte")
labels_gz = open(os.path.join(mnist, "t10k-labels-idx1-ubyte.gz"), "rb").read()
images_gz = open(os.path.join(mnist, "t10k-images-idx3-ubyte.gz"), "rb").read()
L, I = "t10k-labels-idx1-ubyte", "t10k-images-idx3-ubyte"
corrupt = bytearray(labels_gz); corrupt[len(corrupt) // 2:len(corrupt) // 2 + 16] = b"\xff" * 16
bad_label = bytearray(labels); bad_label[8 + 5] = 10
changed = bytearray(labels); changed[8] = (changed[8] + 1) % 10
folder("truncated-gz", {I + ".gz": images_gz[:len(images_gz) // 2]})
folder("corrupt-gz", {L + ".gz": bytes(corrupt)})
folder("swapped", {I + ".gz": labels_gz})
folder("count-mismatch", {L + ".gz": gz(struct.pack(">II", 0x801, 9999) + labels[8:-1])})
folder("label-10", {L + ".gz": gz(bytes(bad_label))})
folder("extra-byte", {L: labels + b"\x00"})
folder("claims-2pow31", {I: struct.pack(">IIII", 0x803, 1 << 31, 28, 28)})
folder("empty-file", {I: b""})
folder("folder-for-file", {I: None})
folder("text-as-gz", {I + ".gz": b"this is not gzip\n"})
folder("zero-rows", {I: struct.pack(">IIII", 0x803, 10000, 0, 28)})
folder("checksum-mismatch", {L: bytes(changed)})
folder("no-checksums", keep_checksums=False)
folder("missing-labels", drop=(L,))
# Splits of other sizes and an empty one (a few images each), and a FIFO where a file belongs.
def split(rows, cols, count):
    images = struct.pack(">IIII", 0x803, count, rows, cols) + bytes((i * 7) % 256 for i in range(count * rows * cols))
    return images, struct.pack(">II", 0x801, count) + bytes(i % 10 for i in range(count))
TI, TL = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
i29, l29 = split(28, 29, 100)
folder("test-28x29", {I: i29, L: l29})
i32, l32 = split(32, 32, 100)
folder("both-32x32", {I: i32, L: l32, TI: i32, TL: l32})
i0, l0 = split(28, 28, 0)
folder("empty-test", {I: i0, L: l0})
folder("fifo-images", drop=(I,))
os.mkfifo(os.path.join(out, "fifo-images", I))
PY

# ---- Damaged checkpoints and pictures (outside the folders that are compared).
files=$work/files
python3 - "$files" "$root" <<'PY'
import os, struct, sys, zlib
out, root = sys.argv[1], sys.argv[2]
os.makedirs(out)
def save(name, data): open(os.path.join(out, name), "wb").write(data)
def st(header, data=b""):
    h = header.encode()
    return struct.pack("<Q", len(h)) + h + data
def chunk(kind, body): return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
def png(width, height, rows, extra=b""):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"".join(b"\0" + bytes(r) for r in rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
save("text.safetensors", b"not a checkpoint\n")
save("header-2pow60.safetensors", struct.pack("<Q", 1 << 60) + b"{}")
save("overlap.safetensors", st('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', bytes(8)))
save("name-with-newline.safetensors", st('{"x\\ny":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}', bytes(2)))
save("other-model.safetensors", open(os.path.join(root, "Tests/DSDCTests/Fixtures/safetensors/reference.safetensors"), "rb").read())
save("not-png.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
save("empty.png", b"")
digit = png(8, 8, [[255 if 2 < x < 5 else 0 for x in range(8)] for _ in range(8)])
save("truncated.png", digit[:40])
save("claims-100000x100000.png", png(100000, 100000, [[0]]))
save("text-chunk-claims-2gib.png", png(1, 1, [[0]], extra=struct.pack(">I", 0x7E00000C) + b"tEXt" + b"Comment\0dsdc" + b"\0\0\0\0"))
save("blank.png", png(8, 8, [[255] * 8 for _ in range(8)]))
PY

# ---- A real earlier run to start every case from.
template=$work/template
mkdir -p "$template/out"
echo "kept" > "$template/keep.txt"
subcommands=$("$dsdc" --help 2>&1 | sed -n '/^SUBCOMMANDS:/,/^$/p' | awk 'NR > 1 { print $1 }')
has() { grep -qx "$1" <<<"$subcommands"; }

clean_run() {
  if ! (cd "$template" && "$dsdc" "$@" --output out >/dev/null 2>"$work/template.err"); then
    echo "bad-input-matrix: the clean run 'dsdc $*' failed: $(cat "$work/template.err")" >&2
    exit 2
  fi
}
clean_run lesson 1
# A quickly trained model, so that evaluate and predict get as far as the bad input.
has train && clean_run train --epochs 1 --train-limit 256

# ---- Checkpoints of that model with hostile metadata or impossible values, and files
# that are not regular files.
if has train; then
python3 - "$template/out/train" "$files" <<'PY'
import json, os, struct, sys
source, out = sys.argv[1], sys.argv[2]
def load(name):
    data = open(os.path.join(source, name), "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + n]), bytearray(data[8 + n:])
def save(name, header, body):
    h = json.dumps(header).encode()
    open(os.path.join(out, name), "wb").write(struct.pack("<Q", len(h)) + h + bytes(body))
def variant(name, source_name="model.safetensors", config=None, recipe=None, meta=None, value=None):
    header, body = load(source_name)
    m = header["__metadata__"]
    if config:
        c = json.loads(m["dsdc.config"]); config(c); m["dsdc.config"] = json.dumps(c)
    if recipe:
        r = json.loads(m["dsdc.recipe"]); recipe(r); m["dsdc.recipe"] = json.dumps(r)
    if meta: meta(m)
    if value:
        tensor, number = value
        struct.pack_into("<f", body, header[tensor]["data_offsets"][0], number)
    save(name, header, body)
def block(field, v): return lambda c: c["blocks"][0].__setitem__(field, v)
variant("cfg-image-0.safetensors", config=lambda c: c.__setitem__("imageSize", 0))
variant("cfg-no-blocks.safetensors", config=lambda c: c.__setitem__("blocks", []))
variant("cfg-dilation-0.safetensors", config=block("dilation", 0))
variant("cfg-kernel-4.safetensors", config=lambda c: c.__setitem__("kernel", 4))
variant("cfg-width-1e9.safetensors", config=block("channels", 10**9))
variant("cfg-image-2-pools.safetensors", config=lambda c: c.__setitem__("imageSize", 2))
variant("cfg-classes-1.safetensors", config=lambda c: c.__setitem__("classes", 1))
variant("cfg-rgb.safetensors", config=lambda c: c.__setitem__("inputChannels", 3))
variant("cfg-image-32.safetensors", config=lambda c: c.__setitem__("imageSize", 32))
variant("cfg-not-json.safetensors", meta=lambda m: m.__setitem__("dsdc.config", "{blocks"))
variant("recipe-shift-neg.safetensors", recipe=lambda r: r["augmentation"].__setitem__("maxShift", -2))
variant("recipe-batch-1e12.safetensors", recipe=lambda r: r.__setitem__("batchSize", 10**12))
variant("recipe-rotation-1e9.safetensors", recipe=lambda r: r["augmentation"].__setitem__("maxRotationDegrees", 1e9))
variant("recipe-sigma-0.safetensors", recipe=lambda r: r["normalization"].__setitem__("std", 0))
variant("nan-weight.safetensors", value=("stem.weight", float("nan")))
variant("inf-bias.safetensors", value=("classifier.bias", float("inf")))
variant("negative-variance.safetensors", value=("block2.bn.running_var", -1.0))
variant("state-epochs-0.safetensors", "checkpoint.safetensors", recipe=lambda r: r.__setitem__("epochs", 0))
variant("state-nan-moment.safetensors", "checkpoint.safetensors", value=("optimizer.stem.weight.exp_avg", float("nan")))
variant("state-step-1e30.safetensors", "checkpoint.safetensors", value=("optimizer.stem.weight.step", 1e30))
os.mkfifo(os.path.join(out, "fifo.safetensors"))
os.mkfifo(os.path.join(out, "fifo.png"))
os.makedirs(os.path.join(out, "folder.safetensors"))
PY
fi

# The folder's entries and the SHA-256 of each file.
snapshot() {
  (cd "$1" && find . -mindepth 1 -printf '%y %p\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

rows=()
failures=0
number=0

# run_case DESCRIPTION TOKEN [env NAME=VALUE] [fsize KB] [prep SHELL] [lock FILE] -- ARGS...
# Runs `dsdc ARGS...` in a fresh copy of the template (output folder `out`, a regular file
# `keep.txt`); TOKEN must appear in the single line on standard error. `prep` runs a shell
# command in the copy first (before the snapshot); `lock` runs dsdc under `flock FILE`, as
# if another run held that lock. Every run is stopped after 120 s (a hang fails the case).
run_case() {
  local description=$1 token=$2
  shift 2
  local environment=() fsize=unlimited prep="" holder=()
  while [[ $1 != -- ]]; do
    case $1 in
      env) environment+=("$2"); shift 2 ;;
      fsize) fsize=$2; shift 2 ;;
      prep) prep=$2; shift 2 ;;
      lock) holder=(flock "$2"); shift 2 ;;
    esac
  done
  shift
  number=$((number + 1))
  local dir=$work/case-$number
  cp -a "$template" "$dir"
  [[ -n $prep ]] && (cd "$dir" && bash -c "$prep")
  local before after status err lines verdict=pass problems=()
  before=$(snapshot "$dir")
  # Standard error goes through a pipe, so the file-size limit applies only to dsdc's own files.
  err=$(cd "$dir" && env "${environment[@]}" timeout 120 bash -c 'ulimit -f "$0"; exec "$@"' "$fsize" "${holder[@]}" "$dsdc" "$@" 2>&1 >/dev/null)
  status=$?
  after=$(snapshot "$dir")
  lines=$(printf '%s' "$err" | grep -c '' || true)
  if ((status == 0)); then problems+=("exit 0"); fi
  if ((status >= 128)); then problems+=("killed by signal $((status - 128))"); fi
  if ((lines != 1)); then problems+=("$lines stderr lines"); fi
  if [[ $err != *"$token"* ]]; then problems+=("stderr lacks \`$token\`"); fi
  if [[ $before != "$after" ]]; then
    local diffs
    diffs=$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | sed 's/  */ /g' | awk '{print $NF}' | sort -u | head -3 | paste -sd' ')
    problems+=("output changed: ${diffs}")
  fi
  ((${#problems[@]})) && { verdict="**FAIL**: $(IFS=';'; echo "${problems[*]}")"; failures=$((failures + 1)); }
  local shown=${err//$work\/data\//…\/}
  shown=${shown//$work\/files\//…\/}
  shown=${shown//$dir\//}
  # Hints name the program as it was started (here by its absolute path).
  shown=${shown//$dsdc/dsdc}
  shown=${shown//|/\\|}
  local command="dsdc $*"
  command=${command//$work\/data\//…\/}
  command=${command//$work\/files\//…\/}
  command=${command//$'\n'/\\n}
  command=${command//$'\e'/\\e}
  [[ $fsize != unlimited ]] && command="ulimit -f $fsize; $command"
  ((${#holder[@]})) && command="${holder[*]} $command"
  [[ -n $prep ]] && command="$prep; $command"
  ((${#environment[@]})) && command="${environment[*]//$work\/data\//…\/} $command"
  rows+=("| $number | \`$command\` | $description | $status | $(printf '%s' "${shown:0:140}" | head -1) | $verdict |")
  rm -rf "$dir"
}

d=$work/data

# ---- Command line: unknown commands, lessons and flags out of range.
run_case "unknown command" "frobnicate" -- frobnicate
run_case "unknown lesson" "lesson 99" -- lesson 99
run_case "lesson number 0" "lesson 0" -- lesson 0
run_case "lesson number not a number" "abc" -- lesson abc
run_case "missing lesson number" "number" -- lesson
run_case "unknown flag" "--bogus" -- lesson 1 --bogus
run_case "negative --sample" "--sample" -- lesson 1 --sample -1 --output out
run_case "--sample past the test set" "--sample" -- lesson 1 --sample 10000 --output out
run_case "--epochs 0" "--epochs" -- lessons --epochs 0 --output out
run_case "--train-limit negative" "--train-limit" -- lesson 1 --train-limit -5 --output out
run_case "--seed negative" "--seed" -- lesson 1 --seed -1 --output out
run_case "--through not a number" "--through" -- lessons --through x --output out

# ---- Output folder: a file, a path below a file, a full disk (file size limit).
run_case "--output is a regular file" "keep.txt" -- lesson 1 --output keep.txt
run_case "--output below a regular file" "keep.txt/out" -- lesson 1 --output keep.txt/out
run_case "report: output folder missing" "missing" -- report --output missing
run_case "report: output is a regular file" "keep.txt" -- report --output keep.txt
run_case "full disk (1 KB file limit) in a lesson" "out" fsize 1 -- lesson 1 --output out
run_case "full disk (1 KB file limit) in the report" "index.html" fsize 1 -- report --output out

# ---- Data folder: missing, damaged, mismatched.
run_case "data folder missing" "$d/nowhere" -- data --data "$d/nowhere"
run_case "data folder missing (lesson)" "$d/nowhere" -- lesson 1 --data "$d/nowhere" --output out
run_case "data folder missing (DSDC_DATA)" "$d/nowhere" env "DSDC_DATA=$d/nowhere" -- lesson 1 --output out
run_case "label file missing" "missing-labels/t10k-labels-idx1-ubyte" -- data --data "$d/missing-labels"
run_case "truncated .gz" "truncated-gz/t10k-images-idx3-ubyte.gz" -- data --data "$d/truncated-gz"
run_case "truncated .gz (lesson)" "truncated-gz/t10k-images-idx3-ubyte.gz" -- lesson 1 --data "$d/truncated-gz" --output out
run_case "corrupt deflate data in .gz" "corrupt-gz/t10k-labels-idx1-ubyte.gz" -- data --data "$d/corrupt-gz"
run_case "wrong magic (labels as images)" "swapped/t10k-images-idx3-ubyte.gz" -- data --data "$d/swapped"
run_case "label count ≠ image count" "count-mismatch/t10k-labels-idx1-ubyte.gz" -- data --data "$d/count-mismatch"
run_case "label 10 of 10 classes" "label-10/t10k-labels-idx1-ubyte.gz" -- lesson 1 --data "$d/label-10" --output out
run_case "one byte past the data" "extra-byte/t10k-labels-idx1-ubyte" -- data --data "$d/extra-byte"
run_case "header claims 2³¹ images" "claims-2pow31/t10k-images-idx3-ubyte" -- data --data "$d/claims-2pow31"
run_case "empty image file" "empty-file/t10k-images-idx3-ubyte" -- data --data "$d/empty-file"
run_case "folder where the image file belongs" "folder-for-file/t10k-images-idx3-ubyte" -- data --data "$d/folder-for-file"
run_case "text file named .gz" "text-as-gz/t10k-images-idx3-ubyte.gz" -- data --data "$d/text-as-gz"
run_case "images of 0 rows" "zero-rows/t10k-images-idx3-ubyte" -- lesson 1 --data "$d/zero-rows" --output out
run_case "--verify: checksum mismatch" "checksum-mismatch/t10k-labels-idx1-ubyte" -- data --verify --data "$d/checksum-mismatch"
run_case "--verify: CHECKSUMS.md missing" "no-checksums/CHECKSUMS.md" -- data --verify --data "$d/no-checksums"

# ---- Training, evaluation, prediction (when this build has them).
f=$files
if has train; then
  run_case "train: --epochs 0" "--epochs" -- train --epochs 0 --output out
  run_case "train: --batch-size 1" "--batch-size" -- train --batch-size 1 --output out
  run_case "train: unknown optimiser" "--optimizer" -- train --optimizer adam --output out
  run_case "train: --threads 0" "--threads" -- train --threads 0 --output out
  run_case "train: data folder missing" "$d/nowhere" -- train --data "$d/nowhere" --output out
  run_case "train: label count ≠ image count" "count-mismatch/t10k-labels-idx1-ubyte.gz" -- train --data "$d/count-mismatch" --output out
  run_case "train: --resume a text file" "text.safetensors" -- train --resume "$f/text.safetensors" --output out
  run_case "train: --resume a missing file" "missing.safetensors" -- train --resume "$f/missing.safetensors" --output out
fi
if has evaluate; then
  run_case "evaluate: no trained model" "nowhere/train/model.safetensors" -- evaluate --output nowhere
  run_case "evaluate: header length 2⁶⁰" "header-2pow60.safetensors" -- evaluate --checkpoint "$f/header-2pow60.safetensors" --output out
  run_case "evaluate: overlapping tensors" "overlap.safetensors" -- evaluate --checkpoint "$f/overlap.safetensors" --output out
  run_case "evaluate: line break in a tensor name" "name-with-newline.safetensors" -- evaluate --checkpoint "$f/name-with-newline.safetensors" --output out
  run_case "evaluate: another model's checkpoint" "other-model.safetensors" -- evaluate --checkpoint "$f/other-model.safetensors" --output out
  run_case "evaluate: truncated test images" "truncated-gz/t10k-images-idx3-ubyte.gz" -- evaluate --data "$d/truncated-gz" --output out
fi
if has predict; then
  run_case "predict: not a PNG" "not-png.png" -- predict "$f/not-png.png" --output out
  run_case "predict: empty file" "empty.png" -- predict "$f/empty.png" --output out
  run_case "predict: missing file" "missing.png" -- predict "$f/missing.png" --output out
  run_case "predict: truncated PNG" "truncated.png" -- predict "$f/truncated.png" --output out
  run_case "predict: PNG claiming 100000×100000" "claims-100000x100000.png" -- predict "$f/claims-100000x100000.png" --output out
  run_case "predict: --max-pixels 0" "--max-pixels" -- predict "$f/blank.png" --max-pixels 0 --output out
  run_case "predict: picture over a lowered --max-pixels" "blank.png" -- predict "$f/blank.png" --max-pixels 16 --output out
  run_case "predict: tEXt chunk claiming 2 GiB" "text-chunk-claims-2gib.png" -- predict "$f/text-chunk-claims-2gib.png" --output out
  run_case "predict: blank picture" "blank.png" -- predict "$f/blank.png" --output out
  run_case "predict: checkpoint not safetensors" "text.safetensors" -- predict "$f/blank.png" --checkpoint "$f/text.safetensors" --output out
fi
if has model; then
  run_case "model: unknown flag" "--bogus" -- model --bogus
fi
if has finetune; then
  run_case "finetune: unknown strategy" "--strategy" -- finetune --strategy everything --output out
  run_case "finetune: Fashion-MNIST folder missing" "dataset-fashion-mnist" -- finetune --finetune-data "$work/no-fashion" --output out
  run_case "lessons: Fashion-MNIST missing, said before lesson 1" "lessons --through 9" -- lessons --finetune-data "$work/no-fashion" --output out
  run_case "finetune: parent checkpoint missing" "missing.safetensors" -- finetune --checkpoint missing.safetensors --output out
  if [[ -d ${DSDC_FINETUNE_DATA:-/usr/share/datasets/fashion-mnist} ]]; then
    # A real fine-tuned (Fashion-MNIST) checkpoint, made once, scored on MNIST; and the
    # MNIST model scored on Fashion-MNIST.
    (cd "$template" && "$dsdc" finetune --strategy head --epochs 1 --train-limit 64 --checkpoint out/train/model.safetensors \
      --output "$work/fashion" >/dev/null 2>"$work/template.err") \
      || { echo "bad-input-matrix: the clean run 'dsdc finetune' failed: $(cat "$work/template.err")" >&2; exit 2; }
    cp "$work/fashion/finetune/head/model.safetensors" "$work/files/fashion.safetensors"
    run_case "evaluate: a Fashion-MNIST model on MNIST's test set" "holds the MNIST test set" -- \
      evaluate --checkpoint "$work/files/fashion.safetensors" --data "$mnist" --output out
    run_case "evaluate: the MNIST model on Fashion-MNIST's test set" "holds the Fashion-MNIST test set" -- \
      evaluate --data "${DSDC_FINETUNE_DATA:-/usr/share/datasets/fashion-mnist}" --output out
    # The data a run used is recorded: `train --data <Fashion-MNIST>` makes a Fashion-MNIST
    # model, `finetune --finetune-data <MNIST>` an MNIST one, whatever the command's usual data.
    fashion=${DSDC_FINETUNE_DATA:-/usr/share/datasets/fashion-mnist}
    (cd "$template" && "$dsdc" train --data "$fashion" --epochs 1 --train-limit 64 --output "$work/fashion-train" >/dev/null \
      && "$dsdc" finetune --strategy head --epochs 1 --train-limit 64 --finetune-data "$mnist" \
        --checkpoint out/train/model.safetensors --output "$work/mnist-finetune" >/dev/null) 2>"$work/template.err" \
      || { echo "bad-input-matrix: the clean runs on swapped data failed: $(cat "$work/template.err")" >&2; exit 2; }
    cp "$work/fashion-train/train/model.safetensors" "$work/files/trained-on-fashion.safetensors"
    cp "$work/mnist-finetune/finetune/head/model.safetensors" "$work/files/finetuned-on-mnist.safetensors"
    run_case "evaluate: a model trained with --data Fashion-MNIST, on MNIST" "was trained on Fashion-MNIST" -- \
      evaluate --checkpoint "$work/files/trained-on-fashion.safetensors" --data "$mnist" --output out
    run_case "evaluate: a model fine-tuned on MNIST, on Fashion-MNIST" "was trained on MNIST" -- \
      evaluate --checkpoint "$work/files/finetuned-on-mnist.safetensors" --data "$fashion" --output out
  fi
fi

# ---- Round 2: numeric limits above and below, image sizes, checkpoint metadata, impossible
# weights, failed saves, --resume policy, the output-folder lock, non-regular files.
run_case "--epochs near Int.max (lesson 8's knob)" "--epochs" -- lessons --epochs 9223372036854775807 --output out
run_case "--train-limit 1 (lesson 8's knob)" "--train-limit" -- lesson 8 --train-limit 1 --output out
run_case "--sample near Int.max" "--sample" -- lesson 1 --sample 9223372036854775807 --output out
run_case "--through 0" "--through" -- lessons --through 0 --output out
run_case "--through past the last lesson" "--through" -- lessons --through 99 --output out
run_case "test images 28×29 (data reports the sizes)" "test-28x29/t10k-images-idx3-ubyte" -- data --data "$d/test-28x29"
run_case "test images 28×29 (lesson)" "test-28x29/t10k-images-idx3-ubyte" -- lesson 1 --data "$d/test-28x29" --output out
run_case "images 32×32 in both splits (lesson)" "both-32x32/t10k-images-idx3-ubyte" -- lesson 1 --data "$d/both-32x32" --output out
run_case "empty test set" "the split holds no images" -- lesson 1 --data "$d/empty-test" --output out
run_case "FIFO where the image file belongs" "FIFO" -- data --data "$d/fifo-images"
run_case "line break in the data path" 'bad\u{a}name' -- data --data "$d/bad
name"
run_case "terminal escape in the data path" 'x\u{1b}[2Jy' -- lesson 1 --data "$d/x"$'\e'"[2Jy" --output out
if has train; then
  run_case "train: --epochs near Int.max" "--epochs" -- train --epochs 9223372036854775807 --output out
  run_case "train: --batch-size near Int.max" "--batch-size" -- train --batch-size 9223372036854775807 --output out
  run_case "train: --batch-size 513" "--batch-size" -- train --batch-size 513 --output out
  run_case "train: --train-limit 10¹¹" "--train-limit" -- train --train-limit 100000000000 --output out
  run_case "train: --threads 1000" "--threads" -- train --threads 1000 --output out
  run_case "train: test images 28×29" "test-28x29/t10k-images-idx3-ubyte" -- train --data "$d/test-28x29" --output out
  run_case "train: images 32×32 in both splits" "both-32x32/train-images-idx3-ubyte" -- train --data "$d/both-32x32" --output out
  run_case "train: empty test set" "the split holds no images" -- train --data "$d/empty-test" --output out
  run_case "train: full disk at the first checkpoint (100 KB file limit)" "model.safetensors" fsize 100 -- \
    train --epochs 1 --train-limit 256 --output out
  run_case "train: output folder locked by another run" "in use by another dsdc run" lock out/train/.dsdc-lock -- \
    train --epochs 1 --train-limit 256 --output out
  resume=(train --resume out/train/checkpoint.safetensors --output out)
  run_case "train --resume with another --lr" "--lr 0.5 differs" -- "${resume[@]}" --lr 0.5
  run_case "train --resume with another --seed" "--seed 7 differs" -- "${resume[@]}" --seed 7
  run_case "train --resume with another --batch-size" "--batch-size 16 differs" -- "${resume[@]}" --batch-size 16
  run_case "train --resume with another --optimizer" "--optimizer sgd differs" -- "${resume[@]}" --optimizer sgd
  run_case "train --resume with --no-augment" "--no-augment" -- "${resume[@]}" --no-augment
  run_case "train --resume with another --train-limit" "--train-limit 300 differs" -- "${resume[@]}" --train-limit 300
  run_case "train --resume on other data" "the run trained on" -- "${resume[@]}" --epochs 2 --data "$d/checksum-mismatch"
  run_case "train --resume: recipe with 0 epochs" "dsdc.recipe" -- train --resume "$f/state-epochs-0.safetensors" --output out
  run_case "train --resume: NaN optimiser moment" "optimizer.stem.weight.exp_avg" -- train --resume "$f/state-nan-moment.safetensors" --output out
  run_case "train --resume: step count 10³⁰" "optimizer.stem.weight.step" -- train --resume "$f/state-step-1e30.safetensors" --output out
  run_case "train --resume: a FIFO" "FIFO" -- train --resume "$f/fifo.safetensors" --output out
fi
if has evaluate && has train; then
  for variant in cfg-image-0 cfg-no-blocks cfg-dilation-0 cfg-kernel-4 cfg-width-1e9 cfg-image-2-pools cfg-classes-1 cfg-rgb cfg-not-json; do
    run_case "evaluate: dsdc.config $variant" "$variant.safetensors" -- evaluate --checkpoint "$f/$variant.safetensors" --output out
  done
  for variant in recipe-shift-neg recipe-batch-1e12 recipe-rotation-1e9 recipe-sigma-0; do
    run_case "evaluate: dsdc.recipe $variant" "dsdc.recipe" -- evaluate --checkpoint "$f/$variant.safetensors" --output out
  done
  run_case "evaluate: NaN weight" "stem.weight" -- evaluate --checkpoint "$f/nan-weight.safetensors" --output out
  run_case "evaluate: negative running variance" "block2.bn.running_var" -- evaluate --checkpoint "$f/negative-variance.safetensors" --output out
  run_case "evaluate: model of 32×32 inputs on MNIST" "the model takes 32×32" -- evaluate --checkpoint "$f/cfg-image-32.safetensors" --output out
  run_case "evaluate: test images 28×29" "test-28x29/t10k-images-idx3-ubyte" -- evaluate --data "$d/test-28x29" --output out
  run_case "evaluate: a folder as the checkpoint" "it is a folder, not a file" -- evaluate --checkpoint "$f/folder.safetensors" --output out
  run_case "evaluate: a FIFO as the checkpoint" "FIFO" -- evaluate --checkpoint "$f/fifo.safetensors" --output out
  run_case "evaluate: a device as the checkpoint" "device" -- evaluate --checkpoint /dev/zero --output out
fi
if has predict && has train; then
  run_case "predict: +Inf classifier bias" "classifier.bias" -- predict "$f/blank.png" --checkpoint "$f/inf-bias.safetensors" --output out
  run_case "predict: model of 32×32 inputs" "28×28" -- predict "$f/blank.png" --checkpoint "$f/cfg-image-32.safetensors" --output out
  run_case "predict: a FIFO as the picture" "FIFO" -- predict "$f/fifo.png" --output out
  run_case "predict: --max-pixels near Int.max" "--max-pixels" -- predict "$f/blank.png" --max-pixels 9223372036854775807 --output out
fi
if has finetune; then
  run_case "finetune: --epochs near Int.max" "--epochs" -- finetune --epochs 9223372036854775807 --output out
  run_case "finetune: --train-limit 1" "--train-limit" -- finetune --train-limit 1 --output out
fi
run_case "report: a broken link is decided before index.html is replaced" "first-100.png" prep "rm out/01-mnist/first-100.png" -- \
  report --output out

echo "| # | command | bad input | exit | standard error (one line) | result |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "$((number - failures)) of $number cases fail cleanly."
((failures == 0))
