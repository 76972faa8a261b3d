#!/usr/bin/env python3
"""Writes the hostile-input corpus: tests/vectors/hostile/*.json.

Each case is a request an attacker or a broken proxy could send, with the code hooksig
must answer: never a crash, a panic, a foreign exception or a pass. Signatures come from
the standard library and, for public-key schemes, from ../oracle.py (the `cryptography`
package), as in ../generate.py.

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
sys.path.insert(0, str(HERE.parent))

from oracle import (  # noqa: E402
    P256_N,
    PRESETS,
    Request,
    b64,
    body_bytes,
    der_decode,
    der_signature,
    ed25519_key,
    mac,
    message,
    p256_key,
    public_signature,
    twilio_form,
)

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
    headers = [
        ["X-Noyo-Timestamp", ts],
        ["X-Noyo-Signature", NOYO_SIG if sig is None else sig],
        *extra,
    ]
    return {
        "name": f"hostile noyo: {name}",
        "preset": "noyo",
        "secrets": [NOYO],
        "body": body,
        "headers": headers,
        "now": NOW,
        "expect": expect or {"error": "signature_mismatch"},
        **more,
    }


def noyo_headers(name, headers, expect, body=BODY):
    return {
        "name": f"hostile noyo: {name}",
        "preset": "noyo",
        "secrets": [NOYO],
        "body": body,
        "headers": headers,
        "now": NOW,
        "expect": expect,
    }


def sw(name, sig=None, extra=(), expect=None, ts=TS, msg_id=MSG_ID):
    headers = [
        ["webhook-id", msg_id],
        ["webhook-timestamp", ts],
        ["webhook-signature", f"v1,{SW_SIG}" if sig is None else sig],
        *extra,
    ]
    return {
        "name": f"hostile standard-webhooks: {name}",
        "preset": "standard-webhooks",
        "secrets": [SW_SECRET],
        "body": BODY,
        "headers": headers,
        "now": NOW,
        "expect": expect or {"error": "signature_mismatch"},
    }


def stripe(name, value, expect, secret="whsec_test_secret"):
    return {
        "name": f"hostile stripe: {name}",
        "preset": "stripe",
        "secrets": [secret],
        "body": BODY,
        "headers": [["Stripe-Signature", value]],
        "now": NOW,
        "expect": expect,
    }


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
        noyo(
            "32 garbage items then the signature",
            sig=",".join(["zz"] * 32 + [NOYO_SIG]),
            expect=INVALID,
        ),
        noyo(
            "31 garbage items then the signature",
            sig=",".join(["zz"] * 31 + [NOYO_SIG]),
            expect=OK_NOYO,
        ),
        noyo(
            "64 KiB of an unrelated header",
            extra=[["X-Padding", repeat("x", 65536)]],
            expect=OK_NOYO,
        ),
        noyo(
            "1000 unrelated headers",
            extra=[[f"X-Pad-{i}", "v"] for i in range(1000)],
            expect=OK_NOYO,
        ),
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
        noyo_headers(
            "header names with non-UTF-8 bytes",
            [[{"hex": "ff58"}, TS], [{"hex": "fe"}, NOYO_SIG]],
            MISSING,
        ),
        noyo_headers(
            "header name with a trailing space",
            [["X-Noyo-Timestamp ", TS], ["X-Noyo-Signature", NOYO_SIG]],
            MISSING,
        ),
        noyo_headers(
            "header name with a trailing colon",
            [["X-Noyo-Timestamp:", TS], ["X-Noyo-Signature", NOYO_SIG]],
            MISSING,
        ),
        noyo_headers(
            "empty header name and value",
            [["", ""], ["X-Noyo-Timestamp", TS], ["X-Noyo-Signature", NOYO_SIG]],
            OK_NOYO,
        ),
        noyo_headers(
            "signature header twice, same value",
            [
                ["X-Noyo-Timestamp", TS],
                ["X-Noyo-Signature", NOYO_SIG],
                ["X-Noyo-Signature", NOYO_SIG],
            ],
            INVALID,
        ),
        noyo_headers(
            "signature header twice in different case",
            [["X-Noyo-Timestamp", TS], ["x-noyo-signature", NOYO_SIG], ["X-NOYO-SIGNATURE", "00"]],
            INVALID,
        ),
        noyo_headers(
            "timestamp header twice, conflicting",
            [
                ["X-Noyo-Timestamp", TS],
                ["x-noyo-timestamp", str(NOW)],
                ["X-Noyo-Signature", NOYO_SIG],
            ],
            INVALID,
        ),
        noyo_headers(
            "timestamp header twice, one empty",
            [["X-Noyo-Timestamp", TS], ["x-noyo-timestamp", ""], ["X-Noyo-Signature", NOYO_SIG]],
            INVALID,
        ),
        sw("id header twice", extra=[["webhook-id", "msg_other"]], expect=INVALID),
        sw("id of 64 KiB", msg_id=repeat("m", 65536), expect=INVALID),
        sw("id with NUL and non-UTF-8 bytes", msg_id={"hex": "6d7367005fff"}),
        sw(
            "svix headers sent to a standard-webhooks verifier",
            extra=[],
            expect=MISSING,
            msg_id=MSG_ID,
        )
        | {
            "headers": [
                ["svix-id", MSG_ID],
                ["svix-timestamp", TS],
                ["svix-signature", f"v1,{SW_SIG}"],
            ]
        },
        stripe("timestamp key twice", f"t={TS},t={TS},v1={stripe_sig}", INVALID),
        stripe("no timestamp key", f"v1={stripe_sig}", INVALID),
        stripe("empty timestamp field", f"t=,v1={stripe_sig}", INVALID),
        stripe("key with spaces around =", f"t = {TS}, v1 = {stripe_sig}", INVALID),
        stripe("uppercase keys are other keys", f"T={TS},V1={stripe_sig}", INVALID),
        stripe("only separators", ",,,,", INVALID),
        stripe("a v0 signature only", f"t={TS},v0={stripe_sig}", INVALID),
        stripe(
            "valid among 31 bad ones",
            ",".join([f"t={TS}"] + ["v1=00"] * 31 + [f"v1={stripe_sig}"]),
            {"ok": True, "secret_index": 0, "timestamp": int(TS), "id": None},
        ),
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
    cases.append(
        noyo(
            "leading zeros, signed as sent",
            sig=hexmac(NOYO.encode(), f"{padded}.{BODY}".encode()),
            ts=padded,
            expect=OK_NOYO,
        )
    )
    # An absurd `now` is handled too (saturating arithmetic).
    cases.append(
        noyo("now at u64 max", expect={"error": "timestamp_too_old"})
        | {"now": 18446744073709551615}
    )
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
        sw(
            "base64 without padding is accepted",
            sig=f"v1,{unpadded}",
            expect={"ok": True, "secret_index": 0, "timestamp": int(TS), "id": MSG_ID},
        ),
        sw(
            "base64url alphabet for a base64 scheme",
            sig="v1," + SW_SIG.replace("+", "-").replace("/", "_")
            if ("+" in SW_SIG or "/" in SW_SIG)
            else "v1,-_-_",
        ),
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
        noyo(
            "hex in mixed case is accepted",
            sig="".join(c.upper() if i % 2 else c for i, c in enumerate(NOYO_SIG)),
            expect=OK_NOYO,
        ),
        noyo("fullwidth hex letters", sig="\uff41" + NOYO_SIG[1:]),
    ]


def body_cases() -> list[dict]:
    big = {"repeat": "hostile body ", "length": 16 << 20}
    unit = b"hostile body "
    big_bytes = (unit * ((16 << 20) // len(unit) + 1))[: 16 << 20]
    cases = [
        noyo(
            "16 MiB body",
            body=big,
            sig=hexmac(NOYO.encode(), TS.encode() + b"." + big_bytes),
            expect=OK_NOYO,
        ),
        noyo(
            "16 MiB body, last byte changed",
            body=big | {"length": (16 << 20) - 1},
            sig=hexmac(NOYO.encode(), TS.encode() + b"." + big_bytes),
        ),
        noyo("empty body", body="", sig=hexmac(NOYO.encode(), f"{TS}.".encode()), expect=OK_NOYO),
        noyo("empty body against a signature of a body", body=""),
        noyo(
            "body of NUL bytes",
            body={"hex": "00" * 1024},
            sig=hexmac(NOYO.encode(), TS.encode() + b"." + b"\x00" * 1024),
            expect=OK_NOYO,
        ),
        noyo("body with a UTF-8 BOM the signer did not send", body="\ufeff" + BODY),
        noyo("body re-encoded as pretty JSON", body=json.dumps(json.loads(BODY), indent=2)),
        noyo("body re-encoded with spaces after separators", body=json.dumps(json.loads(BODY))),
        noyo("body with CRLF line endings", body=BODY.replace(",", ",\r\n")),
        noyo(
            "body that is invalid UTF-8",
            body={"hex": "c328a0a1e228a1f0288cbc"},
            sig=hexmac(NOYO.encode(), TS.encode() + b"." + bytes.fromhex("c328a0a1e228a1f0288cbc")),
            expect=OK_NOYO,
        ),
        noyo(
            "body of surrogate-like bytes",
            body={"hex": "eda080edb080"},
            sig=hexmac(NOYO.encode(), TS.encode() + b"." + bytes.fromhex("eda080edb080")),
            expect=OK_NOYO,
        ),
    ]
    return cases


def type_cases() -> list[dict]:
    """Wrong argument types: `args` are passed as the JSON values themselves."""
    good_headers = [["X-Noyo-Timestamp", TS], ["X-Noyo-Signature", NOYO_SIG]]

    def bad(name, **args):
        case = {
            "name": f"hostile types: {name}",
            "preset": "noyo",
            "secrets": [NOYO],
            "now": NOW,
            "raw_args": True,
            "body": BODY,
            "headers": good_headers,
            "expect": {"argument_error": True},
        }
        case.update(args)
        return case

    square_sig = b64(
        hmac.new(b"sq", b"https://example.com/sq" + BODY.encode(), hashlib.sha256).digest()
    )

    def url_bad(name, **args):
        return (
            bad(
                name,
                preset="square",
                secrets=["sq"],
                headers=[["x-square-hmacsha256-signature", square_sig]],
                url="https://example.com/sq",
            )
            | args
        )

    def hubspot_bad(name, **args):
        return (
            bad(
                name,
                preset="hubspot",
                secrets=["h"],
                url="https://example.com/h",
                method="POST",
                headers=[
                    ["X-HubSpot-Request-Timestamp", TS + "000"],
                    ["X-HubSpot-Signature-v3", "AAAA"],
                ],
            )
            | args
        )

    discord_sig = ED.sign(message(DISCORD, Request(body=BODY.encode(), timestamp=TS))).hex()

    def key_bad(name, **args):
        case = (
            bad(
                name,
                preset="discord",
                public_keys=[ED.hex()],
                headers=[["X-Signature-Timestamp", TS], ["X-Signature-Ed25519", discord_sig]],
            )
            | args
        )
        del case["secrets"]
        if case.get("op") == "sign":
            del case["public_keys"], case["headers"], case["now"]
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
        bad(
            "a header value as a number",
            headers=[["X-Noyo-Timestamp", int(TS)], ["X-Noyo-Signature", NOYO_SIG]],
        ),
        bad(
            "a header value as null",
            headers=[["X-Noyo-Timestamp", None], ["X-Noyo-Signature", NOYO_SIG]],
        ),
        bad("a header name as a number", headers=[[1, TS], ["X-Noyo-Signature", NOYO_SIG]]),
        bad(
            "a header pair of three items",
            headers=[["X-Noyo-Timestamp", TS, "x"], ["X-Noyo-Signature", NOYO_SIG]],
        ),
        bad(
            "a header pair of one item",
            headers=[["X-Noyo-Timestamp"], ["X-Noyo-Signature", NOYO_SIG]],
        ),
        bad("now as a string", now=str(NOW)),
        bad("now negative", now=-1),
        bad("now as a float", now=1.5),
        bad("a secret as a number", secrets=[12345]),
        bad("a secret as null", secrets=[None]),
        bad("tolerance as a string", tolerance="300"),
        bad("tolerance negative", tolerance=-5),
        bad("params as a list", params=["business_id", "1"]),
        bad("a param value as a number", params={"business_id": 1}),
        # Issue 14 item 4: numbers out of range or of the wrong kind, the same error everywhere.
        bad("tolerance as a float", tolerance=1.5),
        bad("tolerance above 2^64", tolerance=18446744073709551616),
        bad("now above 2^64", now=18446744073709551616),
        # The request context and the keys of schemes v2.
        url_bad("url as a number", url=12345),
        url_bad("url as a list", url=["https://example.com/sq"]),
        url_bad("url as an object", url={"href": "https://example.com/sq"}),
        hubspot_bad("method as a number", method=1),
        hubspot_bad("method as a list", method=["POST"]),
        key_bad("public_keys as a string, not a list", public_keys=ED.hex()),
        key_bad("public_keys as a number", public_keys=42),
        key_bad("a public key as a number", public_keys=[42]),
        key_bad("a public key as null", public_keys=[None]),
        key_bad("private_key as a number", op="sign", private_key=12345, sign={"timestamp": NOW}),
        key_bad(
            "private_key as a list", op="sign", private_key=[ED.seed.hex()], sign={"timestamp": NOW}
        ),
    ]


# -- Schemes v2: public keys, signatures, RFC 3339, forms, body fields, messages -------------

ED = ed25519_key("hostile ed25519")
ED_OTHER = ed25519_key("hostile ed25519 other")
EC = p256_key("hostile p256")
SG = PRESETS["sendgrid"]
DISCORD = PRESETS["discord"]
OK_NONE = {"ok": True, "secret_index": 0, "timestamp": None, "id": None}
OK_TS = {"ok": True, "secret_index": 0, "timestamp": int(TS), "id": None}
INVALID_KEY = {"error": "invalid_key"}
INVALID_SECRET = {"error": "invalid_secret"}
MISSING_PARAM = {"error": "missing_param"}
# The order of Ed25519's group, for a non-canonical S.
ED_L = 2**252 + 27742317777372353535851937790883648493


def sendgrid(name, sig, expect=None, keys=None, body=BODY):
    return {
        "name": f"hostile sendgrid: {name}",
        "preset": "sendgrid",
        "public_keys": keys or [EC.spki_b64()],
        "body": body,
        "headers": [
            ["X-Twilio-Email-Event-Webhook-Timestamp", TS],
            ["X-Twilio-Email-Event-Webhook-Signature", sig],
        ],
        "now": NOW,
        "expect": expect or MISMATCH,
    }


def discord(name, sig, expect=None, keys=None):
    return {
        "name": f"hostile discord: {name}",
        "preset": "discord",
        "public_keys": keys or [ED.hex()],
        "body": BODY,
        "headers": [["X-Signature-Timestamp", TS], ["X-Signature-Ed25519", sig]],
        "now": NOW,
        "expect": expect or MISMATCH,
    }


def der(r: int, s: int) -> bytes:
    return der_signature(r, s)


def signature_cases() -> list[dict]:
    good = base64.b64decode(public_signature(SG, EC, SG, Request(body=BODY.encode(), timestamp=TS)))
    r, s = der_decode(good)
    rb, sb = r.to_bytes(32, "big"), s.to_bytes(32, "big")

    def integer(raw: bytes) -> bytes:
        return b"\x02" + bytes([len(raw)]) + raw

    def seq(inner: bytes) -> bytes:
        return b"\x30" + bytes([len(inner)]) + inner

    def minimal(n: bytes) -> bytes:
        n = n.lstrip(b"\x00") or b"\x00"
        return b"\x00" + n if n[0] & 0x80 else n

    r_min, s_min = minimal(rb), minimal(sb)
    # The same magnitude with the sign bit set: a negative INTEGER in DER.
    negative_r = r_min[1:] if r_min[0] == 0 else bytes([r_min[0] | 0x80]) + r_min[1:]
    ed_sig = ED.sign(message(DISCORD, Request(body=BODY.encode(), timestamp=TS)))
    s_big = int.from_bytes(ed_sig[32:], "little") + ED_L
    cases = [
        sendgrid("the valid signature (control)", b64(good), OK_TS),
        sendgrid("DER with a trailing zero byte", b64(good + b"\x00")),
        sendgrid("DER with trailing garbage after the sequence", b64(good + b"\x02\x01\x01")),
        sendgrid(
            "DER sequence length one too long", b64(b"\x30" + bytes([good[1] + 1]) + good[2:])
        ),
        sendgrid(
            "DER sequence length one too short", b64(b"\x30" + bytes([good[1] - 1]) + good[2:])
        ),
        sendgrid("DER truncated by one byte", b64(good[:-1])),
        sendgrid(
            "DER with a long-form length (BER)",
            b64(b"\x30\x81" + bytes([len(good) - 2]) + good[2:]),
        ),
        sendgrid(
            "DER with an extra leading zero in r",
            b64(seq(integer(b"\x00" + r_min) + integer(s_min))),
        ),
        sendgrid(
            "DER with r as a negative integer", b64(seq(integer(negative_r) + integer(s_min)))
        ),
        sendgrid("DER with r and s swapped", b64(seq(integer(s_min) + integer(r_min)))),
        sendgrid(
            "DER with a third integer", b64(seq(integer(r_min) + integer(s_min) + integer(b"\x01")))
        ),
        sendgrid("DER with r = 0", b64(der(0, s))),
        sendgrid("DER with s = 0", b64(der(r, 0))),
        sendgrid("DER with r = n", b64(der(P256_N, s))),
        sendgrid(
            "DER with s + n for s",
            b64(seq(integer(r_min) + integer(minimal((P256_N + s).to_bytes(33, "big"))))),
        ),
        sendgrid("an empty DER sequence", b64(b"\x30\x00")),
        sendgrid("a DER octet string instead of a sequence", b64(b"\x04" + good[1:])),
        sendgrid(
            "80 bytes of DER-looking data", b64(seq(integer(b"\x01" * 37) + integer(b"\x01" * 37)))
        ),
        sendgrid("a 4 KiB signature", b64(b"\x30" * 4096)),
        sendgrid("raw r||s of 64 bytes", b64(rb + sb)),
        sendgrid("raw r||s of 65 bytes", b64(b"\x00" + rb + sb)),
        sendgrid("the signature over another body", b64(good), body=BODY + " "),
        sendgrid(
            "the same signature, another public key",
            b64(good),
            keys=[p256_key("hostile other").spki_b64()],
        ),
        discord("the valid signature (control)", ed_sig.hex(), OK_TS),
        discord("63 bytes", ed_sig[:-1].hex()),
        discord("65 bytes", (ed_sig + b"\x00").hex()),
        discord(
            "non-canonical S (S + L)",
            (ed_sig[:32] + s_big.to_bytes(32, "little")).hex()
            if s_big < 2**256
            else ed_sig[:32].hex() + "ff" * 32,
        ),
        discord("S with the top bits set", (ed_sig[:63] + bytes([ed_sig[63] | 0xE0])).hex()),
        discord("R of all zeros", ("00" * 32) + ed_sig[32:].hex()),
        discord("all zeros", "00" * 64),
        discord("the signature of another key", ED_OTHER.sign(BODY.encode()).hex()),
    ]
    return cases


SW = "standard-webhooks"
SW_VALID_V1A = "v1a," + public_signature(
    PRESETS[SW]["asymmetric"], ED, PRESETS[SW], Request(body=BODY.encode(), timestamp=TS, id=MSG_ID)
)


def key_case(
    name,
    expect,
    preset="discord",
    secrets=None,
    public_keys=None,
    op=None,
    private_key=None,
    scheme=None,
    **more,
):
    case = {"name": f"hostile keys: {name}"}
    if scheme is not None:
        case["scheme"] = scheme
    else:
        case["preset"] = preset
    if secrets is not None:
        case["secrets"] = secrets
    if public_keys is not None:
        case["public_keys"] = public_keys
    if private_key is not None:
        case["private_key"] = private_key
    if op == "sign":
        case.update(op="sign", body=BODY, sign={"timestamp": int(TS), "id": MSG_ID})
    else:
        headers = {
            "discord": [["X-Signature-Timestamp", TS], ["X-Signature-Ed25519", "00" * 64]],
            "sendgrid": [
                ["X-Twilio-Email-Event-Webhook-Timestamp", TS],
                ["X-Twilio-Email-Event-Webhook-Signature", "MAYCAQECAQE="],
            ],
            SW: [
                ["webhook-id", MSG_ID],
                ["webhook-timestamp", TS],
                ["webhook-signature", SW_VALID_V1A],
            ],
        }.get(preset, [["x-sig", "00"]])
        case.update(body=BODY, headers=headers, now=NOW)
    case.update(more)
    case["expect"] = expect
    return case


def spki(prefix_hex: str, point: bytes) -> str:
    return b64(bytes.fromhex(prefix_hex) + point)


P256_SPKI = "3059301306072a8648ce3d020106082a8648ce3d030107034200"
K256_SPKI = "3056301006072a8648ce3d020106052b8104000a034200"  # secp256k1: the wrong curve
ED_SPKI = "302a300506032b6570032100"
X25519_SPKI = "302a300506032b656e032100"


def pem(der_bytes: bytes, label: str = "PUBLIC KEY") -> str:
    body = b64(der_bytes)
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def key_cases() -> list[dict]:
    point = EC.point()
    whsk = ED.whsk()
    mismatched_whsk = "whsk_" + b64(ED.seed + ED_OTHER.public)
    cases = [
        # Ed25519 public keys (discord: hex; standard-webhooks: whpk_).
        key_case("Ed25519 hex key of 31 bytes", INVALID_KEY, public_keys=[ED.hex()[:-2]]),
        key_case("Ed25519 hex key of 33 bytes", INVALID_KEY, public_keys=[ED.hex() + "00"]),
        key_case("Ed25519 hex key of odd length", INVALID_KEY, public_keys=[ED.hex()[:-1]]),
        key_case("Ed25519 key that is not hex", INVALID_KEY, public_keys=["zz" * 32]),
        key_case(
            "Ed25519 key as base64 for a hex scheme", INVALID_KEY, public_keys=[b64(ED.public)]
        ),
        key_case("an empty public key", INVALID_KEY, public_keys=[""]),
        key_case("a public key of spaces", INVALID_KEY, public_keys=["   "]),
        key_case("one bad key among good ones", INVALID_KEY, public_keys=[ED.hex(), "00"]),
        key_case("a 16 KiB public key", INVALID_KEY, public_keys=["ab" * 8192]),
        key_case("a public key with non-ASCII letters", INVALID_KEY, public_keys=["é" * 64]),
        key_case("a P-256 SPKI for an Ed25519 scheme", INVALID_KEY, public_keys=[EC.pem()]),
        key_case(
            "an X25519 SPKI for an Ed25519 scheme",
            INVALID_KEY,
            public_keys=[pem(bytes.fromhex(X25519_SPKI) + ED.public)],
        ),
        key_case(
            "whpk_ without base64", INVALID_KEY, preset=SW, public_keys=["whpk_!!not base64!!"]
        ),
        key_case("whpk_ alone", INVALID_KEY, preset=SW, public_keys=["whpk_"]),
        key_case(
            "whpk_ of 31 bytes", INVALID_KEY, preset=SW, public_keys=["whpk_" + b64(ED.public[:31])]
        ),
        key_case(
            "whpk_ of 33 bytes",
            INVALID_KEY,
            preset=SW,
            public_keys=["whpk_" + b64(ED.public + b"\x00")],
        ),
        key_case(
            "whpk_ with base64url characters",
            INVALID_KEY,
            preset=SW,
            public_keys=["whpk_" + b64(ED.public).replace("+", "-").replace("/", "_") + "-_"],
        ),
        key_case(
            "a valid whpk_ key (control)",
            {"ok": True, "secret_index": 0, "timestamp": int(TS), "id": MSG_ID},
            preset=SW,
            public_keys=[ED.whpk()],
        ),
        key_case(
            "a whsec_ secret passed as a public key",
            INVALID_KEY,
            preset=SW,
            public_keys=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            message_contains="whsec_",
        ),
        key_case(
            "a whpk_ key passed as a secret",
            INVALID_SECRET,
            preset=SW,
            secrets=[ED.whpk()],
            message_contains="public key",
        ),
        key_case(
            "a PEM public key passed as a secret",
            INVALID_SECRET,
            preset="github",
            secrets=[ED.pem()],
        ),
        key_case(
            "a whsk_ private key passed as a secret", INVALID_SECRET, preset=SW, secrets=[whsk]
        ),
        key_case(
            "a whsk_ private key passed as a public key", INVALID_KEY, preset=SW, public_keys=[whsk]
        ),
        key_case(
            "a whpk_ key for an ECDSA scheme",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[ED.whpk()],
        ),
        # P-256 public keys (sendgrid: base64 SPKI).
        key_case(
            "a P-256 SPKI with a point off the curve",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[spki(P256_SPKI, b"\x04" + point[1:33] + bytes(32))],
        ),
        key_case(
            "a P-256 SPKI of the point at infinity",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[spki("3019301306072a8648ce3d020106082a8648ce3d030107030200", b"\x00")],
        ),
        key_case(
            "a P-256 SPKI with a trailing byte",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[b64(EC.spki() + b"\x00")],
        ),
        key_case(
            "a P-256 SPKI truncated",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[b64(EC.spki()[:-1])],
        ),
        key_case(
            "a P-256 SPKI with a bad point prefix (0x05)",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[spki(P256_SPKI, b"\x05" + point[1:])],
        ),
        key_case(
            "a secp256k1 SPKI: the wrong curve",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[spki(K256_SPKI, point)],
        ),
        key_case(
            "an Ed25519 SPKI for an ECDSA scheme",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[ED.pem()],
        ),
        key_case(
            "a bare SEC1 point for an SPKI scheme",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[b64(point)],
        ),
        key_case(
            "PEM with garbage inside",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=["-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"],
        ),
        key_case(
            "PEM without its end line",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[EC.pem().split("-----END")[0]],
        ),
        key_case(
            "an RSA PUBLIC KEY PEM label",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[pem(EC.spki(), "RSA PUBLIC KEY")],
        ),
        key_case(
            "a P-256 private key passed as the public key",
            INVALID_KEY,
            preset="sendgrid",
            public_keys=[EC.pkcs8_pem()],
        ),
        key_case(
            "a SendGrid key as a secret", INVALID_SECRET, preset="sendgrid", secrets=[EC.spki_b64()]
        ),
        # Private keys (sign).
        key_case(
            "whsk_ whose public half is another key's",
            INVALID_KEY,
            preset=SW,
            op="sign",
            private_key=mismatched_whsk,
        ),
        key_case(
            "whsk_ of 32 bytes (no public half)",
            INVALID_KEY,
            preset=SW,
            op="sign",
            private_key="whsk_" + b64(ED.seed),
        ),
        key_case("whsk_ without base64", INVALID_KEY, preset=SW, op="sign", private_key="whsk_%%%"),
        key_case("a hex seed of 31 bytes", INVALID_KEY, op="sign", private_key=ED.seed.hex()[:-2]),
        key_case(
            "a whpk_ public key given as the private key",
            INVALID_KEY,
            preset=SW,
            op="sign",
            private_key=ED.whpk(),
        ),
        key_case(
            "an Ed25519 PKCS#8 key for an ECDSA scheme",
            INVALID_KEY,
            preset="sendgrid",
            op="sign",
            private_key=ED.pkcs8_pem(),
        ),
        key_case(
            "a P-256 PKCS#8 key for an Ed25519 scheme",
            INVALID_KEY,
            op="sign",
            private_key=EC.pkcs8_pem(),
        ),
        key_case(
            "a P-256 scalar of zero",
            INVALID_KEY,
            preset="sendgrid",
            op="sign",
            private_key="00" * 32,
        ),
        key_case(
            "a P-256 scalar equal to the order",
            INVALID_KEY,
            preset="sendgrid",
            op="sign",
            private_key=f"{P256_N:064x}",
        ),
        key_case(
            "a private key for an HMAC scheme",
            INVALID_KEY,
            preset="github",
            secrets=["s"],
            op="sign",
            private_key=ED.seed.hex(),
        ),
        key_case("no private key to sign a public-key scheme", INVALID_KEY, op="sign"),
        # Secrets (issue 14 item 8: messages that name the likely cause).
        key_case(
            "a text secret with a trailing newline",
            INVALID_SECRET,
            preset="github",
            secrets=["It's a Secret to Everybody\n"],
            message_contains="white space",
        ),
        key_case(
            "a text secret with a leading space",
            INVALID_SECRET,
            preset="noyo",
            secrets=[" noyo-secret"],
            message_contains="white space",
        ),
        key_case(
            "a text secret with a trailing tab",
            INVALID_SECRET,
            preset="stripe",
            secrets=["whsec_test_secret\t"],
            message_contains="white space",
        ),
        key_case(
            "a Stripe secret API key given to stripe",
            INVALID_SECRET,
            preset="stripe",
            secrets=["sk_live_51H8x2KZvKYlo2CabcdefABCDEF"],
            message_contains="whsec_",
        ),
        key_case(
            "a Stripe restricted key given to stripe",
            INVALID_SECRET,
            preset="stripe",
            secrets=["rk_live_51H8x2KZvKYlo2Cabcdef"],
            message_contains="whsec_",
        ),
        key_case(
            "a Stripe publishable key given to stripe",
            INVALID_SECRET,
            preset="stripe",
            secrets=["pk_test_51H8x2KZvKYlo2Cabcdef"],
            message_contains="whsec_",
        ),
        key_case(
            "a Stripe API key as the second secret",
            INVALID_SECRET,
            preset="stripe",
            secrets=["whsec_test_secret", "sk_test_abc"],
            message_contains="whsec_",
        ),
    ]
    # Secrets that are trimmed: base64 and whsec_ secrets (as the Standard Webhooks libraries do).
    sw_sig = b64mac(SW_KEY, f"{MSG_ID}.{TS}.{BODY}".encode())
    sw_headers = [
        ["webhook-id", MSG_ID],
        ["webhook-timestamp", TS],
        ["webhook-signature", f"v1,{sw_sig}"],
    ]
    ok_sw = {"ok": True, "secret_index": 0, "timestamp": int(TS), "id": MSG_ID}
    cases += [
        key_case(
            "a whsec_ secret with a trailing newline is trimmed",
            ok_sw,
            preset=SW,
            secrets=[SW_SECRET + "\n"],
            headers=sw_headers,
        ),
        key_case(
            "a whsec_ secret with spaces around is trimmed",
            ok_sw,
            preset=SW,
            secrets=["  " + SW_SECRET + " "],
            headers=sw_headers,
        ),
    ]
    return cases


def rfc3339_cases() -> list[dict]:
    """Twitch's RFC 3339 timestamps, each signed as sent, with the window off: the parser
    decides."""
    twitch = PRESETS["twitch"]
    secret = "s3cRe7s3cRe7"

    def case(name, text, seconds):
        sig = mac(twitch, secret, Request(body=BODY.encode(), timestamp=text, id=MSG_ID))
        return {
            "name": f"hostile rfc3339: {name}",
            "preset": "twitch",
            "secrets": [secret],
            "tolerance": None,
            "body": BODY,
            "now": NOW,
            "headers": [
                ["Twitch-Eventsub-Message-Id", MSG_ID],
                ["Twitch-Eventsub-Message-Timestamp", text],
                ["Twitch-Eventsub-Message-Signature", "sha256=" + sig],
            ],
            "expect": INVALID
            if seconds is None
            else {"ok": True, "secret_index": 0, "timestamp": seconds, "id": MSG_ID},
        }

    def at(text):
        """Unix seconds of a well-formed text, computed here independently (leap second: +1)."""
        date, clock = text[:10], text[11:19]
        y, mo, d = (int(x) for x in date.split("-"))
        h, mi, s = (int(x) for x in clock.split(":"))
        rest = text[19:]
        if rest.startswith("."):
            rest = rest.lstrip(".0123456789")
        offset = (
            0
            if rest in ("Z", "z")
            else (1 if rest[0] == "+" else -1) * (int(rest[1:3]) * 60 + int(rest[4:6]))
        )
        import calendar

        return calendar.timegm((y, mo, d, h, mi, 0)) + s - offset * 60

    good = [
        ("a leap second", "2016-12-31T23:59:60Z"),
        ("a second of 60 on an ordinary day", "2023-11-14T22:13:60Z"),
        ("an offset of +00:00", "2023-11-14T22:13:10+00:00"),
        ("an offset of -00:00", "2023-11-14T22:13:10-00:00"),
        ("an offset of +23:59", "2023-11-15T22:12:10+23:59"),
        ("an offset of -23:59", "2023-11-13T22:14:10-23:59"),
        ("30 digits of fraction", "2023-11-14T22:13:10.123456789012345678901234567890Z"),
        ("one digit of fraction", "2023-11-14T22:13:10.9Z"),
        ("a fraction of nines does not round up", "2023-11-14T22:13:10.999999999Z"),
        ("Feb 29 of a leap year", "2024-02-29T12:00:00Z"),
        ("Feb 29 of 2000 (divisible by 400)", "2000-02-29T00:00:00Z"),
        ("lower-case t and z", "2023-11-14t22:13:10z"),
        ("the epoch", "1970-01-01T00:00:00Z"),
        ("the last second of 9999", "9999-12-31T23:59:59Z"),
        ("an offset that crosses the epoch", "1970-01-01T01:00:00+01:00"),
    ]
    bad = [
        ("Feb 29 of a non-leap year", "2023-02-29T00:00:00Z"),
        ("Feb 29 of 2100 (not a leap year)", "2100-02-29T00:00:00Z"),
        ("Feb 30", "2024-02-30T00:00:00Z"),
        ("April 31", "2024-04-31T00:00:00Z"),
        ("month 13", "2023-13-01T00:00:00Z"),
        ("month 00", "2023-00-01T00:00:00Z"),
        ("day 00", "2023-01-00T00:00:00Z"),
        ("hour 24", "2023-01-01T24:00:00Z"),
        ("minute 60", "2023-01-01T00:60:00Z"),
        ("second 61", "2023-01-01T00:00:61Z"),
        ("no offset", "2023-11-14T22:13:10"),
        ("an offset without a colon", "2023-11-14T22:13:10+0000"),
        ("an offset of hours only", "2023-11-14T22:13:10+02"),
        ("an offset of +24:00", "2023-11-14T22:13:10+24:00"),
        ("an offset of +00:60", "2023-11-14T22:13:10+00:60"),
        ("a fraction without digits", "2023-11-14T22:13:10.Z"),
        ("a comma for the fraction", "2023-11-14T22:13:10,5Z"),
        ("1000 digits of fraction", "2023-11-14T22:13:10." + "1" * 1000 + "Z"),
        ("a space for T", "2023-11-14 22:13:10Z"),
        ("an underscore for T", "2023-11-14_22:13:10Z"),
        ("a date only", "2023-11-14"),
        ("before 1970", "1969-12-31T23:59:59Z"),
        ("before 1970 by its offset", "1970-01-01T00:00:00+00:01"),
        ("a five-digit year", "10000-01-01T00:00:00Z"),
        ("a signed year", "+2023-11-14T22:13:10Z"),
        ("a two-digit year", "23-11-14T22:13:10Z"),
        ("single-digit month and day", "2023-1-4T22:13:10Z"),
        ("fullwidth digits", "\uff12\uff10\uff12\uff13-11-14T22:13:10Z"),
        ("Arabic-Indic digits", "٢٠٢٣-11-14T22:13:10Z"),
        ("two Zs", "2023-11-14T22:13:10ZZ"),
        ("a Z and an offset", "2023-11-14T22:13:10Z+00:00"),
        ("a time zone name", "2023-11-14T22:13:10 UTC"),
        ("Unix seconds", TS),
        ("Unix milliseconds", TS + "000"),
        ("an RFC 2822 date", "Tue, 14 Nov 2023 22:13:10 GMT"),
        ("a NUL after the Z", "2023-11-14T22:13:10Z\u0000"),
    ]
    cases = [case(name, text, at(text)) for name, text in good]
    cases += [case(name, text, None) for name, text in bad]
    # Checked values (not only the helper's arithmetic).
    assert at("2016-12-31T23:59:60Z") == 1_483_228_800
    assert at("2023-11-14T22:13:10+00:00") == int(TS)
    assert at("2023-11-15T22:12:10+23:59") == int(TS)
    return cases


def message_cases() -> list[dict]:
    """Issue 14 item 8: a millisecond timestamp for a seconds scheme says so."""
    ms = str(NOW * 1000 - 10_000)
    return [
        noyo(
            "a millisecond timestamp for a seconds scheme",
            ts=ms,
            expect={"error": "timestamp_in_future"},
        )
        | {"message_contains": "milliseconds?"},
        {
            **stripe(
                "a millisecond timestamp in the t= field",
                f"t={ms},v1=00",
                {"error": "timestamp_in_future"},
            ),
            "message_contains": "milliseconds?",
        },
    ]


TWILIO = PRESETS["twilio"]
TWILIO_URL = "https://example.com/twilio/sms?tenant=acme"


def twilio(name, body, expect=None, url=TWILIO_URL, signed_body=None, signed_url=None, **more):
    """A Twilio request signed by the oracle over `signed_body` and `signed_url` (default: as
    sent)."""
    signed_url = signed_url or url
    signed = body_bytes(signed_body if signed_body is not None else body)
    form = twilio_form(signed_url, signed)
    sig = b64(hmac.new(b"12345", signed_url.encode() + (form or b""), hashlib.sha1).digest())
    case = {
        "name": f"hostile twilio: {name}",
        "preset": "twilio",
        "secrets": ["12345"],
        "url": url,
        "body": body,
        "headers": [["X-Twilio-Signature", sig]],
        "now": NOW,
        "expect": expect or OK_NONE,
    }
    case.update(more)
    return case


def form_cases() -> list[dict]:
    n = 100_000
    cases = [
        twilio("10^5 identical params", repeat("a=1&", 4 * n)),
        twilio("10^5 params of broken escapes", repeat("%zz=%4&", 7 * n)),
        twilio("10^5 empty params", repeat("&", n)),
        twilio("10^5 params, several names and values", repeat("b=2&a=1&c=%41&a=0&", 18 * n)),
        twilio(
            "10^5 params, signed over one pair fewer (the same set of params)",
            repeat("a=1&b=", 6 * n),
            signed_body=repeat("a=1&b=", 6 * n - 6),
        ),
        twilio(
            "10^5 params, one value changed",
            repeat("a=1&b=2&", 8 * n),
            signed_body=repeat("a=1&b=3&", 8 * n),
            expect=MISMATCH,
        ),
        twilio("a lone percent sign", "Body=100%"),
        twilio("a percent sign and one hex digit", "Body=%4"),
        twilio("a percent sign and non-hex digits", "Body=%zz&To=%G1"),
        twilio("a double percent sign", "Body=%%41"),
        twilio("a percent-encoded NUL", "Body=a%00b"),
        twilio("percent-encoded bytes that are not UTF-8", "Body=%ff%fe%e2%82"),
        twilio("raw bytes that are not UTF-8", {"hex": "426f64793dff8041"}),
        twilio("plus signs and encoded plus signs", "Body=a+%2B+b"),
        twilio("lower- and upper-case escapes", "Body=%2b%2B%c3%A9"),
        twilio("a name without a value", "Flag&Body=x"),
        twilio("only equals signs", "==&=&"),
        twilio("a param named bodySHA256 in the body", "bodySHA256=abc&Body=x"),
        twilio(
            "broken escapes, signed as if decoded",
            "Body=%zz",
            signed_body="Body=zz",
            expect=MISMATCH,
        ),
        twilio(
            "the URL's bodySHA256 is not hex",
            "{}",
            url=TWILIO_URL + "&bodySHA256=" + "zz" * 32,
            expect=MISMATCH,
        ),
        twilio(
            "the URL's bodySHA256 is 63 digits",
            "{}",
            url=TWILIO_URL + "&bodySHA256=" + hashlib.sha256(b"{}").hexdigest()[:-1],
            expect=MISMATCH,
        ),
        twilio(
            "the URL's bodySHA256 twice, the first matches",
            "{}",
            url=TWILIO_URL + "&bodySHA256=" + hashlib.sha256(b"{}").hexdigest() + "&bodySHA256=00",
        ),
        twilio("a URL with a fragment", "Body=x", url=TWILIO_URL + "#frag"),
        twilio(
            "a URL with credentials and a port",
            "Body=x",
            url="https://user:pass@example.com:8443/sms",
            signed_url="https://user:pass@example.com/sms",
        ),
        twilio(
            "an IPv6 host with a port",
            "Body=x",
            url="https://[::1]:8443/sms",
            signed_url="https://[::1]/sms",
        ),
        twilio(
            "an IPv6 host, signed with :443",
            "Body=x",
            url="https://[::1]/sms",
            signed_url="https://[::1]:443/sms",
        ),
    ]
    # Verified without the request URL (or method): a programming error, raised by verify.
    square_sig = b64(
        hmac.new(b"sq", b"https://example.com/sq" + BODY.encode(), hashlib.sha256).digest()
    )
    for preset, headers, secret in [
        ("square", [["x-square-hmacsha256-signature", square_sig]], "sq"),
        ("twilio", [["X-Twilio-Signature", "AAAA"]], "12345"),
        ("trello", [["X-Trello-Webhook", "AAAA"]], "t"),
        (
            "hubspot",
            [["X-HubSpot-Request-Timestamp", TS + "000"], ["X-HubSpot-Signature-v3", "AAAA"]],
            "h",
        ),
    ]:
        cases.append(
            {
                "name": f"hostile url: {preset} verified without a url",
                "preset": preset,
                "secrets": [secret],
                "body": BODY,
                "headers": headers,
                "now": NOW,
                "expect": MISSING_PARAM,
                "message_contains": "url",
            }
        )
    cases.append(
        {
            "name": "hostile url: hubspot verified without a method",
            "preset": "hubspot",
            "secrets": ["h"],
            "url": "https://example.com/h",
            "body": BODY,
            "headers": [
                ["X-HubSpot-Request-Timestamp", TS + "000"],
                ["X-HubSpot-Signature-v3", "AAAA"],
            ],
            "now": NOW,
            "expect": MISSING_PARAM,
            "message_contains": "method",
        }
    )
    cases.append(
        {
            "name": "hostile url: square signed without a url",
            "preset": "square",
            "secrets": ["sq"],
            "op": "sign",
            "body": BODY,
            "sign": {"timestamp": int(TS)},
            "expect": MISSING_PARAM,
        }
    )
    cases.append(
        {
            "name": "hostile url: square, the signature of the body alone",
            "preset": "square",
            "secrets": ["sq"],
            "url": "https://example.com/sq",
            "body": BODY,
            "now": NOW,
            "headers": [
                [
                    "x-square-hmacsha256-signature",
                    b64(hmac.new(b"sq", BODY.encode(), hashlib.sha256).digest()),
                ]
            ],
            "expect": MISMATCH,
        }
    )
    return cases


MAILGUN = PRESETS["mailgun"]
MG_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"
MG_TOKEN = "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6"
MG_SIG = hexmac(MG_KEY.encode(), (TS + MG_TOKEN).encode())


def mailgun(name, body, expect=None, **more):
    case = {
        "name": f"hostile mailgun: {name}",
        "preset": "mailgun",
        "secrets": [MG_KEY],
        "body": body,
        "headers": [],
        "now": NOW,
        "expect": expect or INVALID,
    }
    case.update(more)
    return case


def mg_fields(sig=MG_SIG) -> str:
    return f'"signature":{{"timestamp":"{TS}","token":"{MG_TOKEN}","signature":"{sig}"}}'


def body_field_cases() -> list[dict]:
    ok_mg = {"ok": True, "secret_index": 0, "timestamp": int(TS), "id": None}
    deep = 100
    nested = "[" * deep + "]" * deep
    too_deep = "[" * 200 + "]" * 200
    cases = [
        mailgun("the valid body (control)", "{" + mg_fields() + "}", ok_mg),
        mailgun("100 000 levels of arrays", repeat("[", 100_000)),
        mailgun("100 000 levels of objects", repeat('{"a":', 500_000)),
        mailgun(
            f"{deep} levels of nesting beside the fields",
            "{" + mg_fields() + f',"x":{nested}}}',
            ok_mg,
        ),
        mailgun(
            "200 levels of nesting beside the fields", "{" + mg_fields() + f',"x":{too_deep}}}'
        ),
        mailgun("1 MiB + 1 of spaces", repeat(" ", (1 << 20) + 1)),
        mailgun("16 MiB of JSON-looking text", repeat('{"signature":', 16 << 20)),
        mailgun("not JSON", "signature=1&timestamp=2&token=3"),
        mailgun("JSON with a byte-order mark", "\ufeff{" + mg_fields() + "}"),
        mailgun("JSON with trailing garbage", "{" + mg_fields() + "}x"),
        mailgun("two JSON documents", "{" + mg_fields() + "}{" + mg_fields() + "}"),
        mailgun("JSON with NaN", "{" + mg_fields() + ',"n":NaN}'),
        mailgun("JSON with a comment", "{" + mg_fields() + "/* c */}"),
        mailgun("JSON with a trailing comma", "{" + mg_fields() + ",}"),
        mailgun("JSON with single quotes", "{'signature':{}}"),
        mailgun("an unterminated string", '{"signature":{"token":"abc'),
        mailgun("invalid UTF-8 inside a string", {"hex": b'{"signature":{"token":"\xff"}}'.hex()}),
        mailgun(
            "a lone surrogate escape in the token",
            "{" + mg_fields().replace(MG_TOKEN, "\\ud800") + "}",
        ),
        mailgun("JSON null", "null", MISSING),
        mailgun("JSON true", "true", MISSING),
        mailgun("a JSON string", '"signature"', MISSING),
        mailgun("a JSON number", "1403645220", MISSING),
        mailgun("an empty object", "{}", MISSING),
        mailgun("the signature object as a list", '{"signature":[1,2,3]}', MISSING),
        mailgun(
            "the signature as a number",
            '{"signature":{"timestamp":"' + TS + '","token":"' + MG_TOKEN + '","signature":1}}',
            MISMATCH,
        ),
        mailgun(
            "the signature as true",
            '{"signature":{"timestamp":"' + TS + '","token":"' + MG_TOKEN + '","signature":true}}',
            MISSING,
        ),
        mailgun(
            "the timestamp as a float",
            '{"signature":{"timestamp":'
            + TS
            + '.0,"token":"'
            + MG_TOKEN
            + '","signature":"'
            + MG_SIG
            + '"}}',
        ),
        mailgun(
            "the timestamp as a negative number",
            '{"signature":{"timestamp":-1,"token":"'
            + MG_TOKEN
            + '","signature":"'
            + MG_SIG
            + '"}}',
        ),
        mailgun(
            "the timestamp as 1e30",
            '{"signature":{"timestamp":1e30,"token":"'
            + MG_TOKEN
            + '","signature":"'
            + MG_SIG
            + '"}}',
        ),
        mailgun(
            "the timestamp with escaped digits",
            '{"signature":{"timestamp":"\\u0031'
            + TS[1:]
            + '","token":"'
            + MG_TOKEN
            + '","signature":"'
            + MG_SIG
            + '"}}',
            ok_mg,
        ),
        mailgun(
            "the fields twice, the last valid (as JSON.parse and json.loads read it)",
            '{"signature":{"signature":"00"},' + mg_fields() + "}",
            ok_mg,
        ),
        mailgun(
            "the fields twice, the first valid",
            "{" + mg_fields() + ',"signature":{"signature":"00"}}',
            MISSING,
        ),
        mailgun(
            "a 64 KiB token",
            '{"signature":{"timestamp":"'
            + TS
            + '","token":"'
            + "t" * 65536
            + '","signature":"'
            + MG_SIG
            + '"}}',
            MISMATCH,
        ),
    ]
    return cases


FILES = {
    "headers.json": (
        "Huge, repeated, malformed and non-UTF-8 headers; lists at and over the caps.",
        headers_cases,
    ),
    "timestamps.json": (
        "Timestamps that are not plain ASCII digits, overflow, or sit at the extremes.",
        timestamp_cases,
    ),
    "encodings.json": (
        "Signatures in broken hex and base64: whitespace, padding, alphabets, lengths.",
        encoding_cases,
    ),
    "bodies.json": ("Enormous, empty, binary and re-encoded bodies.", body_cases),
    "signatures.json": (
        "Public-key signatures: DER of the wrong length, with trailing bytes, non-minimal or "
        "out-of-range integers; Ed25519 signatures of the wrong length or non-canonical.",
        signature_cases,
    ),
    "keys.json": (
        "Public and private keys of the wrong length, curve or kind; whpk_ without base64; "
        "secrets and keys swapped; secrets with white space or a provider's API key.",
        key_cases,
    ),
    "rfc3339.json": (
        "RFC 3339 timestamps: leap seconds, offsets, long fractions, Feb 29, case, and "
        "everything that is not RFC 3339.",
        rfc3339_cases,
    ),
    "forms.json": (
        "Twilio form bodies with 10^5 params and broken percent-escapes, odd URLs, bodySHA256; "
        "URL-signed presets verified without the URL or method.",
        form_cases,
    ),
    "body_fields.json": (
        "Mailgun's body fields in deeply nested, huge, non-JSON and odd JSON bodies.",
        body_field_cases,
    ),
    "messages.json": ("Errors whose message names the likely cause.", message_cases),
    "types.json": (
        "Wrong argument types and values; each language raises its own argument error "
        "(not run in Rust, whose types rule them out).",
        type_cases,
    ),
}


def main() -> int:
    check = "--check" in sys.argv[1:]
    ok = True
    total = 0
    names = set()
    for name, (description, make) in FILES.items():
        cases = make()
        for case in cases:
            # Written beside a case for brevity, checked as part of what it expects.
            if "message_contains" in case:
                case["expect"] = {
                    **case["expect"],
                    "message_contains": case.pop("message_contains"),
                }
            assert case["name"] not in names, case["name"]
            names.add(case["name"])
        total += len(cases)
        doc = {
            "description": description,
            "generated_by": "tests/vectors/hostile/generate.py",
            "cases": cases,
        }
        text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
        path = HERE / name
        if check:
            if not path.exists() or path.read_text() != text:
                print(
                    f"{path} is out of date: run python3 tests/vectors/hostile/generate.py",
                    file=sys.stderr,
                )
                ok = False
        else:
            path.write_text(text)
    if not check:
        print(f"wrote {total} hostile cases in {len(FILES)} files")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
