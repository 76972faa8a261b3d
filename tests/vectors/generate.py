#!/usr/bin/env python3
"""Writes the generated conformance vectors: presets.json and schemes.json.

The expected signatures come from Python's standard library (hmac, hashlib,
base64), an implementation independent of the Rust core, following each
provider's published rules. `published.json` is written by hand from the
providers' own documents and is not touched here.

    python3 tests/vectors/generate.py          # rewrite the files
    python3 tests/vectors/generate.py --check  # fail if they are out of date
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

NOW = 1_700_000_000  # the verification time of every timestamped case
TS = NOW - 10  # the timestamp the "provider" sent
MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
BODY = '{"event_type":"payment.succeeded","data":{"id":"pay_123","amount":4200}}'
# Not UTF-8: a lone continuation byte, an overlong NUL, 0xff, and a real NUL.
BINARY_BODY = bytes([0x80, 0xC0, 0x80, 0xFF, 0x00, 0x41, 0xFE])
# The 1 MiB body: the 16 bytes "0123456789abcdef" repeated to 1,048,576 bytes.
BIG_RULE = {"repeat": "0123456789abcdef", "length": 1 << 20}

HASHES = {"sha256": hashlib.sha256, "sha1": hashlib.sha1, "sha512": hashlib.sha512}


def body_bytes(body: object) -> bytes:
    if isinstance(body, str):
        return body.encode()
    assert isinstance(body, dict)
    if "hex" in body:
        return bytes.fromhex(body["hex"])
    unit = body["repeat"].encode()
    return (unit * (body["length"] // len(unit) + 1))[: body["length"]]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Provider:
    """One scheme, re-implemented with the standard library as the oracle."""

    def __init__(self, name: str, scheme: dict, secret: str, other_secret: str, params=None):
        self.name = name
        self.scheme = scheme
        self.secret = secret
        self.other = other_secret
        self.params = params or {}

    # -- the scheme's rules, independently -----------------------------------------

    @property
    def ts_header(self):
        return self.scheme.get("timestamp_header")

    @property
    def id_header(self):
        return self.scheme.get("id_header")

    @property
    def has_ts(self):
        return bool(self.ts_header) or bool(self.scheme.get("fields", {}).get("timestamp"))

    def key(self, secret: str) -> bytes:
        enc = self.scheme.get("secret_encoding", "utf8")
        if enc == "utf8":
            return secret.encode()
        text = secret[len("whsec_"):] if enc == "whsec" and secret.startswith("whsec_") else secret
        return base64.b64decode(text + "=" * (-len(text) % 4))

    def message(self, body: bytes, ts: str, msg_id: str) -> bytes:
        template = self.scheme.get("message", "{body}")
        known = {"body": body, "timestamp": ts.encode(), "id": msg_id.encode()}
        pieces = re.split(r"(\{\{|\}\}|\{\w+\})", template)
        names = [p[1:-1] for p in pieces if p.startswith("{") and p != "{{"]
        if any(n not in known and n not in self.params for n in names):
            return Provider(self.name, {**self.scheme, "message": self.scheme["fallback_message"]},
                            self.secret, self.other).message(body, ts, msg_id)
        out = b""
        for piece in pieces:
            if piece in ("{{", "}}"):
                out += piece[0].encode()
            elif piece.startswith("{"):
                name = piece[1:-1]
                out += known[name] if name in known else self.params[name].encode()
            else:
                out += piece.encode()
        return out

    def mac(self, secret: str, body: bytes, ts: str, msg_id: str) -> bytes:
        algo = HASHES[self.scheme.get("algorithm", "sha256")]
        return hmac.new(self.key(secret), self.message(body, ts, msg_id), algo).digest()

    def encode(self, mac: bytes) -> str:
        enc = self.scheme.get("encoding", "hex")
        if enc == "hex":
            return mac.hex()
        if enc == "base64":
            return b64(mac)
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def item(self, sig: str) -> str:
        return self.scheme.get("prefix", "") + sig

    def sig_value(self, sigs: list[str], ts: str) -> str:
        """The signature header's value carrying these encoded signatures."""
        fields = self.scheme.get("fields")
        if fields:
            items = []
            if fields.get("timestamp"):
                items.append(f"{fields['timestamp']}={ts}")
            items += [f"{fields['signature']}={s}" for s in sigs]
            return fields["separator"].join(items)
        sep = self.scheme.get("separator")
        assert sep or len(sigs) == 1
        return (sep or "").join(self.item(s) for s in sigs)

    def headers(self, sig_value: str, ts: str, msg_id: str) -> list:
        out = []
        if self.id_header:
            out.append([self.id_header, msg_id])
        if self.ts_header:
            out.append([self.ts_header, ts])
        out.append([self.scheme["signature_header"], sig_value])
        return out

    def signed(self, body: bytes, ts: int = TS, secret: str | None = None, msg_id: str = MSG_ID):
        ts_text = str(ts)
        sig = self.encode(self.mac(secret or self.secret, body, ts_text, msg_id))
        return self.headers(self.sig_value([sig], ts_text), ts_text, msg_id)

    # -- cases --------------------------------------------------------------------------

    @property
    def third(self) -> str:
        """A valid secret that is neither of the two."""
        if self.scheme.get("secret_encoding", "utf8") == "utf8":
            return self.other + "x"
        return "whsec_" + b64(b"a third secret")

    def base(self, name: str, **extra) -> dict:
        case = {"name": f"{self.name}: {name}", "preset": self.name, "secrets": [self.secret]}
        if self.params:
            case["params"] = dict(self.params)
        case.update(extra)
        return case

    def ok(self, ts: int = TS, index: int = 0) -> dict:
        return {
            "ok": True,
            "secret_index": index,
            "timestamp": ts if self.has_ts else None,
            "id": MSG_ID if self.id_header else None,
        }

    def cases(self) -> list[dict]:
        raw = body_bytes(BODY)
        valid = self.signed(raw)
        sig_header = self.scheme["signature_header"]
        cases = [
            self.base("valid", body=BODY, headers=valid, now=NOW, expect=self.ok()),
            self.base(
                "tampered body", body=BODY.replace("4200", "4201"), headers=valid, now=NOW,
                expect={"error": "signature_mismatch"},
            ),
            self.base(
                "body with a trailing newline", body=BODY + "\n", headers=valid, now=NOW,
                expect={"error": "signature_mismatch"},
            ),
            self.base(
                "wrong secret", body=BODY, headers=self.signed(raw, secret=self.other), now=NOW,
                expect={"error": "signature_mismatch"},
            ),
            self.base(
                "rotation, match on the first secret", secrets=[self.secret, self.other],
                body=BODY, headers=valid, now=NOW, expect=self.ok(index=0),
            ),
            self.base(
                "rotation, match on the second secret", secrets=[self.other, self.secret],
                body=BODY, headers=valid, now=NOW, expect=self.ok(index=1),
            ),
            self.base(
                "rotation, match on neither", secrets=[self.other, self.third],
                body=BODY, headers=valid, now=NOW, expect={"error": "signature_mismatch"},
            ),
            self.base(
                "header names in upper case", body=BODY, now=NOW, expect=self.ok(),
                headers=[[n.upper(), v] for n, v in valid],
            ),
            self.base(
                "header names in lower case", body=BODY, now=NOW, expect=self.ok(),
                headers=[[n.lower(), v] for n, v in valid],
            ),
            self.base(
                "values surrounded by spaces and tabs", body=BODY, now=NOW, expect=self.ok(),
                headers=[[n, f" \t{v}  "] for n, v in valid],
            ),
            self.base(
                "other headers around", body=BODY, now=NOW, expect=self.ok(),
                headers=[["Content-Type", "application/json"], *valid, ["User-Agent", "x"]],
            ),
            self.base(
                "empty body", body="", headers=self.signed(b""), now=NOW, expect=self.ok(),
            ),
            self.base(
                "non-UTF-8 body", body={"hex": BINARY_BODY.hex()},
                headers=self.signed(BINARY_BODY), now=NOW, expect=self.ok(),
            ),
            self.base(
                "non-UTF-8 body, one byte changed",
                body={"hex": (BINARY_BODY[:-1] + b"\xfd").hex()},
                headers=self.signed(BINARY_BODY), now=NOW,
                expect={"error": "signature_mismatch"},
            ),
            self.base(
                "1 MiB body", body=BIG_RULE, headers=self.signed(body_bytes(BIG_RULE)), now=NOW,
                expect=self.ok(),
            ),
            self.base(
                "signature header missing", body=BODY, now=NOW,
                headers=[h for h in valid if h[0] != sig_header],
                expect={"error": "missing_header"},
            ),
            self.base(
                "signature header empty", body=BODY, now=NOW,
                headers=[[n, " " if n == sig_header else v] for n, v in valid],
                expect={"error": "missing_header"},
            ),
            self.base(
                "signature header sent twice", body=BODY, now=NOW,
                headers=valid + [[sig_header.lower(), dict(valid)[sig_header]]],
                expect={"error": "invalid_header"},
            ),
            self.base(
                "signature one character short", body=BODY, now=NOW,
                headers=self.mutate_sig(valid, lambda s: s[:-2] + s[-1:]),
                expect={"error": "signature_mismatch"},
            ),
            self.base(
                "signature with a flipped character", body=BODY, now=NOW,
                headers=self.mutate_sig(valid, flip),
                expect={"error": "signature_mismatch"},
            ),
            self.base(
                "signature not in the encoding", body=BODY, now=NOW,
                headers=self.mutate_sig(valid, lambda s: "!" * len(s)),
                expect={"error": "signature_mismatch"},
            ),
            self.base(
                "signature of another algorithm's length", body=BODY, now=NOW,
                headers=self.mutate_sig(valid, lambda s: s + s),
                expect={"error": "signature_mismatch"},
            ),
        ]
        cases += self.encoding_cases(raw, valid)
        cases += self.list_cases(raw)
        if self.has_ts:
            cases += self.timestamp_cases(raw, valid)
        if self.id_header:
            cases += [
                self.base(
                    "id header missing", body=BODY, now=NOW,
                    headers=[h for h in valid if h[0] != self.id_header],
                    expect={"error": "missing_header"},
                ),
                self.base(
                    "id changed", body=BODY, now=NOW,
                    headers=[[n, "msg_other" if n == self.id_header else v] for n, v in valid],
                    expect={"error": "signature_mismatch"},
                ),
            ]
        cases += [
            self.base(
                "sign", op="sign", body=BODY, sign={"timestamp": TS, "id": MSG_ID},
                expect={"headers": valid},
            ),
            self.base(
                "sign an empty body", op="sign", body="", sign={"timestamp": TS, "id": MSG_ID},
                expect={"headers": self.signed(b"")},
            ),
        ]
        return cases

    def mutate_sig(self, headers, change):
        """Applies `change` to the encoded signature inside the signature header."""
        sig_header = self.scheme["signature_header"]
        out = []
        for n, v in headers:
            if n == sig_header:
                fields = self.scheme.get("fields")
                if fields:
                    key = fields["signature"] + "="
                    parts = v.split(fields["separator"])
                    v = fields["separator"].join(
                        key + change(p[len(key):]) if p.startswith(key) else p for p in parts
                    )
                else:
                    prefix = self.scheme.get("prefix", "")
                    v = prefix + change(v[len(prefix):])
            out.append([n, v])
        return out

    def encoding_cases(self, raw, valid):
        enc = self.scheme.get("encoding", "hex")
        if enc == "hex":
            return [
                self.base(
                    "hex signature in upper case", body=BODY, now=NOW, expect=self.ok(),
                    headers=self.mutate_sig(valid, str.upper),
                ),
                self.base(
                    "hex signature of odd length", body=BODY, now=NOW,
                    headers=self.mutate_sig(valid, lambda s: s + "0"),
                    expect={"error": "signature_mismatch"},
                ),
            ]
        cases = [
            self.base(
                "base64 signature without padding", body=BODY, now=NOW, expect=self.ok(),
                headers=self.mutate_sig(valid, lambda s: s.rstrip("=")),
            ),
        ]
        if any(c in dict(valid)[self.scheme["signature_header"]] for c in "+/"):
            cases.append(
                self.base(
                    "base64 signature in the URL-safe alphabet", body=BODY, now=NOW,
                    headers=self.mutate_sig(valid, lambda s: s.replace("+", "-").replace("/", "_")),
                    expect={"error": "signature_mismatch"},
                )
            )
        return cases

    def list_cases(self, raw):
        fields = self.scheme.get("fields")
        sep = self.scheme.get("separator")
        ts = str(TS)
        good = self.encode(self.mac(self.secret, raw, ts, MSG_ID))
        bad = self.encode(self.mac(self.other, raw, ts, MSG_ID))
        if not fields and not sep:
            prefix = self.scheme.get("prefix")
            cases = []
            if prefix:
                cases.append(
                    self.base(
                        "signature without its prefix", body=BODY, now=NOW,
                        headers=self.headers(good, ts, MSG_ID),
                        expect={"error": "invalid_header"},
                    )
                )
            return cases
        if fields:
            key, tkey, fsep = fields["signature"], fields.get("timestamp"), fields["separator"]

            def value(items):
                return fsep.join(items)

            tfield = [f"{tkey}={ts}"] if tkey else []
            return [
                self.base(
                    "several signatures, the valid one last", body=BODY, now=NOW, expect=self.ok(),
                    headers=self.headers(value(tfield + [f"{key}={bad}", f"{key}={good}"]), ts, MSG_ID),
                ),
                self.base(
                    "garbage, empty and unknown fields around the signature", body=BODY, now=NOW,
                    expect=self.ok(),
                    headers=self.headers(
                        value(["", "garbage", "v0=" + bad, *tfield, " ", f"{key}=zz", f" {key}={good} ", ""]),
                        ts, MSG_ID,
                    ),
                ),
                self.base(
                    "no signature field", body=BODY, now=NOW, expect={"error": "invalid_header"},
                    headers=self.headers(value(tfield + [f"v0={good}"]), ts, MSG_ID),
                ),
                self.base(
                    "33 signature fields", body=BODY, now=NOW, expect={"error": "invalid_header"},
                    headers=self.headers(value(tfield + [f"{key}={bad}"] * 32 + [f"{key}={good}"]), ts, MSG_ID),
                ),
                self.base(
                    "32 signature fields, the valid one last", body=BODY, now=NOW, expect=self.ok(),
                    headers=self.headers(value(tfield + [f"{key}={bad}"] * 31 + [f"{key}={good}"]), ts, MSG_ID),
                ),
            ]
        p = self.scheme.get("prefix", "")
        return [
            self.base(
                "several signatures, the valid one last", body=BODY, now=NOW, expect=self.ok(),
                headers=self.headers(sep.join([p + bad, p + good]), ts, MSG_ID),
            ),
            self.base(
                "garbage and empty items around the signature", body=BODY, now=NOW, expect=self.ok(),
                headers=self.headers(
                    sep.join(["", "garbage", "v2," + good if p else "!!", p + bad, sep.strip() or "", p + good, ""]),
                    ts, MSG_ID,
                ),
            ),
            self.base(
                "33 signature items", body=BODY, now=NOW, expect={"error": "invalid_header"},
                headers=self.headers(sep.join([p + bad] * 32 + [p + good]), ts, MSG_ID),
            ),
            self.base(
                "32 signature items, the valid one last", body=BODY, now=NOW, expect=self.ok(),
                headers=self.headers(sep.join([p + bad] * 31 + [p + good]), ts, MSG_ID),
            ),
        ]

    def timestamp_cases(self, raw, valid):
        tol = self.scheme.get("tolerance", 300)

        def at(ts_sent, now, expect, name, **extra):
            return self.base(
                name, body=BODY, headers=self.signed(raw, ts=ts_sent), now=now, expect=expect, **extra
            )

        ts_field = bool(self.scheme.get("fields", {}).get("timestamp"))

        def with_ts(text):
            """The valid request with the timestamp text replaced (signature unchanged)."""
            out = []
            for n, v in valid:
                if n == self.ts_header:
                    v = text
                elif ts_field and n == self.scheme["signature_header"]:
                    v = v.replace(f"{self.scheme['fields']['timestamp']}={TS}",
                                  f"{self.scheme['fields']['timestamp']}={text}")
                out.append([n, v])
            return out

        cases = [
            at(NOW - tol, NOW, self.ok(ts=NOW - tol), "timestamp exactly the tolerance old"),
            at(NOW - tol - 1, NOW, {"error": "timestamp_too_old"}, "timestamp one second too old"),
            at(NOW + tol, NOW, self.ok(ts=NOW + tol), "timestamp exactly the tolerance ahead"),
            at(NOW + tol + 1, NOW, {"error": "timestamp_in_future"}, "timestamp one second too far ahead"),
            at(NOW - 86_400, NOW, self.ok(ts=NOW - 86_400), "old timestamp, window off",
               tolerance=None),
            at(NOW - 601, NOW, {"error": "timestamp_too_old"}, "tolerance override of 600 s, 601 s old",
               tolerance=600),
            at(NOW - 600, NOW, self.ok(ts=NOW - 600), "tolerance override of 600 s, 600 s old",
               tolerance=600),
            self.base(
                "replayed: old timestamp with a wrong signature reports the timestamp",
                body=BODY, now=NOW + 10_000, headers=self.mutate_sig(valid, flip),
                expect={"error": "timestamp_too_old"},
            ),
            self.base(
                "timestamp changed, signature kept", body=BODY, now=NOW, headers=with_ts(str(TS + 1)),
                expect={"error": "signature_mismatch"},
            ),
            self.base(
                "timestamp not digits", body=BODY, now=NOW, headers=with_ts("17e8"),
                expect={"error": "invalid_header"},
            ),
            self.base(
                "timestamp negative", body=BODY, now=NOW, headers=with_ts("-1"),
                expect={"error": "invalid_header"},
            ),
            self.base(
                "timestamp in milliseconds is too far ahead", body=BODY, now=NOW,
                headers=with_ts(str(TS * 1000)), expect={"error": "timestamp_in_future"},
            ),
            self.base(
                "timestamp of 19 digits", body=BODY, now=NOW, headers=with_ts("1" * 19),
                expect={"error": "invalid_header"},
            ),
        ]
        if self.ts_header:
            cases += [
                self.base(
                    "timestamp header missing", body=BODY, now=NOW,
                    headers=[h for h in valid if h[0] != self.ts_header],
                    expect={"error": "missing_header"},
                ),
                self.base(
                    "timestamp header empty", body=BODY, now=NOW, headers=with_ts(""),
                    expect={"error": "missing_header"},
                ),
            ]
        else:
            sig_header = self.scheme["signature_header"]
            key = self.scheme["fields"]["timestamp"]
            fsep = self.scheme["fields"]["separator"]
            no_ts = [
                [n, fsep.join(p for p in v.split(fsep) if not p.startswith(key + "="))]
                if n == sig_header else [n, v]
                for n, v in valid
            ]
            cases += [
                self.base(
                    "timestamp field missing", body=BODY, now=NOW, headers=no_ts,
                    expect={"error": "invalid_header"},
                ),
                self.base(
                    "timestamp field twice", body=BODY, now=NOW,
                    headers=[[n, f"{key}={TS}{fsep}{v}"] if n == sig_header else [n, v] for n, v in valid],
                    expect={"error": "invalid_header"},
                ),
            ]
        return cases


