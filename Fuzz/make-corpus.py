#!/usr/bin/env python3
"""Writes the fuzzers' seed inputs into Fuzz/corpus/<target>/ (standard library only).

Small valid files of each format in their variants, plus a few edge cases. The output
is deterministic (gzip timestamps are 0), so running it again changes nothing.
    python3 Fuzz/make-corpus.py
"""
import gzip
import json
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def save(target, name, data):
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


# ---- IDX: 0x00 0x00, type, rank, big-endian UInt32 dimensions, data.

def idx(dims, data, dtype=0x08):
    return bytes([0, 0, dtype, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)


images = idx([2, 3, 3], range(0, 180, 10))
labels = idx([3], [7, 2, 1])
digit = idx([1, 28, 28], [(i * 37) % 256 if 5 < i % 28 < 22 else 0 for i in range(784)])
save("idx", "images-2x3x3", images)
save("idx", "images-2x3x3.gz", gz(images))
save("idx", "labels-3", labels)
save("idx", "labels-3.gz", gz(labels))
save("idx", "digit-1x28x28.gz", gz(digit))
save("idx", "rank-0", idx([], [42]))
save("idx", "no-images", idx([0, 28, 28], []))
save("idx", "rank-4", idx([1, 2, 2, 2], range(8)))
save("idx", "one-byte-extra", images + b"\x00")
save("idx", "truncated.gz", gz(digit)[:60])
save("idx", "two-members.gz", gz(images[:10]) + gz(images[10:]))
save("idx", "trailing-garbage.gz", gz(labels) + b"garbage")
save("idx", "claims-2pow31-images", idx([1 << 31, 28, 28], []))

# ---- safetensors: little-endian UInt64 header length, JSON header, data.

def safetensors(tensors, metadata=None, pad=True):
    """tensors: list of (name, dtype, shape, raw bytes), laid out in the order given."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


f32 = lambda *v: struct.pack("<%df" % len(v), *v)
save("safetensors", "all-dtypes.safetensors", safetensors([
    ("rng.state", "U64", [2], struct.pack("<2Q", 0x0123456789ABCDEF, 2**64 - 1)),
    ("step", "I64", [], struct.pack("<q", -5)),
    ("conv.weight", "F32", [2, 1, 2], f32(1, -2.5, 0.0, float("nan"))),
    ("flags", "U8", [3], b"\x00\x01\xff"),
], metadata={"format": "pt", "epoch": "1"}))
save("safetensors", "empty.safetensors", safetensors([]))
save("safetensors", "empty-unpadded.safetensors", safetensors([], pad=False))
save("safetensors", "zero-size-tensors.safetensors", safetensors([
    ("a", "F32", [0, 3], b""), ("b", "U8", [2], b"\x01\x02"), ("c", "I64", [4, 0], b"")]))
save("safetensors", "escaped-names.safetensors", safetensors([
    ("caf\u00e9\n\"q\"\\", "F32", [1], f32(3.5)), ("\U0001F600", "U8", [1, 1], b"\x07")],
    metadata={"t\tab": "v\u0001"}))
save("safetensors", "header-past-end.safetensors", struct.pack("<Q", 1 << 60) + b"{}")
overlap = b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}'
save("safetensors", "overlap.safetensors", struct.pack("<Q", len(overlap)) + overlap + bytes(8))
with open(os.path.join(ROOT, "Tests/DSDCTests/Fixtures/safetensors/reference.safetensors"), "rb") as f:
    save("safetensors", "reference.safetensors", f.read())

# ---- PNG: signature, IHDR, optional chunks, IDAT (zlib of filtered rows), IEND.

def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filtered(rows, bpp):
    """Each row (bytes) with a filter byte, cycling through the five filter types."""
    out, prior = b"", bytes(len(rows[0]) if rows else 0)
    for y, row in enumerate(rows):
        kind = y % 5
        line = bytearray([kind])
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            line.append((x - predictor) & 0xFF)
        out += bytes(line)
        prior = row
    return out


def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    bits = "".join(format(s, "0%db" % depth) for s in samples)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))


CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(width, height, color, depth, pixel, extra=b"", interlace=0):
    """pixel(x, y) -> tuple of samples (one per channel)."""
    channels = CHANNELS[color]
    bpp = max(1, channels * depth // 8)
    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            xs, ys = range(x0, width, dx), range(y0, height, dy)
            if len(xs) and len(ys):
                raw += filtered([pack_row([s for x in xs for s in pixel(x, y)], depth) for y in ys], bpp)
    else:
        raw = filtered([pack_row([s for x in range(width) for s in pixel(x, y)], depth) for y in range(height)], bpp)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


gray = lambda x, y: ((x * 40 + y * 25) % 256,)
rgb = lambda x, y: ((x * 50) % 256, (y * 60) % 256, (x * y * 9) % 256)
save("png", "gray8-5x4.png", png(5, 4, 0, 8, gray))
save("png", "gray1-9x3.png", png(9, 3, 0, 1, lambda x, y: ((x + y) % 2,)))
save("png", "gray4-3x3.png", png(3, 3, 0, 4, lambda x, y: ((x * 5 + y) % 16,)))
save("png", "gray16-3x2.png", png(3, 2, 0, 16, lambda x, y: (x * 20000 + y * 3,)))
save("png", "gray-alpha8-4x2.png", png(4, 2, 4, 8, lambda x, y: (x * 60, y * 255)))
save("png", "rgb8-4x3.png", png(4, 3, 2, 8, rgb))
save("png", "rgb16-2x2.png", png(2, 2, 2, 16, lambda x, y: (x * 65535, y * 30000, 1234)))
save("png", "rgba8-3x3.png", png(3, 3, 6, 8, lambda x, y: rgb(x, y) + ((x + y) * 60,)))
palette = chunk(b"PLTE", bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])) + chunk(b"tRNS", bytes([255, 128]))
save("png", "palette8-4x2.png", png(4, 2, 3, 8, lambda x, y: ((x + y) % 4,), extra=palette))
save("png", "palette2-5x2.png", png(5, 2, 3, 2, lambda x, y: ((x * y) % 4,), extra=palette))
save("png", "interlaced-rgb-9x9.png", png(9, 9, 2, 8, rgb, interlace=1))
save("png", "gamma-srgb-3x2.png", png(3, 2, 2, 8, rgb, extra=chunk(b"gAMA", struct.pack(">I", 45455)) + chunk(b"sRGB", b"\x00")))
save("png", "text-1x1.png", png(1, 1, 0, 8, gray, extra=chunk(b"tEXt", b"Comment\x00dsdc")))
save("png", "claims-100000x100000.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0))
     + chunk(b"IDAT", zlib.compress(b"\0\0")) + chunk(b"IEND", b""))
whole = png(6, 6, 2, 8, rgb)
save("png", "truncated.png", whole[:len(whole) // 2])


# ---- Checkpoint metadata: dsdc.config and dsdc.recipe JSON as dsdc writes them (keys
# sorted), their variants, and a few values just outside the limits.

def compact(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


config = {"blocks": [{"channels": 64, "dilation": 2, "pools": True}, {"channels": 128, "dilation": 2, "pools": True},
                     {"channels": 128, "dilation": 1, "pools": False}],
          "classes": 10, "imageSize": 28, "inputChannels": 1, "kernel": 3, "stemChannels": 32}
tiny = dict(config, blocks=[{"channels": 4, "dilation": 1, "pools": True}], imageSize=8, stemChannels=3, classes=3)
recipe = {"augmentation": {"maxRotationDegrees": 10, "maxShift": 2}, "batchSize": 64, "epochs": 9,
          "labelSmoothing": 0.1, "learningRate": 0.003, "normalization": {"mean": 0.1307, "std": 0.3081},
          "optimizer": {"adamW": {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-08}},
          "schedule": {"oneCycle": {"divFactor": 25, "finalDivFactor": 10000, "warmupFraction": 0.2}},
          "seed": 0, "threads": 2, "weightDecay": 0.05}
save("metadata", "config-default.json", compact(config))
save("metadata", "config-tiny.json", compact(tiny))
save("metadata", "config-pools-to-nothing.json", compact(dict(tiny, imageSize=1)))
save("metadata", "recipe-default.json", compact(recipe))
save("metadata", "recipe-sgd-cosine.json", compact(dict(recipe, optimizer={"sgd": {"momentum": 0.9, "nesterov": True}},
                                                       schedule={"cosine": {"minimumFactor": 0, "warmupFraction": 0.05}},
                                                       trainLimit=1000)))
save("metadata", "recipe-constant-no-augment.json", compact({k: v for k, v in dict(recipe, schedule={"constant": {}}).items()
                                                             if k != "augmentation"}))
save("metadata", "recipe-epochs-1001.json", compact(dict(recipe, epochs=1001)))
