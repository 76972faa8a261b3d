#!/usr/bin/env python3
"""Writes the generated conformance vectors: presets.json and schemes.json.

The expected answers come from oracle.py, which re-implements every preset from the
provider's published rules with Python's standard library (hmac, hashlib, base64) and,
for Ed25519 and ECDSA P-256, the `cryptography` package: independently of the Rust core.
`published.json` is written by hand from the providers' own documents and is not touched.

    python3 tests/vectors/generate.py          # rewrite the files
    python3 tests/vectors/generate.py --check  # fail if they are out of date, or if the
                                               # oracle's presets differ from the core's

Both compare the oracle's preset definitions with the core's, read from
`cargo run -q -p hooksig-cli -- presets --json` (or from the file given with
`--core-presets FILE`, `-` for standard input).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle import (
    P256_N,
    PRESETS,
    Ed25519Key,
    P256Key,
    Request,
    b64,
    body_bytes,
    body_field,
    compare_with_core,
    der_decode,
    der_signature,
    ed25519_key,
    mac,
    message,
    p256_key,
    public_signature,
    rfc3339,
    twilio_form,
    twilio_url_forms,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

NOW = 1_700_000_000  # the verification time of every timestamped case
TS = NOW - 10  # the timestamp the "provider" sent
MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
BODY = '{"event_type":"payment.succeeded","data":{"id":"pay_123","amount":4200}}'
# Not UTF-8: a lone continuation byte, an overlong NUL, 0xff, and a real NUL.
BINARY_BODY = bytes([0x80, 0xC0, 0x80, 0xFF, 0x00, 0x41, 0xFE])
# The 1 MiB body: the 16 bytes "0123456789abcdef" repeated to 1,048,576 bytes.
BIG_RULE = {"repeat": "0123456789abcdef", "length": 1 << 20}
# A Twilio form body (the params of an SMS), as Twilio posts it.
TWILIO_FORM = (
    "AccountSid=AC0123456789abcdef&Amount=4200&Body=Hello+world%21"
    "&From=%2B14158675309&To=%2B18005551212"
)
JAPANESE = '{"text":"スクリーンショット","emoji":"😀"}'

MISMATCH = {"error": "signature_mismatch"}
INVALID = {"error": "invalid_header"}
MISSING = {"error": "missing_header"}


def flip(sig: str) -> str:
    """Changes the first character of an encoded signature to another valid one."""
    c = sig[0]
    return ("b" if c == "a" else "a") + sig[1:]


class Provider:
    """One preset's cases, computed by the oracle."""

    def __init__(
        self,
        name: str,
        creds: list,
        *,
        keys: list | None = None,
        params: dict | None = None,
        url: str | None = None,
        method: str | None = None,
        body: str = BODY,
        label: str | None = None,
        scheme: dict | None = None,
    ):
        self.name = name
        self.label = label or name
        self.scheme = scheme if scheme is not None else PRESETS[name]
        self.creds = creds  # three: secrets, tokens, or key pairs for a public-key preset
        self.keys = keys  # three Ed25519 keys for the `asymmetric` items, if the scheme has them
        self.params = params or {}
        self.url = url
        self.method = method
        self.body = body

    # -- the scheme's shape ---------------------------------------------------------------

    @property
    def algorithm(self) -> str:
        return self.scheme.get("algorithm", "sha256")

    @property
    def is_token(self) -> bool:
        return self.algorithm == "token"

    @property
    def is_public(self) -> bool:
        return self.algorithm in ("ed25519", "ecdsa-p256-sha256")

    @property
    def sig_headers(self) -> list[str]:
        if "signature_header" in self.scheme:
            return [self.scheme["signature_header"]]
        return list(self.scheme.get("signature_headers", []))

    @property
    def sig_header(self) -> str:
        return self.sig_headers[0]

    @property
    def ts_header(self) -> str | None:
        return self.scheme.get("timestamp_header")

    @property
    def id_header(self) -> str | None:
        return self.scheme.get("id_header")

    @property
    def fields(self) -> dict | None:
        return self.scheme.get("fields")

    @property
    def ts_in_body(self) -> str | None:
        return self.scheme.get("body_fields", {}).get("timestamp")

    @property
    def has_ts(self) -> bool:
        return bool(self.ts_header or (self.fields or {}).get("timestamp") or self.ts_in_body)

    @property
    def ts_format(self) -> str:
        return self.scheme.get("timestamp_format", "unix")

    @property
    def tolerance(self) -> int:
        return self.scheme.get("tolerance", 300)

    @property
    def json_body(self) -> bool:
        return bool(self.scheme.get("body_fields"))

    def ts_text(self, seconds: int) -> str:
        if self.ts_format == "unix_ms":
            return str(seconds * 1000)
        if self.ts_format == "rfc3339":
            return rfc3339(seconds)
        return str(seconds)

    def body_at(self, ts: int) -> str:
        """The default body, sent at `ts` (Linear's carries its timestamp)."""
        return self.body

    def body_with_ts_text(self, text: str) -> str:
        return self.body

    # -- signing, as the provider does ----------------------------------------------------

    def request(
        self, body: bytes, ts_text: str, msg_id: str = MSG_ID, url: str | None = None
    ) -> Request:
        return Request(
            body=body,
            timestamp=ts_text,
            id=msg_id,
            url=url or self.url or "",
            method=self.method or "",
            params=self.params,
        )

    def item(self, cred, req: Request) -> str:
        """The signature item one credential produces, as the header writes it."""
        if self.is_token:
            return cred
        if self.is_public:
            sig = public_signature(self.scheme, cred, self.scheme, req)
        else:
            sig = mac(self.scheme, cred, req)
        if self.fields:
            return f"{self.fields['signature']}={sig}"
        return self.scheme.get("prefix", "") + sig

    def asym_item(self, key: Ed25519Key, req: Request) -> str:
        asym = self.scheme["asymmetric"]
        return asym["prefix"] + public_signature(asym, key, self.scheme, req)

    def value(self, items: list[str], ts_text: str) -> str:
        if self.fields:
            head = [f"{self.fields['timestamp']}={ts_text}"] if self.fields.get("timestamp") else []
            return self.fields["separator"].join(head + items)
        return (self.scheme.get("separator") or " ").join(items)

    def headers(self, values: list[str], ts_text: str, msg_id: str = MSG_ID) -> list:
        """The headers in the order hooksig's Signer writes them: id, timestamp, required, then
        the signatures."""
        out = []
        if self.id_header:
            out.append([self.id_header, msg_id])
        if self.ts_header:
            out.append([self.ts_header, ts_text])
        out += [[n, v] for n, v in sorted(self.scheme.get("required_headers", {}).items())]
        out += [[n, v] for n, v in zip(self.sig_headers, values)]
        return out

    def signed(
        self,
        body: bytes,
        ts: int = TS,
        cred=None,
        msg_id: str = MSG_ID,
        ts_text: str | None = None,
        url: str | None = None,
        key: Ed25519Key | None = None,
        shared: bool = True,
    ) -> list:
        """The headers of one request signed with one credential (and an asymmetric key)."""
        text = ts_text if ts_text is not None else self.ts_text(ts)
        req = self.request(body, text, msg_id, url)
        items = [self.item(cred if cred is not None else self.creds[0], req)] if shared else []
        if key is not None:
            items.append(self.asym_item(key, req))
        return self.headers([self.value(items, text)], text, msg_id)

    # -- cases ----------------------------------------------------------------------------

    def cred_args(self, creds: list) -> dict:
        if self.is_public:
            return {"public_keys": [self.public_text(c) for c in creds]}
        return {"secrets": list(creds)}

    def public_text(self, key) -> str:
        if isinstance(key, P256Key):
            return key.spki_b64()
        return key.hex()

    def private_text(self, key) -> str:
        if isinstance(key, P256Key):
            return key.pkcs8_pem()
        return key.seed.hex()

    def base(self, name: str, creds: list | None = None, **extra) -> dict:
        case = {"name": f"{self.label}: {name}"}
        case["preset" if self.scheme is PRESETS.get(self.name) else "scheme"] = (
            self.name if self.scheme is PRESETS.get(self.name) else self.scheme
        )
        case.update(self.cred_args(creds if creds is not None else [self.creds[0]]))
        if self.params:
            case["params"] = dict(self.params)
        if self.url:
            case["url"] = self.url
        if self.method:
            case["method"] = self.method
        case.update(extra)
        return case

    def ok(self, ts: int = TS, index: int = 0, msg_id: str = MSG_ID) -> dict:
        return {
            "ok": True,
            "secret_index": index,
            "timestamp": ts if self.has_ts else None,
            "id": msg_id if self.id_header else None,
        }

    def verify(self, name: str, expect: dict, headers: list, body=None, **extra) -> dict:
        return self.base(
            name,
            body=self.body if body is None else body,
            headers=headers,
            now=NOW,
            expect=expect,
            **extra,
        )

    def cases(self) -> list[dict]:
        raw = self.body.encode()
        valid = self.signed(raw)
        sig_header = self.sig_header
        unsigned_body = self.is_token  # a token signs nothing
        body_changed = self.ok() if unsigned_body else MISMATCH
        tampered = self.body.replace("4200", "4201")
        assert tampered != self.body
        v = self.verify
        cases = [
            v("valid", self.ok(), valid),
            v("tampered body", body_changed, valid, body=tampered),
            v("body with a trailing newline", body_changed, valid, body=self.body + "\n"),
            v("wrong secret", MISMATCH, self.signed(raw, cred=self.creds[1])),
            v("rotation, match on the first secret", self.ok(index=0), valid, creds=self.creds[:2]),
            v(
                "rotation, match on the second secret",
                self.ok(index=1),
                valid,
                creds=[self.creds[1], self.creds[0]],
            ),
            v("rotation, match on neither", MISMATCH, valid, creds=self.creds[1:3]),
            v("header names in upper case", self.ok(), [[n.upper(), x] for n, x in valid]),
            v("header names in lower case", self.ok(), [[n.lower(), x] for n, x in valid]),
            v(
                "values surrounded by spaces and tabs",
                self.ok(),
                [[n, f" \t{x}  "] for n, x in valid],
            ),
            v(
                "other headers around",
                self.ok(),
                [["Content-Type", "application/json"], *valid, ["User-Agent", "x"]],
            ),
        ]
        if self.json_body:
            cases += [
                v("empty body is not JSON", INVALID, self.signed(b""), body=""),
                v(
                    "non-UTF-8 body is not JSON",
                    INVALID,
                    self.signed(BINARY_BODY),
                    body={"hex": BINARY_BODY.hex()},
                ),
                v(
                    "1 MiB body that is not JSON",
                    INVALID,
                    self.signed(body_bytes(BIG_RULE)),
                    body=BIG_RULE,
                ),
            ]
        else:
            cases += [
                v("empty body", self.ok(), self.signed(b""), body=""),
                v(
                    "non-UTF-8 body",
                    self.ok(),
                    self.signed(BINARY_BODY),
                    body={"hex": BINARY_BODY.hex()},
                ),
                v(
                    "non-UTF-8 body, one byte changed",
                    body_changed,
                    self.signed(BINARY_BODY),
                    body={"hex": (BINARY_BODY[:-1] + b"\xfd").hex()},
                ),
                v("1 MiB body", self.ok(), self.signed(body_bytes(BIG_RULE)), body=BIG_RULE),
            ]
        cases += [
            v(
                "signature header missing",
                MISSING,
                [h for h in valid if h[0] not in self.sig_headers],
            ),
            v(
                "signature header empty",
                MISSING,
                [[n, " " if n in self.sig_headers else x] for n, x in valid],
            ),
            v(
                "signature header sent twice",
                INVALID,
                [*valid, [sig_header.lower(), dict(valid)[sig_header]]],
            ),
            v(
                "signature one character short",
                MISMATCH,
                self.mutate_sig(valid, lambda s: s[:-2] + s[-1:]),
            ),
            v("signature with a flipped character", MISMATCH, self.mutate_sig(valid, flip)),
            v(
                "signature not in the encoding",
                MISMATCH,
                self.mutate_sig(valid, lambda s: "!" * len(s)),
            ),
            v(
                "signature of another algorithm's length",
                MISMATCH,
                self.mutate_sig(valid, lambda s: s + s),
            ),
        ]
        if not self.is_token:
            cases += self.encoding_cases(valid)
        cases += self.list_cases(raw)
        if self.has_ts:
            cases += self.timestamp_cases()
        if self.id_header:
            signs_id = "{id}" in self.scheme.get("message", "")
            cases += [
                v("id header missing", MISSING, [h for h in valid if h[0] != self.id_header]),
                v(
                    "id changed",
                    MISMATCH if signs_id else self.ok(msg_id="msg_other"),
                    [[n, "msg_other" if n == self.id_header else x] for n, x in valid],
                ),
            ]
        cases += self.sign_cases()
        return cases

    def sign_case(self, name: str, body: str, headers: list, **extra) -> dict:
        creds = {"creds": []} if self.is_public else {}
        if self.is_public:
            extra.setdefault("private_key", self.private_text(self.creds[0]))
        case = self.base(
            name,
            op="sign",
            body=body,
            sign={"timestamp": TS, "id": MSG_ID},
            expect={"headers": headers},
            **creds,
            **extra,
        )
        if self.is_public:
            case.pop("public_keys")
        return case

    def sign_cases(self) -> list[dict]:
        return [
            self.sign_case("sign", self.body, self.signed(self.body.encode())),
            self.sign_case("sign an empty body", "", self.signed(b"")),
        ]

    def mutate_sig(self, headers, change):
        """Applies `change` to the encoded signature inside the (first) signature header."""
        out = []
        for n, v in headers:
            if n == self.sig_header:
                if self.fields:
                    key = self.fields["signature"] + "="
                    parts = v.split(self.fields["separator"])
                    v = self.fields["separator"].join(
                        key + change(p[len(key) :]) if p.startswith(key) else p for p in parts
                    )
                elif not self.is_token:
                    prefix = self.scheme.get("prefix", "")
                    v = prefix + change(v[len(prefix) :])
                else:
                    v = change(v)
            out.append([n, v])
        return out

    def encoding_cases(self, valid):
        enc = self.scheme.get("encoding", "hex")
        v = self.verify
        if enc == "hex":
            return [
                v("hex signature in upper case", self.ok(), self.mutate_sig(valid, str.upper)),
                v(
                    "hex signature of odd length",
                    MISMATCH,
                    self.mutate_sig(valid, lambda s: s + "0"),
                ),
            ]
        cases = [
            v(
                "base64 signature without padding",
                self.ok(),
                self.mutate_sig(valid, lambda s: s.rstrip("=")),
            )
        ]
        sig = dict(valid)[self.sig_header]
        if enc == "base64" and any(c in sig for c in "+/"):
            cases.append(
                v(
                    "base64 signature in the URL-safe alphabet",
                    MISMATCH,
                    self.mutate_sig(valid, lambda s: s.replace("+", "-").replace("/", "_")),
                )
            )
        if enc == "base64url" and any(c in sig for c in "-_"):
            cases.append(
                v(
                    "base64url signature in the standard alphabet",
                    MISMATCH,
                    self.mutate_sig(valid, lambda s: s.replace("-", "+").replace("_", "/")),
                )
            )
        return cases

    def list_cases(self, raw):
        fields = self.fields
        sep = self.scheme.get("separator")
        ts = self.ts_text(TS)
        req = self.request(raw, ts)
        good = self.item(self.creds[0], req)
        bad = self.item(self.creds[1], req)
        v = self.verify
        if not fields and not sep:
            prefix = self.scheme.get("prefix")
            if prefix and not self.is_token:
                bare = good[len(prefix) :]
                return [v("signature without its prefix", INVALID, self.headers([bare], ts))]
            return []
        if fields:
            key, tkey, fsep = fields["signature"], fields.get("timestamp"), fields["separator"]
            tfield = [f"{tkey}={ts}"] if tkey else []
            good_sig, bad_sig = good[len(key) + 1 :], bad[len(key) + 1 :]

            def value(items):
                return self.headers([fsep.join(items)], ts)

            return [
                v("several signatures, the valid one last", self.ok(), value([*tfield, bad, good])),
                v(
                    "garbage, empty and unknown fields around the signature",
                    self.ok(),
                    value(
                        ["", "garbage", "v0=" + bad_sig, *tfield, " ", f"{key}=zz", f" {good} ", ""]
                    ),
                ),
                v("no signature field", INVALID, value([*tfield, f"v0={good_sig}"])),
                v("33 signature fields", INVALID, value(tfield + [bad] * 32 + [good])),
                v(
                    "32 signature fields, the valid one last",
                    self.ok(),
                    value(tfield + [bad] * 31 + [good]),
                ),
            ]
        p = self.scheme.get("prefix", "")
        good_sig = good[len(p) :]
        return [
            v(
                "several signatures, the valid one last",
                self.ok(),
                self.headers([sep.join([bad, good])], ts),
            ),
            v(
                "garbage and empty items around the signature",
                self.ok(),
                self.headers(
                    [
                        sep.join(
                            [
                                "",
                                "garbage",
                                "v2," + good_sig if p else "!!",
                                bad,
                                sep.strip() or "",
                                good,
                                "",
                            ]
                        )
                    ],
                    ts,
                ),
            ),
            v("33 signature items", INVALID, self.headers([sep.join([bad] * 32 + [good])], ts)),
            v(
                "32 signature items, the valid one last",
                self.ok(),
                self.headers([sep.join([bad] * 31 + [good])], ts),
            ),
        ]

    def with_ts(self, text: str) -> dict:
        """The valid request with the timestamp text replaced, the signature unchanged."""
        valid = self.signed(self.body_at(TS).encode())
        if self.ts_in_body:
            return {"body": self.body_with_ts_text(text), "headers": valid}
        ts_field = (self.fields or {}).get("timestamp")
        out = []
        for n, v in valid:
            if n == self.ts_header:
                v = text
            elif ts_field and n == self.sig_header:
                v = v.replace(f"{ts_field}={self.ts_text(TS)}", f"{ts_field}={text}")
            out.append([n, v])
        return {"body": self.body_at(TS), "headers": out}

    def timestamp_cases(self):
        tol = self.tolerance

        def at(ts_sent, now, expect, name, ts_text=None, **extra):
            body = self.body_at(ts_sent) if ts_text is None else self.body_with_ts_text(ts_text)
            headers = self.signed(body.encode(), ts=ts_sent, ts_text=ts_text)
            return self.base(name, body=body, headers=headers, now=now, expect=expect, **extra)

        def changed(name, text, expect):
            return self.base(name, now=NOW, expect=expect, **self.with_ts(text))

        cases = [
            at(NOW - tol, NOW, self.ok(ts=NOW - tol), "timestamp exactly the tolerance old"),
            at(NOW - tol - 1, NOW, {"error": "timestamp_too_old"}, "timestamp one second too old"),
            at(NOW + tol, NOW, self.ok(ts=NOW + tol), "timestamp exactly the tolerance ahead"),
            at(
                NOW + tol + 1,
                NOW,
                {"error": "timestamp_in_future"},
                "timestamp one second too far ahead",
            ),
            at(
                NOW - 86_400,
                NOW,
                self.ok(ts=NOW - 86_400),
                "old timestamp, window off",
                tolerance=None,
            ),
            at(
                NOW - 601,
                NOW,
                {"error": "timestamp_too_old"},
                "tolerance override of 600 s, 601 s old",
                tolerance=600,
            ),
            at(
                NOW - 600,
                NOW,
                self.ok(ts=NOW - 600),
                "tolerance override of 600 s, 600 s old",
                tolerance=600,
            ),
            self.base(
                "replayed: old timestamp with a wrong signature reports the timestamp",
                body=self.body,
                now=NOW + 10_000,
                headers=self.mutate_sig(self.signed(self.body.encode()), flip),
                expect={"error": "timestamp_too_old"},
            ),
            changed("timestamp changed, signature kept", self.ts_text(TS + 1), MISMATCH),
            changed("timestamp not digits", "17e8", INVALID),
            changed("timestamp negative", "-1", INVALID),
            changed("timestamp of 19 digits", "1" * 19, INVALID),
        ]
        if self.ts_format == "unix":
            cases.append(
                changed(
                    "timestamp in milliseconds is too far ahead",
                    str(TS * 1000),
                    {"error": "timestamp_in_future"},
                )
            )
        elif self.ts_format == "unix_ms":
            cases += [
                changed(
                    "timestamp in microseconds is too far ahead",
                    str(TS * 1_000_000),
                    {"error": "timestamp_in_future"},
                ),
                changed(
                    "timestamp in seconds is far in the past",
                    str(TS),
                    {"error": "timestamp_too_old"},
                ),
                at(
                    TS,
                    NOW,
                    self.ok(ts=TS),
                    "milliseconds with a fraction of a second",
                    ts_text=str(TS * 1000 + 123),
                ),
                at(
                    NOW - tol - 1,
                    NOW,
                    {"error": "timestamp_too_old"},
                    "milliseconds: 1 ms older than the tolerance is too old",
                    ts_text=str((NOW - tol) * 1000 - 1),
                ),
                at(
                    NOW + tol,
                    NOW,
                    self.ok(ts=NOW + tol),
                    "milliseconds: 999 ms past the tolerance ahead floor to it",
                    ts_text=str((NOW + tol) * 1000 + 999),
                ),
            ]
        else:
            cases += [
                changed("timestamp in Unix seconds is not RFC 3339", str(TS), INVALID),
                at(
                    TS,
                    NOW,
                    self.ok(ts=TS),
                    "RFC 3339 with nanoseconds",
                    ts_text=rfc3339(TS)[:-1] + ".171067130Z",
                ),
                at(
                    TS,
                    NOW,
                    self.ok(ts=TS),
                    "RFC 3339 with an offset",
                    ts_text=rfc3339(TS + 7200)[:-1] + "+02:00",
                ),
                at(
                    TS,
                    NOW,
                    self.ok(ts=TS),
                    "RFC 3339 with a negative offset",
                    ts_text=rfc3339(TS - 5 * 3600 - 1800)[:-1] + "-05:30",
                ),
                at(TS, NOW, self.ok(ts=TS), "RFC 3339 in lower case", ts_text=rfc3339(TS).lower()),
                changed("RFC 3339 without an offset", rfc3339(TS)[:-1], INVALID),
                changed("RFC 3339 with a space for T", rfc3339(TS).replace("T", " "), INVALID),
            ]
        if self.ts_header:
            valid = self.signed(self.body.encode())
            cases += [
                self.verify(
                    "timestamp header missing",
                    MISSING,
                    [h for h in valid if h[0] != self.ts_header],
                ),
                changed("timestamp header empty", "", MISSING),
            ]
        elif self.ts_in_body:
            cases += [
                changed("timestamp field empty", "", MISSING),
                self.verify(
                    "timestamp field missing", MISSING, self.signed(BODY.encode()), body=BODY
                ),
            ]
        else:
            key = self.fields["timestamp"]
            fsep = self.fields["separator"]
            valid = self.signed(self.body.encode())
            no_ts = [
                [n, fsep.join(p for p in v.split(fsep) if not p.startswith(key + "="))]
                if n == self.sig_header
                else [n, v]
                for n, v in valid
            ]
            cases += [
                self.verify("timestamp field missing", INVALID, no_ts),
                self.verify(
                    "timestamp field twice",
                    INVALID,
                    [
                        [n, f"{key}={self.ts_text(TS)}{fsep}{v}"]
                        if n == self.sig_header
                        else [n, v]
                        for n, v in valid
                    ],
                ),
            ]
        return cases