def flip(sig: str) -> str:
    """Changes the first character of an encoded signature to another valid one."""
    c = sig[0]
    return ("b" if c == "a" else "a") + sig[1:]


PROVIDERS = [
    Provider("aghanim", {"signature_header": "X-Aghanim-Signature",
                         "timestamp_header": "X-Aghanim-Signature-Timestamp",
                         "message": "{timestamp}.{body}"}, "aghanim-s2s-key", "other-s2s-key"),
    Provider("anycoins", {"signature_header": "X-Any-Coins-Signature"}, "anycoins-secret", "not-it"),
    Provider("aqid", {"signature_header": "X-AQID-Signature", "encoding": "base64"},
             "aqid-secret", "aqid-other"),
    Provider("github", {"signature_header": "X-Hub-Signature-256", "prefix": "sha256="},
             "It's a Secret to Everybody", "It's Another Secret"),
    Provider("noyo", {"signature_header": "X-Noyo-Signature", "timestamp_header": "X-Noyo-Timestamp",
                      "message": "{timestamp}.{body}", "separator": ","}, "noyo-secret", "noyo-old"),
    Provider("paddle", {"signature_header": "Paddle-Signature", "message": "{timestamp}:{body}",
                        "fields": {"separator": ";", "timestamp": "ts", "signature": "h1"}},
             "pdl_ntfset_01hsdn8d43dt7mezr1ef2jtbaw_secret", "pdl_ntfset_other"),
    Provider("shopify", {"signature_header": "X-Shopify-Hmac-Sha256", "encoding": "base64"},
             "shpss_secret", "shpss_other"),
    Provider("sigma", {"signature_header": "X-Signature", "message": "{business_id}",
                       "fallback_message": "{body}"}, "apikey123secretkey456", "apikey123other"),
    Provider("slack", {"signature_header": "X-Slack-Signature", "timestamp_header": "X-Slack-Request-Timestamp",
                       "message": "v0:{timestamp}:{body}", "prefix": "v0="},
             "8f742231b10e8888abcd99yyyzzz85a5", "8f742231b10e8888abcd99yyyzzz85a6"),
    Provider("standard-webhooks", {"signature_header": "webhook-signature", "timestamp_header": "webhook-timestamp",
                                   "id_header": "webhook-id", "message": "{id}.{timestamp}.{body}",
                                   "encoding": "base64", "prefix": "v1,", "separator": " ",
                                   "secret_encoding": "whsec"},
             "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_dGhlIG90aGVyIHNlY3JldA=="),
    Provider("stripe", {"signature_header": "Stripe-Signature", "message": "{timestamp}.{body}",
                        "fields": {"separator": ",", "timestamp": "t", "signature": "v1"}},
             "whsec_test_secret", "whsec_other_secret"),
    Provider("svix", {"signature_header": "svix-signature", "timestamp_header": "svix-timestamp",
                      "id_header": "svix-id", "message": "{id}.{timestamp}.{body}",
                      "encoding": "base64", "prefix": "v1,", "separator": " ",
                      "secret_encoding": "whsec"},
             "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_dGhlIG90aGVyIHNlY3JldA=="),
]

