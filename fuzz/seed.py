#!/usr/bin/env python3
"""Seeds the fuzz corpora from tests/vectors, in each target's input framing.

    python3 fuzz/seed.py   # writes fuzz/corpus/<target>/<n> (git-ignored)
"""

import json
import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The core's presets, in its order (alphabetical), read from its source.
PRESETS = re.findall(
    r'^    preset\(\n        "([a-z0-9-]+)",',
    (ROOT / "crates" / "hooksig" / "src" / "presets.rs").read_text(),
    re.MULTILINE,
)


def as_bytes(value) -> bytes:
    if isinstance(value, str):
        return value.encode()
    if "hex" in value:
        return bytes.fromhex(value["hex"])
    unit = value["repeat"].encode()
    # Keep seeds small: the fuzzer grows them when it needs to.
    return (unit * 64)[: min(value["length"], 1024)]


def main() -> None:
    corpus = ROOT / "fuzz" / "corpus"
    seeds = {"scheme_json": set(), "verify": set(), "parsers": set(), "roundtrip": set()}
    for path in sorted((ROOT / "tests" / "vectors").rglob("*.json")):
        for case in json.loads(path.read_text()).get("cases", []):
            if case.get("raw_args"):
                continue  # wrong argument types: not bytes at all
            if "scheme" in case:
                seeds["scheme_json"].add(json.dumps(case["scheme"]).encode())
            preset = case.get("preset")
            if preset not in PRESETS:
                continue
            pick = bytes([PRESETS.index(preset)])
            body = as_bytes(case.get("body", ""))
            lines = b"\n".join(
                as_bytes(n) + b":" + as_bytes(v) for n, v in case.get("headers") or []
            )
            seeds["verify"].add(pick + lines + b"\n\n" + body)
            for value in (v for _, v in case.get("headers") or []):
                for parser in range(8):
                    seeds["parsers"].add(bytes([parser]) + as_bytes(value) + b"\n" + body)
            for key in case.get("public_keys", []) + [case.get("private_key", "")]:
                seeds["parsers"].add(b"\x00" + as_bytes(key))
                seeds["parsers"].add(b"\x01" + as_bytes(key))
            if case.get("url"):
                seeds["parsers"].add(b"\x04" + case["url"].encode() + b"\n" + body)
            secret = as_bytes(case["secrets"][0]) if case.get("secrets") else b"s"
            ts = case.get("sign", {}).get("timestamp", 1_700_000_000)
            seeds["roundtrip"].add(pick + struct.pack("<Q", ts) + bytes([min(len(secret), 255)]) + secret[:255] + body)
    for target, items in seeds.items():
        folder = corpus / target
        folder.mkdir(parents=True, exist_ok=True)
        for i, item in enumerate(sorted(items)):
            (folder / f"seed-{i:04}").write_bytes(item)
        print(f"{target}: {len(items)} seeds")


if __name__ == "__main__":
    main()