# -- Credentials ---------------------------------------------------------------------------

ED = [ed25519_key(f"ed25519 {i}") for i in range(3)]
P256 = [p256_key(f"p256 {i}") for i in range(3)]
SW_SECRETS = [
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "whsec_dGhlIG90aGVyIHNlY3JldA==",
    "whsec_" + b64(b"a third secret"),
]


def secrets(first: str, second: str, third: str | None = None) -> list[str]:
    return [first, second, third or second + "x"]


class Linear(Provider):
    """Linear signs the body; its timestamp (ms) is the body's webhookTimestamp."""

    def body_at(self, ts: int) -> str:
        return self.body_with_ts_text(str(ts * 1000))

    def body_with_ts_text(self, text: str) -> str:
        value = text if text.isdigit() else json.dumps(text)
        return BODY[:-1] + f',"webhookTimestamp":{value}}}'


class Standard(Provider):
    """A Standard Webhooks preset: `v1,` HMAC items and `v1a,` Ed25519 items."""

    def cases(self) -> list[dict]:
        cases = super().cases()
        raw = self.body.encode()
        ts = self.ts_text(TS)
        req = self.request(raw, ts)
        v1 = self.item(self.creds[0], req)
        v1_other = self.item(self.creds[1], req)
        v1a = self.asym_item(self.keys[0], req)
        v1a_other = self.asym_item(self.keys[1], req)
        pk = [k.whpk() for k in self.keys]

        def hdr(*items):
            return self.headers([" ".join(items)], ts)

        def pub(name, expect, headers, secrets=(), public=(), **extra):
            extra.setdefault("body", self.body)
            case = self.base(name, headers=headers, now=NOW, expect=expect, **extra)
            case["secrets"] = list(secrets)
            if not secrets:
                del case["secrets"]
            case["public_keys"] = list(public)
            return case

        cases += [
            pub("v1a: public key only", self.ok(), hdr(v1a), public=pk[:1]),
            pub("v1a: public key only, v1 and v1a items", self.ok(), hdr(v1, v1a), public=pk[:1]),
            pub(
                "v1a: secret and public key, the secret matches",
                self.ok(),
                hdr(v1, v1a),
                secrets=self.creds[:1],
                public=pk[:1],
            ),
            pub(
                "v1a: secret and public key, only the public key matches (index after the secrets)",
                self.ok(index=1),
                hdr(v1_other, v1a),
                secrets=self.creds[:1],
                public=pk[:1],
            ),
            pub(
                "v1a: two secrets and a public key, the public key matches",
                self.ok(index=2),
                hdr(v1a),
                secrets=self.creds[1:3],
                public=pk[:1],
            ),
            pub(
                "v1a: rotation of public keys, the second matches",
                self.ok(index=1),
                hdr(v1a),
                public=[pk[1], pk[0]],
            ),
            pub("v1a: another key's signature", MISMATCH, hdr(v1a_other), public=pk[:1]),
            pub(
                "v1a: tampered body",
                MISMATCH,
                hdr(v1a),
                public=pk[:1],
                body=self.body.replace("4200", "4201"),
            ),
            pub(
                "v1a: only v1a items, verifier with secrets only",
                MISMATCH,
                hdr(v1a),
                secrets=self.creds[:1],
            ),
            pub(
                "v1a: only v1 items, verifier with public keys only",
                MISMATCH,
                hdr(v1),
                public=pk[:1],
            ),
            pub(
                "v1a: signature in hex instead of base64",
                MISMATCH,
                hdr("v1a," + self.keys[0].sign(message(self.scheme, req)).hex()),
                public=pk[:1],
            ),
            pub(
                "v1a: signature with a flipped character",
                MISMATCH,
                hdr("v1a," + flip(v1a[4:])),
                public=pk[:1],
            ),
            pub(
                "v1a: the public key as a PEM block",
                self.ok(),
                hdr(v1a),
                public=[self.keys[0].pem()],
            ),
            pub(
                "v1a: the public key as bare base64 (no whpk_)",
                {"error": "invalid_key"},
                hdr(v1a),
                public=[b64(self.keys[0].public)],
            ),
            pub(
                "v1a: a private key given as the public key",
                {"error": "invalid_key"},
                hdr(v1a),
                public=[self.keys[0].whsk()],
            ),
        ]
        signed_both = self.signed(raw, key=self.keys[0])
        signed_asym = self.signed(raw, key=self.keys[0], shared=False)
        cases += [
            self.sign_case(
                "v1a: sign with the private key (whsk_)",
                self.body,
                signed_asym,
                creds=[],
                private_key=self.keys[0].whsk(),
            ),
            self.sign_case(
                "v1a: sign with the private key (PKCS#8 PEM)",
                self.body,
                signed_asym,
                creds=[],
                private_key=self.keys[0].pkcs8_pem(),
            ),
            self.sign_case(
                "v1a: sign with the private key (hex seed)",
                self.body,
                signed_asym,
                creds=[],
                private_key=self.keys[0].seed.hex(),
            ),
            self.sign_case(
                "v1a: sign with a secret and the private key",
                self.body,
                signed_both,
                private_key=self.keys[0].whsk(),
            ),
        ]
        for case in cases:
            if case.get("op") == "sign" and case.get("secrets") == []:
                del case["secrets"]
        if self.scheme.get("alternate_headers"):
            cases += self.alternate_cases(raw)
        return cases

    def alternate_cases(self, raw):
        alt = self.scheme["alternate_headers"]
        valid = self.signed(raw)
        unbranded = [[alt.get(n, n), v] for n, v in valid]
        v = self.verify
        return [
            v("unbranded webhook-* headers", self.ok(), unbranded),
            v("unbranded headers in upper case", self.ok(), [[n.upper(), x] for n, x in unbranded]),
            v("both sets of headers", INVALID, valid + unbranded),
            v("a mix of the two sets", INVALID, [valid[0], *unbranded[1:]]),
            v(
                "unbranded headers, tampered body",
                MISMATCH,
                unbranded,
                body=self.body.replace("4200", "4201"),
            ),
            v("unbranded headers, signature missing", MISSING, unbranded[:-1]),
        ]