SIGMA_BUSINESS = Provider(
    "sigma", {"signature_header": "X-Signature", "message": "{business_id}", "fallback_message": "{body}"},
    "apikey123secretkey456", "apikey123other", params={"business_id": "biz_8412"},
)


def sigma_business_cases() -> list[dict]:
    p = SIGMA_BUSINESS
    headers = p.signed(b"ignored")
    cases = [
        p.base("business_id param: valid", body=BODY, headers=headers, now=NOW, expect=p.ok()),
        p.base("business_id param: any body verifies (only the id is signed)", body="anything",
               headers=headers, now=NOW, expect=p.ok()),
        p.base("business_id param: another business id", params={"business_id": "biz_8413"},
               body=BODY, headers=headers, now=NOW, expect={"error": "signature_mismatch"}),
        p.base("business_id param: a body signature does not verify", body=BODY,
               headers=PROVIDERS[7].signed(BODY.encode()), now=NOW,
               expect={"error": "signature_mismatch"}),
        p.base("business_id param: sign", op="sign", body=BODY, sign={"timestamp": TS, "id": MSG_ID},
               expect={"headers": headers}),
    ]
    for c in cases:
        c["name"] = c["name"].replace("sigma: ", "sigma (business_id): ")
    return cases


def scheme_cases() -> list[dict]:
    """Custom schemes: every algorithm, encoding, secret encoding, template; config errors."""
    cases = []
    customs = [
        ("sha1 hex", {"signature_header": "X-Hub-Signature", "algorithm": "sha1", "prefix": "sha1="},
         "sha1-secret"),
        ("sha512 hex", {"signature_header": "x-sig", "algorithm": "sha512"}, "sha512-secret"),
        ("sha512 base64url with a timestamp", {"signature_header": "x-sig", "algorithm": "sha512",
                                              "encoding": "base64url", "timestamp_header": "x-ts",
                                              "message": "{timestamp}|{body}"}, "k"),
        ("base64 secret", {"signature_header": "x-sig", "secret_encoding": "base64", "encoding": "base64"},
         "c2VjcmV0IGJ5dGVzIFx4MDA="),
        ("whsec secret without its prefix", {"signature_header": "x-sig", "secret_encoding": "whsec"},
         "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        ("template with literal braces and a param", {"signature_header": "x-sig",
                                                      "message": "{{{tenant}}}:{body}"}, "k"),
        ("fields without a timestamp", {"signature_header": "x-sig",
                                        "fields": {"separator": ",", "signature": "s"}}, "k"),
        ("multi-character separator", {"signature_header": "x-sig", "separator": ", ",
                                       "timestamp_header": "x-ts", "id_header": "x-id",
                                       "message": "{id}{timestamp}{body}", "tolerance": 15}, "k"),
    ]
    raw = BODY.encode()
    for name, scheme, secret in customs:
        params = {"tenant": "acme"} if "{tenant}" in scheme.get("message", "") else {}
        p = Provider(name, scheme, secret, secret + "x", params=params)
        headers = p.signed(raw)
        case = {"name": f"scheme {name}: valid", "scheme": scheme, "secrets": [secret], "body": BODY,
                "headers": headers, "now": NOW, "expect": p.ok()}
        if params:
            case["params"] = params
        cases.append(case)
        cases.append({**case, "name": f"scheme {name}: tampered", "body": BODY + " ",
                      "expect": {"error": "signature_mismatch"}})
        cases.append({**case, "name": f"scheme {name}: sign", "op": "sign",
                      "sign": {"timestamp": TS, "id": MSG_ID}, "expect": {"headers": headers},
                      "headers": None})
    # The multi-character separator scheme has a 15 s window.
    p = Provider("sep", customs[-1][1], "k", "kx")
    cases.append({"name": "scheme multi-character separator: 16 s old with a 15 s window",
                  "scheme": customs[-1][1], "secrets": ["k"], "body": BODY,
                  "headers": p.signed(raw, ts=NOW - 16), "now": NOW,
                  "expect": {"error": "timestamp_too_old"}})

    def config_error(name, code, **case):
        case.setdefault("secrets", ["k"])
        case.setdefault("body", BODY)
        case.setdefault("headers", [["x-sig", "00"]])
        case.setdefault("now", NOW)
        return {"name": f"config: {name}", **case, "expect": {"error": code}}

    sig = {"signature_header": "x-sig"}
    cases += [
        config_error("unknown preset", "unknown_preset", preset="stripe2"),
        config_error("preset names are exact", "unknown_preset", preset="GitHub"),
        config_error("no secret", "invalid_secret", preset="github", secrets=[]),
        config_error("an empty secret", "invalid_secret", preset="github", secrets=[""]),
        config_error("one empty secret among good ones", "invalid_secret", preset="github",
                     secrets=["good", ""]),
        config_error("whsec secret not base64", "invalid_secret", preset="svix",
                     secrets=["whsec_not*base64!"]),
        config_error("whsec prefix alone", "invalid_secret", preset="standard-webhooks", secrets=["whsec_"]),
        config_error("missing param", "missing_param", scheme={**sig, "message": "{tenant}.{body}"}),
        config_error("unknown field", "invalid_scheme", scheme={**sig, "encodng": "hex"}),
        config_error("unknown algorithm", "invalid_scheme", scheme={**sig, "algorithm": "md5"}),
        config_error("unknown encoding", "invalid_scheme", scheme={**sig, "encoding": "base32"}),
        config_error("no signature header", "invalid_scheme", scheme={"message": "{body}"}),
        config_error("header name with a space", "invalid_scheme", scheme={"signature_header": "x sig"}),
        config_error("empty header name", "invalid_scheme", scheme={"signature_header": ""}),
        config_error("{timestamp} without a timestamp header", "invalid_scheme",
                     scheme={**sig, "message": "{timestamp}.{body}"}),
        config_error("{id} without an id header", "invalid_scheme", scheme={**sig, "message": "{id}.{body}"}),
        config_error("unbalanced brace", "invalid_scheme", scheme={**sig, "message": "{body"}),
        config_error("empty message", "invalid_scheme", scheme={**sig, "message": ""}),
        config_error("empty separator", "invalid_scheme", scheme={**sig, "separator": ""}),
        config_error("separator with fields", "invalid_scheme",
                     scheme={**sig, "separator": ",", "fields": {"separator": ",", "signature": "v1"}}),
        config_error("fields with the same key twice", "invalid_scheme",
                     scheme={**sig, "fields": {"separator": ",", "timestamp": "v", "signature": "v"}}),
        config_error("timestamp header and timestamp field", "invalid_scheme",
                     scheme={**sig, "timestamp_header": "x-ts",
                             "fields": {"separator": ",", "timestamp": "t", "signature": "v1"}}),
        config_error("prefix containing the separator", "invalid_scheme",
                     scheme={**sig, "separator": ",", "prefix": "v1,"}),
        config_error("separator made of letters", "invalid_scheme", scheme={**sig, "separator": "a"}),
        config_error("prefix with a newline", "invalid_scheme", scheme={**sig, "prefix": "v1\n"}),
        config_error("fields key containing the fields separator", "invalid_scheme",
                     scheme={**sig, "fields": {"separator": ";", "signature": "h;1"}}),
        config_error("the same header for the signature and the id", "invalid_scheme",
                     scheme={**sig, "id_header": "X-Sig"}),
        config_error("the same header for the signature and the timestamp", "invalid_scheme",
                     scheme={**sig, "timestamp_header": "x-sig"}),
        config_error("negative tolerance", "invalid_scheme", scheme={**sig, "tolerance": -1}),
        config_error("tolerance as text", "invalid_scheme", scheme={**sig, "tolerance": "300"}),
    ]
    return cases


def write(name: str, description: str, cases: list[dict], check: bool) -> bool:
    for case in cases:
        if case.get("headers") is None:
            case.pop("headers", None)
    doc = {"description": description, "generated_by": "tests/vectors/generate.py", "cases": cases}
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    path = HERE / name
    if check:
        if not path.exists() or path.read_text() != text:
            print(f"{path} is out of date: run python3 tests/vectors/generate.py", file=sys.stderr)
            return False
        return True
    path.write_text(text)
    print(f"wrote {path.relative_to(HERE.parent.parent)}: {len(cases)} cases")
    return True


def main() -> int:
    check = "--check" in sys.argv[1:]
    preset_cases = [c for p in PROVIDERS for c in p.cases()] + sigma_business_cases()
    names = [c["name"] for c in preset_cases + scheme_cases()]
    assert len(names) == len(set(names)), "case names must be unique"
    ok = write("presets.json", "Every preset: valid, tampered, rotation, each error, edges.",
               preset_cases, check)
    ok &= write("schemes.json", "Custom schemes: algorithms, encodings, secret encodings, "
                "templates, and configuration errors.", scheme_cases(), check)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
