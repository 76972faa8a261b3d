#!/usr/bin/env python3
"""Writes the hostile-input corpus: tests/vectors/hostile/*.json.

Each case is a request an attacker or a broken proxy could send, with the code hooksig
must answer: never a crash, a panic, a foreign exception or a pass. Signatures come from
the standard library, as in ../generate.py.

    python3 tests/vectors/hostile/generate.py          # rewrite the files
    python3 tests/vectors/hostile/generate.py --check  # fail if out of date
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = 1_700_000_000
TS = str(NOW - 10)
BODY = '{"event_type":"payment.succeeded","amount":4200}'
NOYO = "noyo-secret"
SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SW_KEY = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
MSG_ID = "msg_hostile"


def hexmac(key: bytes, msg: bytes) -> str:
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def b64mac(key: bytes, msg: bytes) -> str:
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


NOYO_SIG = hexmac(NOYO.encode(), f"{TS}.{BODY}".encode())
SW_SIG = b64mac(SW_KEY, f"{MSG_ID}.{TS}.{BODY}".encode())


def repeat(unit: str, length: int) -> dict:
    return {"repeat": unit, "length": length}


def noyo(name, sig=None, ts=TS, extra=(), body=BODY, expect=None, **more):
    headers = [["X-Noyo-Timestamp", ts], ["X-Noyo-Signature", NOYO_SIG if sig is None else sig], *extra]
    return {"name": f"hostile noyo: {name}", "preset": "noyo", "secrets": [NOYO], "body": body,
            "headers": headers, "now": NOW, "expect": expect or {"error": "signature_mismatch"}, **more}


def noyo_headers(name, headers, expect, body=BODY):
    return {"name": f"hostile noyo: {name}", "preset": "noyo", "secrets": [NOYO], "body": body,
            "headers": headers, "now": NOW, "expect": expect}


def sw(name, sig=None, extra=(), expect=None, ts=TS, msg_id=MSG_ID):
    headers = [["webhook-id", msg_id], ["webhook-timestamp", ts],
               ["webhook-signature", f"v1,{SW_SIG}" if sig is None else sig], *extra]
    return {"name": f"hostile standard-webhooks: {name}", "preset": "standard-webhooks",
            "secrets": [SW_SECRET], "body": BODY, "headers": headers, "now": NOW,
            "expect": expect or {"error": "signature_mismatch"}}


def stripe(name, value, expect, secret="whsec_test_secret"):
    return {"name": f"hostile stripe: {name}", "preset": "stripe", "secrets": [secret], "body": BODY,
            "headers": [["Stripe-Signature", value]], "now": NOW, "expect": expect}


OK_NOYO = {"ok": True, "secret_index": 0, "timestamp": int(TS), "id": None}
INVALID = {"error": "invalid_header"}
MISSING = {"error": "missing_header"}
MISMATCH = {"error": "signature_mismatch"}


def headers_cases() -> list[dict]:
    stripe_sig = hexmac(b"whsec_test_secret", f"{TS}.{BODY}".encode())
    return [
        noyo("64 KiB signature value", sig=repeat("ab", 65536), expect=INVALID),
        noyo("64 KiB timestamp value", ts=repeat("1", 65536), expect=INVALID),
        noyo("signature value of exactly 8192 bytes", sig=repeat("a,", 8192), expect=INVALID),
        noyo("signature value of 8193 bytes", sig=repeat("a,", 8193), expect=INVALID),
        noyo("10 000 list items", sig=repeat("ab,", 30000), expect=INVALID),
        noyo("4000 empty list items", sig=repeat(",", 4000), expect=INVALID),
        noyo("4000 empty items then the signature", sig="," * 4000 + NOYO_SIG, expect=OK_NOYO),
        noyo("33 items of garbage", sig=",".join(["zz"] * 33), expect=INVALID),
        noyo("32 garbage items then the signature", sig=",".join(["zz"] * 32 + [NOYO_SIG]), expect=INVALID),
        noyo("31 garbage items then the signature", sig=",".join(["zz"] * 31 + [NOYO_SIG]), expect=OK_NOYO),
        noyo("64 KiB of an unrelated header", extra=[["X-Padding", repeat("x", 65536)]], expect=OK_NOYO),
        noyo("1000 unrelated headers", extra=[[f"X-Pad-{i}", "v"] for i in range(1000)], expect=OK_NOYO),
        noyo("NUL inside the signature", sig=NOYO_SIG[:10] + "\u0000" + NOYO_SIG[11:]),
        noyo("NUL after the signature", sig=NOYO_SIG + "\u0000"),
        noyo("non-UTF-8 bytes in the signature", sig={"hex": "ff" * 64}),
        noyo("non-UTF-8 bytes in the timestamp", ts={"hex": "31373030ff"}, expect=INVALID),
        noyo("NUL in the timestamp", ts=TS + "\u0000", expect=INVALID),
        noyo("CR LF in the signature", sig=NOYO_SIG + "\r\nX-Injected: 1"),
        noyo("newline-separated list", sig="zz\n" + NOYO_SIG),
        noyo("only spaces and tabs in the signature", sig=" \t \t", expect=MISSING),
        noyo("only commas and spaces", sig=" , , ,", expect=INVALID),
        noyo("a vertical tab is not trimmed", sig="\u000b" + NOYO_SIG),
        noyo("a non-breaking space is not trimmed", sig="\u00a0" + NOYO_SIG),
        noyo_headers("no headers at all", [], MISSING),
        noyo_headers("header names with non-UTF-8 bytes",
                     [[{"hex": "ff58"}, TS], [{"hex": "fe"}, NOYO_SIG]], MISSING),
        noyo_headers("header name with a trailing space",
                     [["X-Noyo-Timestamp ", TS], ["X-Noyo-Signature", NOYO_SIG]], MISSING),
        noyo_headers("header name with a trailing colon",
                     [["X-Noyo-Timestamp:", TS], ["X-Noyo-Signature", NOYO_SIG]], MISSING),
        noyo_headers("empty header name and value", [["", ""], ["X-Noyo-Timestamp", TS],
                                                     ["X-Noyo-Signature", NOYO_SIG]], OK_NOYO),
        noyo_headers("signature header twice, same value",
                     [["X-Noyo-Timestamp", TS], ["X-Noyo-Signature", NOYO_SIG],
                      ["X-Noyo-Signature", NOYO_SIG]], INVALID),
        noyo_headers("signature header twice in different case",
                     [["X-Noyo-Timestamp", TS], ["x-noyo-signature", NOYO_SIG],
                      ["X-NOYO-SIGNATURE", "00"]], INVALID),
        noyo_headers("timestamp header twice, conflicting",
                     [["X-Noyo-Timestamp", TS], ["x-noyo-timestamp", str(NOW)],
                      ["X-Noyo-Signature", NOYO_SIG]], INVALID),
        noyo_headers("timestamp header twice, one empty",
                     [["X-Noyo-Timestamp", TS], ["x-noyo-timestamp", ""],
                      ["X-Noyo-Signature", NOYO_SIG]], INVALID),
        sw("id header twice", extra=[["webhook-id", "msg_other"]], expect=INVALID),
        sw("id of 64 KiB", msg_id=repeat("m", 65536), expect=INVALID),
        sw("id with NUL and non-UTF-8 bytes", msg_id={"hex": "6d7367005fff"}),
        sw("svix headers sent to a standard-webhooks verifier",
           extra=[], expect=MISSING, msg_id=MSG_ID) | {
            "headers": [["svix-id", MSG_ID], ["svix-timestamp", TS], ["svix-signature", f"v1,{SW_SIG}"]]},
        stripe("timestamp key twice", f"t={TS},t={TS},v1={stripe_sig}", INVALID),
        stripe("no timestamp key", f"v1={stripe_sig}", INVALID),
        stripe("empty timestamp field", f"t=,v1={stripe_sig}", INVALID),
        stripe("key with spaces around =", f"t = {TS}, v1 = {stripe_sig}", INVALID),
        stripe("uppercase keys are other keys", f"T={TS},V1={stripe_sig}", INVALID),
        stripe("only separators", ",,,,", INVALID),
        stripe("a v0 signature only", f"t={TS},v0={stripe_sig}", INVALID),
        stripe("valid among 31 bad ones", ",".join([f"t={TS}"] + ["v1=00"] * 31 + [f"v1={stripe_sig}"]),
               {"ok": True, "secret_index": 0, "timestamp": int(TS), "id": None}),
    ]


def timestamp_cases() -> list[dict]:
    cases = []
    for name, ts in [
        ("Arabic-Indic digits", "\u0661\u0667\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660"),
        ("fullwidth digits", "\uff11\uff17\uff10\uff10\uff10\uff10\uff10\uff10\uff10\uff10"),
        ("superscript digits", "\u00b9\u2077\u2070\u2070"),
        ("a plus sign", "+" + TS),
        ("a minus sign", "-" + TS),
        ("a decimal point", TS + ".5"),
        ("scientific notation", "1.7e9"),
        ("hexadecimal", "0x6553f100"),
        ("underscores", "1_700_000_000"),
        ("a space inside", TS[:5] + " " + TS[5:]),
        ("ISO 8601", "2023-11-14T22:13:10Z"),
        ("19 digits (i64 overflow)", "9223372036854775808"),
        ("20 digits (u64 overflow)", "18446744073709551616"),
        ("40 digits", "9" * 40),
        ("the word null", "null"),
    ]:
        cases.append(noyo(f"timestamp with {name}", ts=ts, expect=INVALID))
    for name, ts, expect in [
        ("18 nines: far future", "9" * 18, {"error": "timestamp_in_future"}),
        ("zero: far past", "0", {"error": "timestamp_too_old"}),
        ("leading zeros are digits", "000" + TS, None),
        ("milliseconds", TS + "000", {"error": "timestamp_in_future"}),
    ]:
        cases.append(noyo(f"timestamp {name}", ts=ts, expect=expect or MISMATCH))
    # The same with the window off: digits parse, the MAC decides.
    cases.append(noyo("18 nines with the window off", ts="9" * 18, tolerance=None))
    cases.append(noyo("19 digits with the window off", ts="1" * 19, tolerance=None, expect=INVALID))
    # Leading zeros are signed as sent.
    padded = "000" + TS
    cases.append(noyo("leading zeros, signed as sent",
                      sig=hexmac(NOYO.encode(), f"{padded}.{BODY}".encode()), ts=padded, expect=OK_NOYO))
    # An absurd `now` is handled too (saturating arithmetic).
    cases.append(noyo("now at u64 max", expect={"error": "timestamp_too_old"}) | {"now": 18446744073709551615})
    cases.append(noyo("now at zero", expect={"error": "timestamp_in_future"}) | {"now": 0})
    return cases


def encoding_cases() -> list[dict]:
    wrapped = SW_SIG[:20] + " " + SW_SIG[20:]
    unpadded = SW_SIG.rstrip("=")
    return [
        sw("base64 with a space inside", sig=f"v1,{wrapped}"),
        sw("base64 with a newline inside", sig=f"v1,{SW_SIG[:20]}\n{SW_SIG[20:]}"),
        sw("base64 with a tab inside", sig=f"v1,{SW_SIG[:20]}\t{SW_SIG[20:]}"),
        sw("base64 with double padding", sig=f"v1,{unpadded}=="),
        sw("base64 with padding in the middle", sig=f"v1,{SW_SIG[:10]}={SW_SIG[11:]}"),
        sw("base64 with three = signs", sig=f"v1,{unpadded}==="),
        sw("base64 without padding is accepted", sig=f"v1,{unpadded}",
           expect={"ok": True, "secret_index": 0, "timestamp": int(TS), "id": MSG_ID}),
        sw("base64url alphabet for a base64 scheme",
           sig="v1," + SW_SIG.replace("+", "-").replace("/", "_") if ("+" in SW_SIG or "/" in SW_SIG)
           else "v1,-_-_"),
        sw("base64 of 33 bytes", sig="v1," + base64.b64encode(b"\x00" * 33).decode()),
        sw("base64 of 31 bytes", sig="v1," + base64.b64encode(b"\x00" * 31).decode()),
        sw("empty after the prefix", sig="v1,"),
        sw("prefix only, repeated", sig="v1, v1, v1,"),
        sw("prefix in another case", sig=f"V1,{SW_SIG}", expect=INVALID),
        sw("a v2 item only", sig=f"v2,{SW_SIG}", expect=INVALID),
        sw("non-ASCII base64 look-alike", sig=f"v1,{SW_SIG[:-2]}\u0410="),
        noyo("hex of odd length", sig=NOYO_SIG[:-1]),
        noyo("hex with a 0x prefix", sig="0x" + NOYO_SIG),
        noyo("hex with a sha256= prefix the scheme does not use", sig="sha256=" + NOYO_SIG),
        noyo("hex with non-hex letters", sig="g" + NOYO_SIG[1:]),
        noyo("hex with a space inside", sig=NOYO_SIG[:32] + " " + NOYO_SIG[32:]),
        noyo("hex of 33 bytes", sig=NOYO_SIG + "00"),
        noyo("hex of 31 bytes", sig=NOYO_SIG[:-2]),
        noyo("hex of a SHA-512 length", sig=NOYO_SIG * 2),
        noyo("hex in mixed case is accepted",
             sig="".join(c.upper() if i % 2 else c for i, c in enumerate(NOYO_SIG)), expect=OK_NOYO),
        noyo("fullwidth hex letters", sig="\uff41" + NOYO_SIG[1:]),
    ]


def body_cases() -> list[dict]:
    big = {"repeat": "hostile body ", "length": 16 << 20}
    unit = b"hostile body "
    big_bytes = (unit * ((16 << 20) // len(unit) + 1))[: 16 << 20]
    cases = [
        noyo("16 MiB body", body=big, sig=hexmac(NOYO.encode(), TS.encode() + b"." + big_bytes),
             expect=OK_NOYO),
        noyo("16 MiB body, last byte changed", body=big | {"length": (16 << 20) - 1},
             sig=hexmac(NOYO.encode(), TS.encode() + b"." + big_bytes)),
        noyo("empty body", body="", sig=hexmac(NOYO.encode(), f"{TS}.".encode()), expect=OK_NOYO),
        noyo("empty body against a signature of a body", body=""),
        noyo("body of NUL bytes", body={"hex": "00" * 1024},
             sig=hexmac(NOYO.encode(), TS.encode() + b"." + b"\x00" * 1024), expect=OK_NOYO),
        noyo("body with a UTF-8 BOM the signer did not send", body="\ufeff" + BODY),
        noyo("body re-encoded as pretty JSON", body=json.dumps(json.loads(BODY), indent=2)),
        noyo("body re-encoded with spaces after separators", body=json.dumps(json.loads(BODY))),
        noyo("body with CRLF line endings", body=BODY.replace(",", ",\r\n")),
        noyo("body that is invalid UTF-8", body={"hex": "c328a0a1e228a1f0288cbc"},
             sig=hexmac(NOYO.encode(), TS.encode() + b"." + bytes.fromhex("c328a0a1e228a1f0288cbc")),
             expect=OK_NOYO),
        noyo("body of surrogate-like bytes", body={"hex": "eda080edb080"},
             sig=hexmac(NOYO.encode(), TS.encode() + b"." + bytes.fromhex("eda080edb080")),
             expect=OK_NOYO),
    ]
    return cases


def type_cases() -> list[dict]:
    """Wrong argument types: `args` are passed as the JSON values themselves."""
    good_headers = [["X-Noyo-Timestamp", TS], ["X-Noyo-Signature", NOYO_SIG]]

    def bad(name, **args):
        case = {"name": f"hostile types: {name}", "preset": "noyo", "secrets": [NOYO], "now": NOW,
                "raw_args": True, "body": BODY, "headers": good_headers, "expect": {"argument_error": True}}
        case.update(args)
        return case

    return [
        bad("body as a number", body=12345),
        bad("body as null", body=None),
        bad("body as a list of numbers", body=[123, 34]),
        bad("body as an object", body={"event_type": "x"}),
        bad("body as a boolean", body=True),
        bad("headers as a string", headers="X-Noyo-Signature: " + NOYO_SIG),
        bad("headers as a number", headers=42),
        bad("headers as null", headers=None),
        bad("a header value as a number", headers=[["X-Noyo-Timestamp", int(TS)], ["X-Noyo-Signature", NOYO_SIG]]),
        bad("a header value as null", headers=[["X-Noyo-Timestamp", None], ["X-Noyo-Signature", NOYO_SIG]]),
        bad("a header name as a number", headers=[[1, TS], ["X-Noyo-Signature", NOYO_SIG]]),
        bad("a header pair of three items", headers=[["X-Noyo-Timestamp", TS, "x"], ["X-Noyo-Signature", NOYO_SIG]]),
        bad("a header pair of one item", headers=[["X-Noyo-Timestamp"], ["X-Noyo-Signature", NOYO_SIG]]),
        bad("now as a string", now=str(NOW)),
        bad("now negative", now=-1),
        bad("now as a float", now=1.5),
        bad("a secret as a number", secrets=[12345]),
        bad("a secret as null", secrets=[None]),
        bad("tolerance as a string", tolerance="300"),
        bad("tolerance negative", tolerance=-5),
        bad("params as a list", params=["business_id", "1"]),
        bad("a param value as a number", params={"business_id": 1}),
    ]


FILES = {
    "headers.json": ("Huge, repeated, malformed and non-UTF-8 headers; lists at and over the caps.",
                     headers_cases),
    "timestamps.json": ("Timestamps that are not plain ASCII digits, overflow, or sit at the extremes.",
                        timestamp_cases),
    "encodings.json": ("Signatures in broken hex and base64: whitespace, padding, alphabets, lengths.",
                       encoding_cases),
    "bodies.json": ("Enormous, empty, binary and re-encoded bodies.", body_cases),
    "types.json": ("Wrong argument types and values; each language raises its own argument error "
                   "(not run in Rust, whose types rule them out).",
                   type_cases),
}


def main() -> int:
    check = "--check" in sys.argv[1:]
    ok = True
    total = 0
    names = set()
    for name, (description, make) in FILES.items():
        cases = make()
        for case in cases:
            assert case["name"] not in names, case["name"]
            names.add(case["name"])
        total += len(cases)
        doc = {"description": description, "generated_by": "tests/vectors/hostile/generate.py",
               "cases": cases}
        text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
        path = HERE / name
        if check:
            if not path.exists() or path.read_text() != text:
                print(f"{path} is out of date: run python3 tests/vectors/hostile/generate.py",
                      file=sys.stderr)
                ok = False
        else:
            path.write_text(text)
    if not check:
        print(f"wrote {total} hostile cases in {len(FILES)} files")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