class Public(Provider):
    """A public-key preset: verified with public keys, signed with a private key."""

    def cases(self) -> list[dict]:
        cases = super().cases()
        raw = self.body.encode()
        valid = self.signed(raw)
        ts = self.ts_text(TS)
        req = self.request(raw, ts)
        key = self.creds[0]
        v = self.verify
        other_kind = ED[0].pem() if isinstance(key, P256Key) else P256[0].pem()
        cases += [
            v(
                "a secret instead of a public key",
                {"error": "invalid_secret"},
                valid,
                creds=[],
                secrets=["a-shared-secret"],
            ),
            v("no public key", {"error": "invalid_key"}, valid, creds=[]),
            v("the public key as a PEM block", self.ok(), valid, creds=[], public_keys=[key.pem()]),
            v(
                "a public key of the other algorithm",
                {"error": "invalid_key"},
                valid,
                creds=[],
                public_keys=[other_kind],
            ),
            v(
                "a private key given to verify",
                {"error": "invalid_key"},
                valid,
                creds=[],
                private_key=self.private_text(key),
            ),
        ]
        for case in cases:
            if case.get("public_keys") == []:
                del case["public_keys"]
        if isinstance(key, P256Key):
            der = base64.b64decode(public_signature(self.scheme, key, self.scheme, req))
            r, s = der_decode(der)
            high_s = b64(der_signature(r, P256_N - s))
            raw_rs = b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
            compressed = bytes.fromhex(
                "3039301306072a8648ce3d020106082a8648ce3d030107032200"
            ) + key.point(True)
            cases += [
                v(
                    "the high-S twin of the signature (ECDSA is malleable; SendGrid's verifier "
                    "accepts it)",
                    self.ok(),
                    self.headers([high_s], ts),
                ),
                v("the signature as raw r||s instead of DER", MISMATCH, self.headers([raw_rs], ts)),
                v(
                    "the signature in hex instead of base64",
                    MISMATCH,
                    self.headers([der.hex()], ts),
                ),
                v(
                    "the public key as an SPKI of the compressed point",
                    self.ok(),
                    valid,
                    creds=[],
                    public_keys=[b64(compressed)],
                ),
            ]
        else:
            sig = key.sign(message(self.scheme, req))
            cases += [
                v("the signature in base64 instead of hex", MISMATCH, self.headers([b64(sig)], ts)),
                v(
                    "the public key in upper-case hex",
                    self.ok(),
                    valid,
                    creds=[],
                    public_keys=[key.hex().upper()],
                ),
            ]
        cases += [
            self.sign_case(
                "sign with the private key as a PKCS#8 PEM block",
                self.body,
                valid,
                private_key=key.pkcs8_pem(),
            )
        ]
        if isinstance(key, Ed25519Key):
            cases += [
                self.sign_case(
                    "sign with a whsk_ private key", self.body, valid, private_key=key.whsk()
                )
            ]
        for case in cases:
            if case.get("public_keys") == []:
                del case["public_keys"]
        return cases


