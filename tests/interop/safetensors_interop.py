#!/usr/bin/python3
"""An independent safetensors reader and writer (numpy + struct + json only), for @gen's tests.

  safetensors_interop.py read FILE    prints FILE's metadata and tensors as JSON, after checking
                                      the layout the reference implementation requires
  safetensors_interop.py write FILE   writes fixed tensors and metadata the way the reference
                                      writer (the `safetensors` package) lays them out

Values are printed as JSON numbers (float32 and float16 values are exact as Python floats), with
NaN and infinities spelled as strings, and -0.0 kept.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
# The reference's Dtype enum order; its writer sorts by it, descending, then by name.
ENUM_ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]


def fail(message):
    sys.exit(f"safetensors_interop.py: {message}")


def number(x):
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        fail(f"header length {n} past the end")
    if n % 8 != 0:
        fail(f"header length {n} is not a multiple of 8")
    text = raw[8 : 8 + n].decode("utf-8")
    if not text.rstrip(" ").endswith("}"):
        fail("the header is not JSON padded with spaces")
    header = json.loads(text)
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n :]
    entries = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0])
    expected = 0
    tensors = {}
    for name, info in entries:
        begin, end = info["data_offsets"]
        if begin != expected:
            fail(f"tensor {name} starts at {begin}, expected {expected}")
        dtype = DTYPES[info["dtype"]]
        count = int(np.prod(info["shape"], dtype=np.int64))
        if count * dtype.itemsize != end - begin:
            fail(f"tensor {name}: shape and offsets disagree")
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(info["shape"])
        flat = array.reshape(-1)
        if info["dtype"] == "BOOL":
            values = [bool(v) for v in flat]
        elif info["dtype"].startswith("F"):
            values = [number(v) for v in flat]
        else:
            values = [int(v) for v in flat]
        tensors[name] = {
            "dtype": info["dtype"],
            "shape": list(array.shape),
            "values": values,
            "signbits": [bool(s) for s in np.signbit(flat)] if info["dtype"].startswith("F") else None,
        }
        expected = end
    if expected != len(data):
        fail(f"tensors cover {expected} bytes, the file holds {len(data)}")
    order = [name for name, _ in entries]
    print(json.dumps({"metadata": metadata, "tensors": tensors, "order": order, "headerLength": n}))


def write(path):
    tensors = {
        "decoder/kernel": np.array([[1.5, -0.0, 3.25], [1e-40, -2.5e30, 0.1]], dtype="<f4"),
        "decoder/bias": np.array([0.5, -0.5], dtype="<f4"),
        "scale": np.array(2.0, dtype="<f4"),
        "counts": np.array([-7, 0, 2147483647], dtype="<i4"),
        "mask": np.array([[True, False], [False, True]], dtype="?"),
        "wide": np.array([0.125, -1e30], dtype="<f8"),
        "steps": np.array([3, -4], dtype="<i8"),
        "half": np.array([1.0, -2.0, 65504.0], dtype="<f2"),
        "empty": np.zeros((0, 3), dtype="<f4"),
    }
    code = {v: k for k, v in DTYPES.items()}
    items = sorted(
        tensors.items(), key=lambda kv: (-ENUM_ORDER.index(code[kv[1].dtype]), kv[0])
    )
    header = {"__metadata__": {"format": "np", "gen.note": "written by numpy"}}
    offset = 0
    for name, array in items:
        size = array.nbytes
        header[name] = {"dtype": code[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, array in items:
            f.write(array.tobytes())


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("read", "write"):
        fail("usage: safetensors_interop.py read|write FILE")
    (read if sys.argv[1] == "read" else write)(sys.argv[2])