class Url(Provider):
    """A preset that signs the request URL (and method)."""

    def cases(self) -> list[dict]:
        cases = super().cases()
        raw = self.body.encode()
        valid = self.signed(raw)
        v = self.verify
        no_url = v("verified without the url", {"error": "missing_param"}, valid)
        del no_url["url"]
        cases += [
            no_url,
            v("another url", MISMATCH, valid, url=self.url.replace("example.com", "example.org")),
            v(
                "the url with a trailing slash added to its path",
                MISMATCH,
                valid,
                url=self.url.replace("?", "/?") if "?" in self.url else self.url + "/",
            ),
        ]
        if self.method:
            no_method = v("verified without the method", {"error": "missing_param"}, valid)
            del no_method["method"]
            cases += [
                no_method,
                v("the method in lower case", MISMATCH, valid, method=self.method.lower()),
                v("another method", MISMATCH, valid, method="PUT"),
            ]
        if self.scheme.get("url_port") != "either":
            cases.append(
                v(
                    "the url with its default port added",
                    MISMATCH,
                    valid,
                    url=self.url.replace("example.com", "example.com:443"),
                )
            )
        return cases


class Twilio(Url):
    """Twilio: the URL (either port form), then the form params sorted."""

    def cases(self) -> list[dict]:
        cases = super().cases()
        v = self.verify
        raw = self.body.encode()
        with_port = self.url.replace("example.com", "example.com:443")
        custom_port = self.url.replace("example.com", "example.com:8443")
        http = self.url.replace("https://", "http://")
        reordered = "&".join(reversed(self.body.split("&")))
        repeated = self.body + "&" + self.body.split("&")[0]
        two_values = self.body + "&Media=b&Media=a"
        escapes = self.body.replace("Hello+world", "Hello%20world")
        broken = self.body + "&Note=100%zz%4"
        json_body = '{"property": "value", "boolean": true}'
        hashed = f"{self.url}&bodySHA256={hashlib.sha256(json_body.encode()).hexdigest()}"
        many = "&".join(f"P{i:03d}={i}" for i in range(300))
        cases += [
            v(
                "signed over the URL with :443, verified without a port",
                self.ok(),
                self.signed(raw, url=with_port),
            ),
            v(
                "signed without a port, verified with :443",
                self.ok(),
                self.signed(raw),
                url=with_port,
            ),
            v(
                "signed without a port, verified with a custom port",
                self.ok(),
                self.signed(raw),
                url=custom_port,
            ),
            v(
                "signed with a custom port, verified without one",
                MISMATCH,
                self.signed(raw, url=custom_port),
            ),
            v(
                "http, signed with :80, verified without a port",
                self.ok(),
                self.signed(raw, url=http.replace("example.com", "example.com:80")),
                url=http,
            ),
            v(
                "params reordered (they are sorted before signing)",
                self.ok(),
                self.signed(raw),
                body=reordered,
            ),
            v(
                "a param repeated with the same value counts once",
                self.ok(),
                self.signed(raw),
                body=repeated,
            ),
            v(
                "a param with two values, signed sorted",
                self.ok(),
                self.signed(two_values.encode()),
                body=two_values,
            ),
            v(
                "percent-escapes are decoded before signing",
                self.ok(),
                self.signed(raw),
                body=escapes,
            ),
            v(
                "broken percent-escapes are signed as sent",
                self.ok(),
                self.signed(broken.encode()),
                body=broken,
            ),
            v("300 params", self.ok(), self.signed(many.encode()), body=many),
            v(
                "a param value changed",
                MISMATCH,
                self.signed(raw),
                body=self.body.replace("Hello", "Hallo"),
            ),
            v(
                "JSON body: the URL's bodySHA256 stands for the body",
                self.ok(),
                self.signed(json_body.encode(), url=hashed),
                body=json_body,
                url=hashed,
            ),
            v(
                "JSON body: tampered, the bodySHA256 no longer matches",
                MISMATCH,
                self.signed(json_body.encode(), url=hashed),
                body=json_body.replace("value", "valve"),
                url=hashed,
            ),
            v(
                "JSON body: bodySHA256 of another body",
                MISMATCH,
                self.signed(json_body.encode(), url=hashed),
                body="{}",
                url=hashed,
            ),
        ]
        assert twilio_form(hashed, json_body.encode()) == b""
        return cases


class Box(Provider):
    """Box: two signature headers, the body raw or escaped to ASCII, an RFC 3339 timestamp."""

    def cases(self) -> list[dict]:
        cases = super().cases()
        v = self.verify
        raw = self.body.encode()
        ts = self.ts_text(TS)
        primary, secondary = self.creds[0], self.creds[1]
        both = self.creds[:2]
        p_sig = mac(self.scheme, primary, self.request(raw, ts))
        s_sig = mac(self.scheme, secondary, self.request(raw, ts))
        bad = mac(self.scheme, self.creds[2], self.request(raw, ts))
        japanese = JAPANESE.encode()
        escaped = Request(body=japanese, timestamp=ts, id=MSG_ID, escaped=True)
        backslash = '{"path":"C:\\\\x","url":"https:\\/\\/x","note":"tab\\there"}'
        req = self.request(japanese, ts)
        cases += [
            v(
                "secondary header only, the second key matches",
                self.ok(index=1),
                [*self.headers([], ts), ["box-signature-secondary", s_sig]],
                creds=both,
            ),
            v(
                "primary wrong, secondary right",
                self.ok(index=1),
                self.headers([bad, s_sig], ts),
                creds=both,
            ),
            v("both headers right", self.ok(index=0), self.headers([p_sig, s_sig], ts), creds=both),
            v("both headers wrong", MISMATCH, self.headers([bad, bad], ts), creds=both),
            v(
                "non-ASCII body signed over its escaped form",
                self.ok(),
                self.headers([mac(self.scheme, primary, escaped)], ts),
                body=JAPANESE,
            ),
            v(
                "non-ASCII body signed over its raw bytes",
                self.ok(),
                self.headers([mac(self.scheme, primary, req)], ts),
                body=JAPANESE,
            ),
            v(
                "non-ASCII body, escaped signature, body changed",
                MISMATCH,
                self.headers([mac(self.scheme, primary, escaped)], ts),
                body=JAPANESE.replace("😀", "😁"),
            ),
            v(
                "backslashes and tabs signed over the escaped form",
                self.ok(),
                self.headers(
                    [
                        mac(
                            self.scheme,
                            primary,
                            Request(body=backslash.encode(), timestamp=ts, escaped=True),
                        )
                    ],
                    ts,
                ),
                body=backslash,
            ),
            v("signature version 2", INVALID, self.required(raw, "box-signature-version", "2")),
            v(
                "signature algorithm HmacSHA1",
                INVALID,
                self.required(raw, "box-signature-algorithm", "HmacSHA1"),
            ),
            v(
                "signature version header missing",
                MISSING,
                self.required(raw, "box-signature-version", None),
            ),
            v(
                "signature version header twice",
                INVALID,
                [*self.signed(raw), ["box-signature-version", "1"]],
            ),
            self.sign_case(
                "sign with both keys", self.body, self.headers([p_sig, s_sig], ts), creds=both
            ),
        ]
        return cases

    def required(self, raw, name, value):
        out = []
        for n, v in self.signed(raw):
            if n == name:
                if value is None:
                    continue
                v = value
            out.append([n, v])
        return out


class DocuSign(Provider):
    """DocuSign Connect: X-DocuSign-Signature-1..10, one per active key."""

    def cases(self) -> list[dict]:
        cases = super().cases()
        v = self.verify
        raw = self.body.encode()
        sigs = [mac(self.scheme, c, self.request(raw, "")) for c in self.creds]
        cases += [
            v(
                "the second key's signature in the second header",
                self.ok(index=1),
                [["X-DocuSign-Signature-1", sigs[2]], ["X-DocuSign-Signature-2", sigs[1]]],
                creds=self.creds[:2],
            ),
            v("a signature in the tenth header", self.ok(), [["X-DocuSign-Signature-10", sigs[0]]]),
            v(
                "a header past the preset's last is not read",
                MISSING,
                [[f"X-DocuSign-Signature-{len(self.sig_headers) + 1}", sigs[0]]],
            ),
            v(
                "ten headers, the valid one last",
                self.ok(),
                [[f"X-DocuSign-Signature-{n}", sigs[1]] for n in range(1, 10)]
                + [["X-DocuSign-Signature-10", sigs[0]]],
            ),
            self.sign_case(
                "sign with two keys",
                self.body,
                [["X-DocuSign-Signature-1", sigs[0]], ["X-DocuSign-Signature-2", sigs[1]]],
                creds=self.creds[:2],
            ),
        ]
        return cases


class Token(Provider):
    """A token preset: the header holds the shared secret itself."""

    def cases(self) -> list[dict]:
        cases = super().cases()
        v = self.verify
        token = self.creds[0]
        cases += [
            v("the token with a Bearer prefix", MISMATCH, [[self.sig_header, "Bearer " + token]]),
            v("the token in upper case", MISMATCH, [[self.sig_header, token.upper()]]),
            v("the token with a character added", MISMATCH, [[self.sig_header, token + "a"]]),
            v("a prefix of the token", MISMATCH, [[self.sig_header, token[:8]]]),
            v(
                "the token, any body",
                self.ok(),
                [[self.sig_header, token]],
                body={"hex": BINARY_BODY.hex()},
            ),
        ]
        return cases


def mailgun_body(
    ts, token: str | None, sig: str | None, event: str = "delivered", signature_at=None
) -> str:
    fields = {}
    if ts is not None:
        fields["timestamp"] = ts
    if token is not None:
        fields["token"] = token
    if sig is not None:
        fields["signature"] = sig
    doc = {"signature": fields, "event-data": {"event": event, "id": "CPgfbmQMTCKtHW6uIWtuVe"}}
    if signature_at == "top":
        doc = {**fields, "event-data": doc["event-data"]}
    return json.dumps(doc, separators=(",", ":"))


class Mailgun(Provider):
    """Mailgun: the signature, timestamp and token are fields of the JSON body."""

    TOKEN = "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6"

    def sig(self, ts: str, token: str = TOKEN, cred=None) -> str:
        req = Request(body=mailgun_body(ts, token, ""), timestamp=ts)
        return mac(self.scheme, cred if cred is not None else self.creds[0], req)

    def body_for(self, ts: int = TS, cred=None, **more) -> str:
        text = str(ts)
        return mailgun_body(
            more.pop("ts_value", text),
            more.pop("token", self.TOKEN),
            more.pop("sig", self.sig(text, cred=cred)),
            **more,
        )

    def cases(self) -> list[dict]:
        v = self.verify
        good = self.sig(str(TS))
        other_headers = [["Content-Type", "application/json"], ["User-Agent", "mailgun"]]

        def b(name, expect, body, **extra):
            extra.setdefault("headers", other_headers)
            return v(name, expect, body=body, **extra)

        tol = self.tolerance
        cases = [
            b("valid", self.ok(), self.body_for()),
            b("no headers at all", self.ok(), self.body_for(), headers=[]),
            b(
                "event data changed (Mailgun signs the timestamp and token only)",
                self.ok(),
                self.body_for(event="failed"),
            ),
            b(
                "body re-encoded with spaces (the fields are what is signed)",
                self.ok(),
                json.dumps(json.loads(self.body_for()), indent=2),
            ),
            b("wrong key", MISMATCH, self.body_for(cred=self.creds[1])),
            b(
                "rotation, match on the second key",
                self.ok(index=1),
                self.body_for(),
                creds=[self.creds[1], self.creds[0]],
            ),
            b("rotation, match on neither", MISMATCH, self.body_for(), creds=self.creds[1:3]),
            b(
                "token changed",
                MISMATCH,
                self.body_for(token="owyldpe6nxhmrn78epljl6bj0orrki1u3d2v5e6cnlmmuox8jr", sig=good),
            ),
            b("token missing", MISMATCH, self.body_for(token=None, sig=good)),
            b("timestamp changed", MISMATCH, self.body_for(ts_value=str(TS + 1), sig=good)),
            b("timestamp as a JSON number", self.ok(), self.body_for(ts_value=TS)),
            b("signature in upper-case hex", self.ok(), self.body_for(sig=good.upper())),
            b("signature with a flipped character", MISMATCH, self.body_for(sig=flip(good))),
            b("signature missing", MISSING, self.body_for(sig=None)),
            b("signature empty", MISSING, self.body_for(sig=" ")),
            b("signature as a JSON object", MISSING, self.body_for(sig={"v": good})),
            b("timestamp missing", MISSING, self.body_for(ts_value=None)),
            b("timestamp not digits", INVALID, self.body_for(ts_value="17e8", sig=good)),
            b(
                "timestamp exactly the tolerance old",
                self.ok(ts=NOW - tol),
                self.body_for(NOW - tol),
            ),
            b(
                "timestamp one second too old",
                {"error": "timestamp_too_old"},
                self.body_for(NOW - tol - 1),
            ),
            b(
                "timestamp one second too far ahead",
                {"error": "timestamp_in_future"},
                self.body_for(NOW + tol + 1),
            ),
            b(
                "old timestamp, window off",
                self.ok(ts=NOW - 86_400),
                self.body_for(NOW - 86_400),
                tolerance=None,
            ),
            b(
                "fields at the top level (the legacy form post) are not read",
                MISSING,
                self.body_for(signature_at="top"),
            ),
            b("body not JSON", INVALID, "timestamp=1&token=2&signature=3"),
            b("empty body", INVALID, ""),
            b("non-UTF-8 body", INVALID, {"hex": BINARY_BODY.hex()}),
            b("a JSON array", MISSING, "[" + self.body_for() + "]"),
            self.base(
                "sign is refused: the signature goes in the body",
                op="sign",
                body=self.body_for(),
                sign={"timestamp": TS},
                expect={"error": "invalid_scheme"},
            ),
        ]
        return cases


def providers() -> list[Provider]:
    H = Provider
    return [
        H("aghanim", secrets("aghanim-s2s-key", "other-s2s-key")),
        H(
            "airtable",
            [b64(b"airtable mac secret"), b64(b"another mac secret"), b64(b"a third mac secret")],
        ),
        H("anycoins", secrets("anycoins-secret", "not-it")),
        H("aqid", secrets("aqid-secret", "aqid-other")),
        H(
            "asana",
            secrets(
                "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81",
                "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e82",
            ),
        ),
        H("bitbucket", secrets("bitbucket-secret", "bitbucket-other")),
        Box("box", secrets("SamplePrimaryKey", "SampleSecondaryKey", "IncorrectKey")),
        H("calcom", secrets("calcom-secret", "calcom-other")),
        H("calendly", secrets("calendly-signing-key", "calendly-other-key")),
        Standard("clerk", SW_SECRETS, keys=ED),
        H("coinbase-commerce", secrets("coinbase-shared-secret", "coinbase-other")),
        Public("discord", ED),
        DocuSign(
            "docusign", secrets("docusign-hmac-key-1", "docusign-hmac-key-2", "docusign-hmac-key-3")
        ),
        H("dropbox", secrets("dropbox-app-secret", "dropbox-other")),
        H("gitea", secrets("gitea-secret", "gitea-other")),
        H("github", secrets("It's a Secret to Everybody", "It's Another Secret")),
        Token("gitlab", secrets("glpat-webhook-token-1", "glpat-webhook-token-2")),
        H("hookdeck", secrets("hookdeck-signing-secret", "hookdeck-other")),
        Url(
            "hubspot",
            secrets("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"),
            url="https://example.com/webhooks/hubspot?portal=62515",
            method="POST",
        ),
        H("intercom", secrets("intercom-client-secret", "intercom-other")),
        H("lemonsqueezy", secrets("lemonsqueezy-signing-secret", "lemonsqueezy-other")),
        Linear(
            "linear",
            secrets("lin_wh_secret", "lin_wh_other"),
            body=Linear.body_with_ts_text(None, str(TS * 1000)),
        ),
        Mailgun("mailgun", secrets("key-3ax6xnjp29jd6fds4gc373sgvjxteol0", "key-other")),
        H("meta", secrets("meta-app-secret", "meta-other")),
        H("notion", secrets("secret_notion_verification_token", "secret_notion_other")),
        H("noyo", secrets("noyo-secret", "noyo-old")),
        Token("okta", secrets("okta-event-hook-secret", "okta-other-secret")),
        H("paddle", secrets("pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_secret", "pdl_ntfset_other")),
        H(
            "pagerduty",
            secrets("lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK", "pd-other"),
        ),
        H("paystack", secrets("sk_test_paystack_secret", "sk_test_paystack_other")),
        Standard("polar", secrets("polar_whs_secret", "polar_whs_other"), keys=ED),
        H(
            "quickbooks",
            secrets("b5771f19b12ddb4bcdb9f08bdc50bc63878a", "b5771f19b12ddb4bcdb9f08bdc50bc63878b"),
        ),
        H("razorpay", secrets("key_secret", "key_other")),
        Standard("replicate", SW_SECRETS, keys=ED),
        Standard("resend", SW_SECRETS, keys=ED),
        H("sanity", secrets("test", "test-other")),
        H("segment", secrets("segment-shared-secret", "segment-other")),
        Public("sendgrid", P256),
        H("sentry", secrets("sentry-client-secret", "sentry-other")),
        H("shopify", secrets("shpss_secret", "shpss_other")),
        H("sigma", secrets("apikey123secretkey456", "apikey123other")),
        H("slack", secrets("8f742231b10e8888abcd99yyyzzz85a5", "8f742231b10e8888abcd99yyyzzz85a6")),
        Url(
            "square",
            secrets("Ibxx_5AKakO-3qeNVR61Dw", "MCmhFRxGX82xMwg5FsaoQA"),
            url="https://example.com/webhooks/square",
        ),
        Standard("standard-webhooks", SW_SECRETS, keys=ED),
        H("stripe", secrets("whsec_test_secret", "whsec_other_secret")),
        Standard("stytch", SW_SECRETS, keys=ED),
        Standard("svix", SW_SECRETS, keys=ED),
        Token("telegram", secrets("telegram_secret_Token-1", "telegram_secret_Token-2")),
        Url(
            "trello",
            secrets("trello_app_secret", "trello_other_secret"),
            url="https://example.com/trello/hook",
        ),
        Twilio(
            "twilio",
            secrets("12345", "54321"),
            url="https://example.com/twilio/sms?tenant=acme",
            body=TWILIO_FORM,
        ),
        H("twitch", secrets("s3cRe7s3cRe7", "s3cRe7s3cRe8")),
        H("typeform", secrets("typeform-secret", "typeform-other")),
        H("vercel", secrets("vercel-webhook-secret", "vercel-other")),
        H("webflow", secrets("webflow-webhook-secret", "webflow-other")),
        H("woocommerce", secrets("woocommerce-secret", "woocommerce-other")),
        H("workos", secrets("1lyKDzhJjuCkIscIWqkSe4YsQ", "1lyKDzhJjuCkIscIWqkSe4YsR")),
        H("xero", secrets("xero-webhook-key", "xero-other")),
        H("zoom", secrets("zoom_secret_token", "zoom_other_token")),
    ]


def extra_preset_cases() -> list[dict]:
    """Cases particular to one preset's documented rules."""
    cases = []
    # Sigma: the business id is signed when given.
    sigma = Provider(
        "sigma",
        secrets("apikey123secretkey456", "apikey123other"),
        params={"business_id": "biz_8412"},
        label="sigma (business_id)",
    )
    headers = sigma.signed(b"ignored")
    body_signed = Provider("sigma", secrets("apikey123secretkey456", "x")).signed(BODY.encode())
    cases += [
        sigma.verify("business_id param: valid", sigma.ok(), headers),
        sigma.verify(
            "business_id param: any body verifies (only the id is signed)",
            sigma.ok(),
            headers,
            body="anything",
        ),
        sigma.verify(
            "business_id param: another business id",
            MISMATCH,
            headers,
            params={"business_id": "biz_8413"},
        ),
        sigma.verify("business_id param: a body signature does not verify", MISMATCH, body_signed),
        sigma.sign_case("business_id param: sign", BODY, headers),
    ]
    # WorkOS writes a space after the comma; Sanity's toolkit accepts one too.
    for name, secret in [("workos", "1lyKDzhJjuCkIscIWqkSe4YsQ"), ("sanity", "test")]:
        p = Provider(name, secrets(secret, secret + "x"))
        valid = p.signed(BODY.encode())
        spaced = [[n, v.replace(",", ", ")] for n, v in valid]
        cases.append(p.verify("a space after the comma, as the provider writes it", p.ok(), spaced))
    # Polar uses the secret text itself as the key, even one that looks like a whsec_ secret.
    polar = Provider("polar", secrets(SW_SECRETS[0], "x"))
    cases.append(
        polar.verify(
            "a whsec_-looking secret is used as text", polar.ok(), polar.signed(BODY.encode())
        )
    )
    cases.append(
        polar.verify(
            "a whsec_-looking secret is not base64-decoded",
            MISMATCH,
            Provider("standard-webhooks", [SW_SECRETS[0]]).signed(BODY.encode()),
        )
    )
    # Linear reads no timestamp header.
    linear = Linear(
        "linear", secrets("lin_wh_secret", "x"), body=Linear.body_with_ts_text(None, str(TS * 1000))
    )
    cases.append(
        linear.verify(
            "a Linear-Timestamp header is not read (the body field is)",
            {"error": "timestamp_too_old"},
            [
                *linear.signed(linear.body_at(NOW - 3600).encode()),
                ["Linear-Timestamp", str(NOW * 1000)],
            ],
            body=linear.body_at(NOW - 3600),
        )
    )
    return cases


# -- schemes.json ----------------------------------------------------------------------------


def scheme_cases() -> list[dict]:
    """Custom schemes: every algorithm, encoding, secret encoding, template; config errors."""
    cases = []
    customs = [
        (
            "sha1 hex",
            {"signature_header": "X-Hub-Signature", "algorithm": "sha1", "prefix": "sha1="},
            "sha1-secret",
        ),
        ("sha512 hex", {"signature_header": "x-sig", "algorithm": "sha512"}, "sha512-secret"),
        (
            "sha512 base64url with a timestamp",
            {
                "signature_header": "x-sig",
                "algorithm": "sha512",
                "encoding": "base64url",
                "timestamp_header": "x-ts",
                "message": "{timestamp}|{body}",
            },
            "k",
        ),
        (
            "base64 secret",
            {"signature_header": "x-sig", "secret_encoding": "base64", "encoding": "base64"},
            "c2VjcmV0IGJ5dGVzIFx4MDA=",
        ),
        (
            "whsec secret without its prefix",
            {"signature_header": "x-sig", "secret_encoding": "whsec"},
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ),
        (
            "template with literal braces and a param",
            {"signature_header": "x-sig", "message": "{{{tenant}}}:{body}"},
            "k",
        ),
        (
            "fields without a timestamp",
            {"signature_header": "x-sig", "fields": {"separator": ",", "signature": "s"}},
            "k",
        ),
        (
            "multi-character separator",
            {
                "signature_header": "x-sig",
                "separator": ", ",
                "timestamp_header": "x-ts",
                "id_header": "x-id",
                "message": "{id}{timestamp}{body}",
                "tolerance": 15,
            },
            "k",
        ),
        ("hmac-sha256 alias", {"signature_header": "x-sig", "algorithm": "hmac-sha256"}, "k"),
        (
            "path and method signed",
            {"signature_header": "x-sig", "message": "{method} {path}\n{body}"},
            "k",
        ),
        (
            "unix_ms timestamp",
            {
                "signature_header": "x-sig",
                "timestamp_header": "x-ts",
                "timestamp_format": "unix_ms",
                "message": "{timestamp}.{body}",
            },
            "k",
        ),
        (
            "rfc3339 timestamp",
            {
                "signature_header": "x-sig",
                "timestamp_header": "x-ts",
                "timestamp_format": "rfc3339",
                "message": "{timestamp}.{body}",
            },
            "k",
        ),
        ("token", {"signature_header": "x-token", "algorithm": "token"}, "a-token"),
        (
            "required header",
            {"signature_header": "x-sig", "required_headers": {"x-sig-version": "2"}},
            "k",
        ),
    ]
    raw = BODY.encode()
    url = "https://example.com/hooks/in?x=1&y=2"
    for name, scheme, secret in customs:
        params = {"tenant": "acme"} if "{tenant}" in scheme.get("message", "") else {}
        signs_url = any(p in scheme.get("message", "") for p in ("{url}", "{path}", "{method}"))
        p = Provider(
            name,
            [secret, secret + "x", secret + "y"],
            scheme=scheme,
            params=params,
            url=url if signs_url else None,
            method="POST" if "{method}" in scheme.get("message", "") else None,
            label=f"scheme {name}",
        )
        headers = p.signed(raw)
        valid = p.verify("valid", p.ok(), headers)
        cases.append(valid)
        tampered = p.verify(
            "tampered", p.ok() if p.is_token else MISMATCH, headers, body=BODY + " "
        )
        cases.append(tampered)
        cases.append(p.sign_case("sign", BODY, headers))
    # The multi-character separator scheme has a 15 s window.
    p = Provider(
        "sep", ["k", "kx", "ky"], scheme=customs[7][1], label="scheme multi-character separator"
    )
    cases.append(
        p.verify(
            "16 s old with a 15 s window",
            {"error": "timestamp_too_old"},
            p.signed(raw, ts=NOW - 16),
        )
    )
    # The path of a URL, and a URL without a path.
    path_scheme = customs[9][1]
    p = Provider(
        "path",
        ["k", "kx", "ky"],
        scheme=path_scheme,
        url="https://example.com",
        method="POST",
        label="scheme path and method signed",
    )
    cases.append(p.verify("a URL without a path signs /", p.ok(), p.signed(raw)))
    # A required header with another value, and missing.
    req_scheme = customs[13][1]
    p = Provider("req", ["k", "kx", "ky"], scheme=req_scheme, label="scheme required header")
    valid = p.signed(raw)
    cases += [
        p.verify(
            "another value",
            INVALID,
            [["x-sig-version", "3"] if n == "x-sig-version" else [n, v] for n, v in valid],
        ),
        p.verify("missing", MISSING, [h for h in valid if h[0] != "x-sig-version"]),
    ]
    # Public-key schemes in other encodings.
    ed_scheme = {
        "signature_header": "x-sig",
        "algorithm": "ed25519",
        "encoding": "base64",
        "key_encoding": "base64",
        "timestamp_header": "x-ts",
        "message": "{timestamp}:{body}",
    }
    ecdsa_raw = {
        "signature_header": "x-sig",
        "algorithm": "ecdsa-p256-sha256",
        "encoding": "hex",
        "key_encoding": "hex",
        "signature_format": "raw",
    }
    ecdsa_asym = {
        "signature_header": "x-sig",
        "prefix": "h=",
        "separator": ",",
        "encoding": "base64",
        "asymmetric": {"algorithm": "ecdsa-p256-sha256", "prefix": "e=", "encoding": "base64"},
    }
    ed = Public("ed", ED, scheme=ed_scheme, label="scheme ed25519 base64")
    ed.public_text = lambda k: b64(k.public)
    ec_raw = Public("ec", P256, scheme=ecdsa_raw, label="scheme ecdsa raw hex")
    ec_raw.public_text = lambda k: k.point().hex()
    ec_raw.private_text = lambda k: f"{k.scalar:064x}"
    for p in (ed, ec_raw):
        valid = p.signed(raw)
        cases += [
            p.verify("valid", p.ok(), valid),
            p.verify("tampered", MISMATCH, valid, body=BODY + " "),
            p.verify("rotation", p.ok(index=1), valid, creds=[p.creds[1], p.creds[0]]),
            p.sign_case("sign", BODY, valid),
        ]
    ec_pub = P256[0].spki_b64()
    compressed_hex = P256[0].point(True).hex()
    cases.append(
        ec_raw.verify(
            "a compressed point in hex",
            ec_raw.ok(),
            ec_raw.signed(raw),
            creds=[],
            public_keys=[compressed_hex],
        )
    )
    asym = Provider(
        "asym", ["k", "kx", "ky"], scheme=ecdsa_asym, label="scheme hmac with ecdsa items"
    )
    req = asym.request(raw, "")
    e_item = "e=" + public_signature(ecdsa_asym["asymmetric"], P256[0], ecdsa_asym, req)
    h_item = asym.item("k", req)
    both = [["x-sig", f"{h_item},{e_item}"]]

    def asym_case(name, expect, headers, **keys):
        case = {
            "name": f"scheme hmac with ecdsa items: {name}",
            "scheme": ecdsa_asym,
            **keys,
            "body": BODY,
            "headers": headers,
            "now": NOW,
            "expect": expect,
        }
        return case

    ok_none = {"ok": True, "secret_index": 0, "timestamp": None, "id": None}
    cases += [
        asym_case("secret", ok_none, both, secrets=["k"]),
        asym_case("public key", ok_none, both, public_keys=[ec_pub]),
        asym_case(
            "wrong secret and the public key",
            {**ok_none, "secret_index": 1},
            both,
            secrets=["kx"],
            public_keys=[ec_pub],
        ),
        asym_case("tampered", MISMATCH, both, secrets=["k"], public_keys=[ec_pub])
        | {"body": BODY + " "},
    ]
    # Body fields: a signature and a nested id in the JSON body.
    bf = {
        "body_fields": {"signature": "meta.sig", "nonce": "meta.nonce"},
        "message": "{body_field:nonce}",
    }
    nonce = "n-1"
    sig = mac(bf, "k", Request(body=json.dumps({"meta": {"nonce": nonce}}).encode()))
    doc = json.dumps({"meta": {"nonce": nonce, "sig": sig}, "data": [1, 2]})
    cases += [
        {
            "name": "scheme body fields: valid",
            "scheme": bf,
            "secrets": ["k"],
            "body": doc,
            "headers": [],
            "now": NOW,
            "expect": ok_none,
        },
        {
            "name": "scheme body fields: nonce changed",
            "scheme": bf,
            "secrets": ["k"],
            "body": doc.replace("n-1", "n-2"),
            "headers": [],
            "now": NOW,
            "expect": MISMATCH,
        },
    ]
    # A header signed by the message.
    hs = {"signature_header": "x-sig", "message": "{header:X-Account}:{body}"}
    hsig = hmac.new(b"k", b"acct_1:" + raw, hashlib.sha256).hexdigest()
    cases += [
        {
            "name": "scheme header signed: valid",
            "scheme": hs,
            "secrets": ["k"],
            "body": BODY,
            "headers": [["X-Account", "acct_1"], ["x-sig", hsig]],
            "now": NOW,
            "expect": ok_none,
        },
        {
            "name": "scheme header signed: another value",
            "scheme": hs,
            "secrets": ["k"],
            "body": BODY,
            "headers": [["X-Account", "acct_2"], ["x-sig", hsig]],
            "now": NOW,
            "expect": MISMATCH,
        },
        {
            "name": "scheme header signed: missing",
            "scheme": hs,
            "secrets": ["k"],
            "body": BODY,
            "headers": [["x-sig", hsig]],
            "now": NOW,
            "expect": MISSING,
        },
    ]

    def config_error(name, code, **case):
        case.setdefault("secrets", ["k"])
        case.setdefault("body", BODY)
        case.setdefault("headers", [["x-sig", "00"]])
        case.setdefault("now", NOW)
        if case["secrets"] is None:
            del case["secrets"]
        return {"name": f"config: {name}", **case, "expect": {"error": code}}

    sig = {"signature_header": "x-sig"}
    ed_sig = {**sig, "algorithm": "ed25519"}
    cases += [
        config_error("unknown preset", "unknown_preset", preset="stripe2"),
        config_error("preset names are exact", "unknown_preset", preset="GitHub"),
        config_error("no secret", "invalid_secret", preset="github", secrets=[]),
        config_error("an empty secret", "invalid_secret", preset="github", secrets=[""]),
        config_error(
            "one empty secret among good ones",
            "invalid_secret",
            preset="github",
            secrets=["good", ""],
        ),
        config_error(
            "whsec secret not base64",
            "invalid_secret",
            preset="svix",
            secrets=["whsec_not*base64!"],
        ),
        config_error(
            "whsec prefix alone", "invalid_secret", preset="standard-webhooks", secrets=["whsec_"]
        ),
        config_error(
            "missing param", "missing_param", scheme={**sig, "message": "{tenant}.{body}"}
        ),
        config_error("unknown field", "invalid_scheme", scheme={**sig, "encodng": "hex"}),
        config_error("unknown algorithm", "invalid_scheme", scheme={**sig, "algorithm": "md5"}),
        config_error("unknown encoding", "invalid_scheme", scheme={**sig, "encoding": "base32"}),
        config_error("no signature header", "invalid_scheme", scheme={"message": "{body}"}),
        config_error(
            "header name with a space", "invalid_scheme", scheme={"signature_header": "x sig"}
        ),
        config_error("empty header name", "invalid_scheme", scheme={"signature_header": ""}),
        config_error(
            "{timestamp} without a timestamp header",
            "invalid_scheme",
            scheme={**sig, "message": "{timestamp}.{body}"},
        ),
        config_error(
            "{id} without an id header", "invalid_scheme", scheme={**sig, "message": "{id}.{body}"}
        ),
        config_error("unbalanced brace", "invalid_scheme", scheme={**sig, "message": "{body"}),
        config_error("empty message", "invalid_scheme", scheme={**sig, "message": ""}),
        config_error("empty separator", "invalid_scheme", scheme={**sig, "separator": ""}),
        config_error(
            "separator with fields",
            "invalid_scheme",
            scheme={**sig, "separator": ",", "fields": {"separator": ",", "signature": "v1"}},
        ),
        config_error(
            "fields with the same key twice",
            "invalid_scheme",
            scheme={**sig, "fields": {"separator": ",", "timestamp": "v", "signature": "v"}},
        ),
        config_error(
            "timestamp header and timestamp field",
            "invalid_scheme",
            scheme={
                **sig,
                "timestamp_header": "x-ts",
                "fields": {"separator": ",", "timestamp": "t", "signature": "v1"},
            },
        ),
        config_error(
            "prefix containing the separator",
            "invalid_scheme",
            scheme={**sig, "separator": ",", "prefix": "v1,"},
        ),
        config_error(
            "separator made of letters", "invalid_scheme", scheme={**sig, "separator": "a"}
        ),
        config_error("prefix with a newline", "invalid_scheme", scheme={**sig, "prefix": "v1\n"}),
        config_error(
            "fields key containing the fields separator",
            "invalid_scheme",
            scheme={**sig, "fields": {"separator": ";", "signature": "h;1"}},
        ),
        config_error(
            "the same header for the signature and the id",
            "invalid_scheme",
            scheme={**sig, "id_header": "X-Sig"},
        ),
        config_error(
            "the same header for the signature and the timestamp",
            "invalid_scheme",
            scheme={**sig, "timestamp_header": "x-sig"},
        ),
        config_error("negative tolerance", "invalid_scheme", scheme={**sig, "tolerance": -1}),
        config_error("tolerance as text", "invalid_scheme", scheme={**sig, "tolerance": "300"}),
        # Schemes v2 fields.
        config_error(
            "unknown timestamp format",
            "invalid_scheme",
            scheme={**sig, "timestamp_header": "x-ts", "timestamp_format": "iso8601"},
        ),
        config_error(
            "timestamp format without a timestamp",
            "invalid_scheme",
            scheme={**sig, "timestamp_format": "unix_ms"},
        ),
        config_error(
            "signature_header and signature_headers",
            "invalid_scheme",
            scheme={**sig, "signature_headers": ["x-sig-2"]},
        ),
        config_error(
            "17 signature headers",
            "invalid_scheme",
            scheme={"signature_headers": [f"x-sig-{n}" for n in range(17)]},
        ),
        config_error(
            "key_encoding for an HMAC", "invalid_scheme", scheme={**sig, "key_encoding": "hex"}
        ),
        config_error(
            "signature_format for Ed25519",
            "invalid_scheme",
            scheme={**ed_sig, "signature_format": "raw"},
            secrets=None,
            public_keys=[ED[0].hex()],
        ),
        config_error(
            "whpk keys for ECDSA",
            "invalid_scheme",
            scheme={**sig, "algorithm": "ecdsa-p256-sha256", "key_encoding": "whpk"},
            secrets=None,
            public_keys=[P256[0].spki_b64()],
        ),
        config_error(
            "secret_encoding for Ed25519",
            "invalid_scheme",
            scheme={**ed_sig, "secret_encoding": "base64"},
            secrets=None,
            public_keys=[ED[0].hex()],
        ),
        config_error(
            "a token scheme with a prefix",
            "invalid_scheme",
            scheme={**sig, "algorithm": "token", "prefix": "Bearer "},
        ),
        config_error(
            "a token scheme with a message",
            "invalid_scheme",
            scheme={**sig, "algorithm": "token", "message": "{body}.x"},
        ),
        config_error(
            "asymmetric items on an Ed25519 scheme",
            "invalid_scheme",
            scheme={**ed_sig, "prefix": "v1,", "asymmetric": dict(PRESETS["svix"]["asymmetric"])},
            secrets=None,
            public_keys=[ED[0].hex()],
        ),
        config_error(
            "asymmetric items without a prefix",
            "invalid_scheme",
            scheme={**sig, "asymmetric": dict(PRESETS["svix"]["asymmetric"])},
        ),
        config_error(
            "asymmetric prefix equal to the prefix",
            "invalid_scheme",
            scheme={
                **sig,
                "prefix": "v1a,",
                "separator": " ",
                "asymmetric": dict(PRESETS["svix"]["asymmetric"]),
            },
        ),
        config_error(
            "asymmetric algorithm that is an HMAC",
            "invalid_scheme",
            scheme={**sig, "prefix": "v1,", "asymmetric": {"algorithm": "sha256", "prefix": "v2,"}},
        ),
        config_error(
            "body_fields timestamp and a timestamp header",
            "invalid_scheme",
            scheme={**sig, "timestamp_header": "x-ts", "body_fields": {"timestamp": "ts"}},
        ),
        config_error(
            "body_fields signature and a signature header",
            "invalid_scheme",
            scheme={**sig, "body_fields": {"signature": "sig"}},
        ),
        config_error(
            "a body field the message names but body_fields lacks",
            "invalid_scheme",
            scheme={**sig, "message": "{body_field:token}"},
        ),
        config_error(
            "a body field path with an empty name",
            "invalid_scheme",
            scheme={**sig, "body_fields": {"token": "a..b"}},
        ),
        config_error(
            "url_port without {url}", "invalid_scheme", scheme={**sig, "url_port": "either"}
        ),
        config_error(
            "body_escape without {body}",
            "invalid_scheme",
            scheme={**sig, "message": "{url}", "body_escape": "ascii"},
        ),
        config_error(
            "required header value with spaces around",
            "invalid_scheme",
            scheme={**sig, "required_headers": {"x-v": " 1 "}},
        ),
        config_error(
            "alternate spelling of a header the scheme lacks",
            "invalid_scheme",
            scheme={**sig, "alternate_headers": {"x-other": "x-alt"}},
        ),
        config_error(
            "{header:NAME} with a bad name",
            "invalid_scheme",
            scheme={**sig, "message": "{header:a b}{body}"},
        ),
        config_error(
            "a public key for an HMAC scheme",
            "invalid_key",
            preset="github",
            public_keys=[ED[0].hex()],
        ),
        config_error("a secret for an Ed25519 scheme", "invalid_secret", scheme=ed_sig),
        config_error(
            "no public key for an Ed25519 scheme", "invalid_key", scheme=ed_sig, secrets=None
        ),
        config_error(
            "an Ed25519 key of 31 bytes",
            "invalid_key",
            scheme=ed_sig,
            secrets=None,
            public_keys=[ED[0].hex()[:-2]],
        ),
        config_error(
            "a P-256 point off the curve",
            "invalid_key",
            scheme={**sig, "algorithm": "ecdsa-p256-sha256", "key_encoding": "hex"},
            secrets=None,
            public_keys=["04" + "00" * 63 + "01"],
        ),
        config_error(
            "the url signed, verified without it",
            "missing_param",
            scheme={**sig, "message": "{url}{body}"},
        ),
        config_error(
            "the method signed, verified without it",
            "missing_param",
            scheme={**sig, "message": "{method}{body}"},
            url="https://example.com/x",
        ),
    ]
    return cases


# -- The oracle against the providers' own vectors ------------------------------------------


def published_reproduced() -> list[str]:
    """Checks the oracle on every valid case of published.json: its signature for the case's
    request is among those sent (HMAC presets), or the case's public key verifies the signature
    sent over the oracle's message (public-key presets). Returns the cases it fails on."""
    failures = []
    for case in json.loads((HERE / "published.json").read_text())["cases"]:
        preset = case.get("preset")
        if not preset or case.get("op") == "sign" or not case["expect"].get("ok"):
            continue
        scheme = PRESETS[preset]
        sent = {}
        for name, value in case["headers"]:
            sent[body_bytes(name).decode().lower()] = body_bytes(value).decode()
        alternate = {k.lower(): v for k, v in scheme.get("alternate_headers", {}).items()}

        def header(name, sent=sent, alternate=alternate):
            name = (name or "").lower()
            return sent.get(name) or sent.get(alternate.get(name, ""), "")

        names = scheme.get("signature_headers") or [scheme.get("signature_header")]
        values = [header(n) for n in names if header(n)]
        timestamp, msg_id = header(scheme.get("timestamp_header")), header(scheme.get("id_header"))
        body = body_bytes(case["body"])
        if scheme.get("fields"):
            fields = scheme["fields"]
            items = [i.strip() for i in values[0].split(fields["separator"])]
            timestamp = next(
                i[len(fields["timestamp"]) + 1 :]
                for i in items
                if i.startswith(fields["timestamp"] + "=")
            )
        if "body_fields" in scheme:
            values = [body_field(body, scheme["body_fields"]["signature"]).decode()]
            timestamp = body_field(body, scheme["body_fields"]["timestamp"]).decode()
        urls = [case.get("url", "")]
        if scheme.get("url_port") == "either":
            urls = twilio_url_forms(case["url"])
        requests = [
            Request(
                body=body,
                timestamp=timestamp,
                id=msg_id,
                url=url,
                method=case.get("method", ""),
                params=case.get("params"),
                escaped=escaped,
            )
            for url in urls
            for escaped in ([False, True] if scheme.get("body_escape") else [False])
        ]
        items = [i.strip() for v in values for i in re.split(r"[ ,;]", v) if i.strip()]
        found = False
        for secret in case.get("secrets", []):
            secret = body_bytes(secret)
            for req in requests:
                ours = mac(scheme, secret, req).rstrip("=").lower()
                found |= any(i.lower().rstrip("=").endswith(ours) for i in items)
        for key in case.get("public_keys", []):
            kind = scheme.get("asymmetric", scheme)
            for req in requests:
                found |= any(public_verify(kind, key, message(scheme, req), i) for i in items)
        if not found:
            failures.append(case["name"])
    return failures


def public_verify(kind: dict, key_text: str, signed: bytes, item: str) -> bool:
    """Whether a signature item verifies under a public key, by `cryptography` (OpenSSL)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    text = (
        item.split(",", 1)[1] if item.startswith(kind.get("prefix", "")) and "," in item else item
    )
    try:
        sig = (
            bytes.fromhex(text) if kind.get("encoding", "hex") == "hex" else base64.b64decode(text)
        )
        if kind["algorithm"] == "ed25519":
            raw = (
                base64.b64decode(key_text[5:])
                if key_text.startswith("whpk_")
                else bytes.fromhex(key_text)
            )
            ed25519.Ed25519PublicKey.from_public_bytes(raw).verify(sig, signed)
        else:
            key = serialization.load_der_public_key(base64.b64decode(key_text))
            key.verify(sig, signed, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


# -- Writing ---------------------------------------------------------------------------------


def write(name: str, description: str, cases: list[dict], check: bool) -> bool:
    for case in cases:
        if case.get("headers") is None and case.get("op") == "sign":
            case.pop("headers", None)
    doc = {"description": description, "generated_by": "tests/vectors/generate.py", "cases": cases}
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    assert len(text.encode()) < 2 << 20, (
        f"{name} is {len(text.encode())} bytes: keep it under 2 MiB"
    )
    path = HERE / name
    if check:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is out of date: run make vectors", file=sys.stderr)
            return False
        return True
    path.write_text(text)
    print(f"wrote {path.relative_to(ROOT)}: {len(cases)} cases")
    return True


def core_presets(argv: list[str]) -> dict:
    if "--core-presets" in argv:
        source = argv[argv.index("--core-presets") + 1]
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
    else:
        run = subprocess.run(
            ["cargo", "run", "-q", "-p", "hooksig-cli", "--", "presets", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            sys.exit(f"`cargo run -p hooksig-cli -- presets --json` failed:\n{run.stderr}")
        text = run.stdout
    return json.loads(text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    problems = compare_with_core(core_presets(argv))
    problems += [
        f"published vector not reproduced by the oracle: {n}" for n in published_reproduced()
    ]
    if problems:
        print(
            "the oracle's presets and the core's differ:\n  " + "\n  ".join(problems),
            file=sys.stderr,
        )
        return 1
    preset_cases = [c for p in providers() for c in p.cases()] + extra_preset_cases()
    covered = {c.get("preset") for c in preset_cases}
    assert covered == set(PRESETS), f"presets without cases: {set(PRESETS) - covered}"
    schemes = scheme_cases()
    names = [c["name"] for c in preset_cases + schemes]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, f"case names must be unique: {sorted(dupes)[:5]}"
    ok = write(
        "presets.json",
        "Every preset: valid, tampered, rotation, each error, edges, sign; "
        "public keys, URLs, body fields and tokens where the preset has them.",
        preset_cases,
        check,
    )
    ok &= write(
        "schemes.json",
        "Custom schemes: algorithms, encodings, secret and key encodings, templates, "
        "and configuration errors.",
        schemes,
        check,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
