"""The vector generators' oracle: every preset's rules, re-implemented without the Rust core.

Each preset is defined here a second time, as the scheme JSON of DESIGN.md, from the
provider's published rules (../../shared/providers.md names the sources); `generate.py
--check` compares these definitions with the core's (`hooksig presets --json`), so the two
cannot drift. The expected signatures come from Python's standard library (hmac, hashlib,
base64) and, for Ed25519 and ECDSA P-256, from the `cryptography` package (with a small
pure-Python RFC 6979 signer as the fallback where `cryptography` cannot sign
deterministically, and as a cross-check where it can).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

HASHES = {
    "sha256": hashlib.sha256,
    "sha1": hashlib.sha1,
    "sha512": hashlib.sha512,
    "hmac-sha256": hashlib.sha256,
    "hmac-sha1": hashlib.sha1,
    "hmac-sha512": hashlib.sha512,
}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def body_bytes(body: object) -> bytes:
    """The bytes a vector byte string stands for (see tests/vectors/README.md)."""
    if isinstance(body, str):
        return body.encode()
    if isinstance(body, bytes):
        return body
    assert isinstance(body, dict)
    if "hex" in body:
        return bytes.fromhex(body["hex"])
    unit = body["repeat"].encode()
    return (unit * (body["length"] // len(unit) + 1))[: body["length"]]


# -- The presets, as the providers publish them -----------------------------------------------


def _hmac(header: str, **more) -> dict:
    return {"signature_header": header, **more}


def _stripe_like(header: str, **more) -> dict:
    return {
        "signature_header": header,
        "message": "{timestamp}.{body}",
        "fields": {"separator": ",", "timestamp": "t", "signature": "v1"},
        **more,
    }


V1A = {"algorithm": "ed25519", "prefix": "v1a,", "encoding": "base64", "key_encoding": "whpk"}


def _standard_webhooks(prefix: str, secret_encoding: str = "whsec", **more) -> dict:
    return {
        "signature_header": f"{prefix}-signature",
        "timestamp_header": f"{prefix}-timestamp",
        "id_header": f"{prefix}-id",
        "message": "{id}.{timestamp}.{body}",
        "encoding": "base64",
        "prefix": "v1,",
        "separator": " ",
        "secret_encoding": secret_encoding,
        "asymmetric": dict(V1A),
        **more,
    }


def _token(header: str) -> dict:
    return {"signature_header": header, "algorithm": "token"}


PRESETS: dict[str, dict] = {
    # The founding providers (../../shared/provider-docs/).
    "aghanim": _hmac(
        "X-Aghanim-Signature",
        timestamp_header="X-Aghanim-Signature-Timestamp",
        message="{timestamp}.{body}",
    ),
    "anycoins": _hmac("X-Any-Coins-Signature"),
    "aqid": _hmac("X-AQID-Signature", encoding="base64"),
    "noyo": _hmac(
        "X-Noyo-Signature",
        timestamp_header="X-Noyo-Timestamp",
        message="{timestamp}.{body}",
        separator=",",
    ),
    "sigma": _hmac("X-Signature", message="{business_id}", fallback_message="{body}"),
    # HMAC of the body in one header.
    "airtable": _hmac("X-Airtable-Content-MAC", prefix="hmac-sha256=", secret_encoding="base64"),
    "asana": _hmac("X-Hook-Signature"),
    "bitbucket": _hmac("X-Hub-Signature", prefix="sha256="),
    "calcom": _hmac("X-Cal-Signature-256"),
    "coinbase-commerce": _hmac("X-CC-Webhook-Signature"),
    "dropbox": _hmac("X-Dropbox-Signature"),
    "gitea": _hmac("X-Gitea-Signature"),
    "github": _hmac("X-Hub-Signature-256", prefix="sha256="),
    "hookdeck": _hmac("x-hookdeck-signature", encoding="base64"),
    "intercom": _hmac("X-Hub-Signature", algorithm="sha1", prefix="sha1="),
    "lemonsqueezy": _hmac("X-Signature"),
    "meta": _hmac("X-Hub-Signature-256", prefix="sha256="),
    "notion": _hmac("X-Notion-Signature", prefix="sha256="),
    "pagerduty": _hmac("X-PagerDuty-Signature", prefix="v1=", separator=","),
    "paystack": _hmac("x-paystack-signature", algorithm="sha512"),
    "quickbooks": _hmac("intuit-signature", encoding="base64"),
    "razorpay": _hmac("X-Razorpay-Signature"),
    "segment": _hmac("X-Signature", algorithm="sha1"),
    "sentry": _hmac("Sentry-Hook-Signature"),
    "shopify": _hmac("X-Shopify-Hmac-Sha256", encoding="base64"),
    "typeform": _hmac("Typeform-Signature", prefix="sha256=", encoding="base64"),
    "vercel": _hmac("x-vercel-signature", algorithm="sha1"),
    "woocommerce": _hmac("X-WC-Webhook-Signature", encoding="base64"),
    "xero": _hmac("x-xero-signature", encoding="base64"),
    # Several signature headers, one per key.
    "docusign": {
        "signature_headers": [f"X-DocuSign-Signature-{n}" for n in range(1, 11)],
        "encoding": "base64",
    },
    # A timestamp header.
    "slack": _hmac(
        "X-Slack-Signature",
        timestamp_header="X-Slack-Request-Timestamp",
        message="v0:{timestamp}:{body}",
        prefix="v0=",
    ),
    "zoom": _hmac(
        "x-zm-signature",
        timestamp_header="x-zm-request-timestamp",
        message="v0:{timestamp}:{body}",
        prefix="v0=",
    ),
    "webflow": _hmac(
        "x-webflow-signature",
        timestamp_header="x-webflow-timestamp",
        message="{timestamp}:{body}",
        timestamp_format="unix_ms",
    ),
    "twitch": _hmac(
        "Twitch-Eventsub-Message-Signature",
        timestamp_header="Twitch-Eventsub-Message-Timestamp",
        id_header="Twitch-Eventsub-Message-Id",
        message="{id}{timestamp}{body}",
        prefix="sha256=",
        timestamp_format="rfc3339",
        tolerance=600,
    ),
    "box": {
        "signature_headers": ["box-signature-primary", "box-signature-secondary"],
        "timestamp_header": "box-delivery-timestamp",
        "timestamp_format": "rfc3339",
        "id_header": "box-delivery-id",
        "message": "{body}{timestamp}",
        "encoding": "base64",
        "body_escape": "ascii",
        "tolerance": 600,
        "required_headers": {"box-signature-algorithm": "HmacSHA256", "box-signature-version": "1"},
    },
    # key=value signature headers.
    "paddle": {
        "signature_header": "Paddle-Signature",
        "message": "{timestamp}:{body}",
        "fields": {"separator": ";", "timestamp": "ts", "signature": "h1"},
    },
    "stripe": _stripe_like(
        "Stripe-Signature", secret_hint={"rejects": ["sk_", "rk_", "pk_"], "expects": "whsec_"}
    ),
    "calendly": _stripe_like("Calendly-Webhook-Signature", tolerance=180),
    "sanity": _stripe_like(
        "sanity-webhook-signature", encoding="base64url", timestamp_format="unix_ms"
    ),
    "workos": _stripe_like("WorkOS-Signature", timestamp_format="unix_ms", tolerance=180),
    # Standard Webhooks and the providers that send it (v1 HMAC items, v1a Ed25519 items).
    "standard-webhooks": _standard_webhooks("webhook"),
    "svix": _standard_webhooks(
        "svix",
        alternate_headers={
            "svix-id": "webhook-id",
            "svix-timestamp": "webhook-timestamp",
            "svix-signature": "webhook-signature",
        },
    ),
    "clerk": _standard_webhooks("svix"),
    "resend": _standard_webhooks("svix"),
    "stytch": _standard_webhooks("svix"),
    "replicate": _standard_webhooks("webhook"),
    "polar": _standard_webhooks("webhook", secret_encoding="utf8"),
    # Public-key signatures.
    "discord": {
        "signature_header": "X-Signature-Ed25519",
        "timestamp_header": "X-Signature-Timestamp",
        "message": "{timestamp}{body}",
        "algorithm": "ed25519",
        "key_encoding": "hex",
    },
    "sendgrid": {
        "signature_header": "X-Twilio-Email-Event-Webhook-Signature",
        "timestamp_header": "X-Twilio-Email-Event-Webhook-Timestamp",
        "message": "{timestamp}{body}",
        "algorithm": "ecdsa-p256-sha256",
        "encoding": "base64",
        "key_encoding": "spki",
        "signature_format": "der",
    },
    # The request URL (and method) signed.
    "square": _hmac("x-square-hmacsha256-signature", message="{url}{body}", encoding="base64"),
    "trello": _hmac("X-Trello-Webhook", message="{body}{url}", encoding="base64", algorithm="sha1"),
    "twilio": _hmac(
        "X-Twilio-Signature",
        message="{url}{form}",
        encoding="base64",
        algorithm="sha1",
        url_port="either",
    ),
    "hubspot": _hmac(
        "X-HubSpot-Signature-v3",
        timestamp_header="X-HubSpot-Request-Timestamp",
        message="{method}{url}{body}{timestamp}",
        encoding="base64",
        timestamp_format="unix_ms",
    ),
    # Values in the JSON body.
    "linear": _hmac(
        "Linear-Signature",
        body_fields={"timestamp": "webhookTimestamp"},
        timestamp_format="unix_ms",
        tolerance=60,
    ),
    "mailgun": {
        "body_fields": {
            "signature": "signature.signature",
            "timestamp": "signature.timestamp",
            "token": "signature.token",
        },
        "message": "{timestamp}{body_field:token}",
    },
    # The header holds the shared token itself.
    "gitlab": _token("X-Gitlab-Token"),
    "okta": _token("Authorization"),
    "telegram": _token("X-Telegram-Bot-Api-Secret-Token"),
}

DEFAULTS = {
    "algorithm": "sha256",
    "encoding": "hex",
    "message": "{body}",
    "secret_encoding": "utf8",
    "tolerance": 300,
}


def normalized(scheme: dict) -> dict:
    """A scheme with the defaults the JSON form leaves out written in, for comparing."""
    out = {**DEFAULTS, **scheme}
    if "asymmetric" in out:
        out["asymmetric"] = {"encoding": "hex", **out["asymmetric"]}
    return out


# Scheme fields that say nothing about how a signature is checked, so the oracle leaves them out.
NOT_SIGNATURE_RULES = {"handshake"}  # how a provider's endpoint check is answered


def compare_with_core(core: dict[str, dict]) -> list[str]:
    """The differences between these definitions and the core's (`hooksig presets --json`)."""
    problems = []
    for name in sorted(set(core) | set(PRESETS)):
        if name not in PRESETS:
            problems.append(f"preset {name}: in the core, not in the oracle")
        elif name not in core:
            problems.append(f"preset {name}: in the oracle, not in the core")
        else:
            mine, theirs = normalized(PRESETS[name]), normalized(core[name])
            for field in sorted((set(mine) | set(theirs)) - NOT_SIGNATURE_RULES):
                if mine.get(field) != theirs.get(field):
                    problems.append(
                        f"preset {name}: `{field}` is {theirs.get(field)!r} in the core, "
                        f"{mine.get(field)!r} in the oracle"
                    )
    return problems


# -- Keys ---------------------------------------------------------------------------------


def seed(label: str) -> bytes:
    return hashlib.sha256(f"hooksig vectors: {label}".encode()).digest()


class KeyForms:
    """The key forms both key pairs share, from their `_private` key."""

    _private: Any  # each key pair's private key (a property)

    def spki(self) -> bytes:
        return self._private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def pem(self) -> str:
        return (
            self._private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def pkcs8_pem(self) -> str:
        return self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()


@dataclass(frozen=True)
class Ed25519Key(KeyForms):
    """An Ed25519 key pair from a 32-byte seed."""

    seed: bytes

    @property
    def _private(self) -> ed25519.Ed25519PrivateKey:
        return ed25519.Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def public(self) -> bytes:
        return self._private.public_key().public_bytes_raw()

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    # Public keys as providers show them, and private keys as hooksig's Signer takes them.
    def hex(self) -> str:
        return self.public.hex()

    def whpk(self) -> str:
        return "whpk_" + b64(self.public)

    def whsk(self) -> str:
        return "whsk_" + b64(self.seed + self.public)


# P-256 (SEC 2), for the RFC 6979 signer below.
P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P256_G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)


def _p256_add(p, q):
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % P256_P == 0:
        return None
    if p == q:
        slope = (3 * p[0] * p[0] - 3) * pow(2 * p[1], -1, P256_P)
    else:
        slope = (q[1] - p[1]) * pow(q[0] - p[0], -1, P256_P)
    x = (slope * slope - p[0] - q[0]) % P256_P
    return x, (slope * (p[0] - x) - p[1]) % P256_P


def _p256_mul(k: int, point):
    out = None
    while k:
        if k & 1:
            out = _p256_add(out, point)
        point = _p256_add(point, point)
        k >>= 1
    return out


def _rfc6979_k(x: int, h1: bytes) -> int:
    """RFC 6979 section 3.2, HMAC-SHA256, for a 256-bit order."""
    xb = x.to_bytes(32, "big")
    hb = (int.from_bytes(h1, "big") % P256_N).to_bytes(32, "big")
    v, k = b"\x01" * 32, b"\x00" * 32
    k = hmac.new(k, v + b"\x00" + xb + hb, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    k = hmac.new(k, v + b"\x01" + xb + hb, hashlib.sha256).digest()
    v = hmac.new(k, v, hashlib.sha256).digest()
    while True:
        v = hmac.new(k, v, hashlib.sha256).digest()
        candidate = int.from_bytes(v, "big")
        if 1 <= candidate < P256_N:
            return candidate
        k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()


def der_signature(r: int, s: int) -> bytes:
    def integer(n: int) -> bytes:
        raw = n.to_bytes(32, "big").lstrip(b"\x00") or b"\x00"
        if raw[0] & 0x80:
            raw = b"\x00" + raw
        return b"\x02" + bytes([len(raw)]) + raw

    inner = integer(r) + integer(s)
    return b"\x30" + bytes([len(inner)]) + inner


def der_decode(signature: bytes) -> tuple[int, int]:
    assert signature[0] == 0x30 and signature[1] == len(signature) - 2
    rl = signature[3]
    r = int.from_bytes(signature[4 : 4 + rl], "big")
    s = int.from_bytes(signature[6 + rl :], "big")
    return r, s


def rfc6979_sign(scalar: int, message: bytes) -> bytes:
    """Deterministic ECDSA P-256/SHA-256 (RFC 6979), DER: what a deterministic signer gives."""
    digest = hashlib.sha256(message).digest()
    k = _rfc6979_k(scalar, digest)
    r = _p256_mul(k, P256_G)[0] % P256_N
    s = pow(k, -1, P256_N) * (int.from_bytes(digest, "big") + r * scalar) % P256_N
    return der_signature(r, s)


def _deterministic_ecdsa() -> ec.ECDSA | None:
    try:
        return ec.ECDSA(hashes.SHA256(), deterministic_signing=True)  # cryptography >= 44
    except TypeError:
        return None


DETERMINISTIC_ECDSA = _deterministic_ecdsa()


@dataclass(frozen=True)
class P256Key(KeyForms):
    """A P-256 key pair from a scalar."""

    scalar: int

    @property
    def _private(self) -> ec.EllipticCurvePrivateKey:
        return ec.derive_private_key(self.scalar, ec.SECP256R1())

    def sign(self, message: bytes) -> bytes:
        mine = rfc6979_sign(self.scalar, message)
        if DETERMINISTIC_ECDSA is not None:
            theirs = self._private.sign(message, DETERMINISTIC_ECDSA)
            assert theirs == mine, "cryptography and the RFC 6979 signer disagree"
        self._private.public_key().verify(mine, message, ec.ECDSA(hashes.SHA256()))
        return mine

    def point(self, compressed: bool = False) -> bytes:
        form = (
            serialization.PublicFormat.CompressedPoint
            if compressed
            else serialization.PublicFormat.UncompressedPoint
        )
        return self._private.public_key().public_bytes(serialization.Encoding.X962, form)

    def spki_b64(self) -> str:
        return b64(self.spki())


def p256_key(label: str) -> P256Key:
    return P256Key(int.from_bytes(seed(label), "big") % (P256_N - 1) + 1)


def ed25519_key(label: str) -> Ed25519Key:
    return Ed25519Key(seed(label))


# -- The signed message ------------------------------------------------------------------


def rfc3339(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    return path + ("?" + parts.query if parts.query else "")


def twilio_form(url: str, body: bytes) -> bytes | None:
    """Twilio's params: the form body decoded, sorted by name then value, each pair once, as
    `name + value`; for a JSON body the URL's bodySHA256 stands for it (None: it does not
    match the body)."""
    query = urllib.parse.urlsplit(url).query
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if name == "bodySHA256":
            return b"" if value.lower() == hashlib.sha256(body).hexdigest() else None
    pairs = set()
    for pair in body.split(b"&"):
        if pair:
            name, _, value = pair.partition(b"=")
            pairs.add(
                (
                    urllib.parse.unquote_to_bytes(name.replace(b"+", b" ")),
                    urllib.parse.unquote_to_bytes(value.replace(b"+", b" ")),
                )
            )
    return b"".join(name + value for name, value in sorted(pairs))


def twilio_url_forms(url: str) -> list[str]:
    """The URL with its port removed, and with the default port added (Twilio's SDKs)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    userinfo = parts.netloc[: len(parts.netloc) - len(host)]
    if parts.port is not None:
        bare = host[: host.rindex(":")]
        return [urllib.parse.urlunsplit(parts._replace(netloc=userinfo + bare)), url]
    default = "443" if parts.scheme == "https" else "80"
    return [url, urllib.parse.urlunsplit(parts._replace(netloc=f"{userinfo}{host}:{default}"))]


def box_escape(body: bytes) -> bytes:
    """Box's Python SDK escape_unicode: backslashes not before `/` doubled, then LF CR TAB
    as `\\n` `\\r` `\\t` and every other character outside 0x20..0x7e as `\\uXXXX`."""
    text = re.sub(r"\\(?!/)", r"\\\\", body.decode())

    def escape(match: re.Match) -> str:
        c = match.group(0)
        if c in "\n\r\t":
            return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}[c]
        units = c.encode("utf-16-be")
        return "".join(
            f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2)
        )

    return re.sub(r"[^\x20-\x7e]|[\n\r\t]", escape, text).encode()


def body_field(body: bytes, path: str) -> bytes | None:
    node = json.loads(body)
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    if isinstance(node, str):
        return node.encode()
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return json.dumps(node).encode()
    return None


@dataclass
class Request:
    """What a provider signs: the body, the timestamp and id as sent, the URL and method."""

    body: bytes
    timestamp: str = ""
    id: str = ""
    url: str = ""
    method: str = ""
    params: dict | None = None
    escaped: bool = False


def message(scheme: dict, req: Request) -> bytes:
    template = scheme.get("message", "{body}")
    params = req.params or {}
    pieces = re.split(r"(\{\{|\}\}|\{[^{}]+\})", template)
    names = [p[1:-1] for p in pieces if p.startswith("{") and p != "{{"]
    builtin = {"body", "timestamp", "id", "url", "method", "path", "form"}
    if any(n not in builtin and ":" not in n and n not in params for n in names):
        return message({**scheme, "message": scheme["fallback_message"]}, req)
    out = b""
    for piece in pieces:
        if piece in ("{{", "}}"):
            out += piece[0].encode()
        elif piece.startswith("{"):
            name = piece[1:-1]
            if name == "body":
                out += box_escape(req.body) if req.escaped else req.body
            elif name == "timestamp":
                out += req.timestamp.encode()
            elif name == "id":
                out += req.id.encode()
            elif name == "url":
                out += req.url.encode()
            elif name == "method":
                out += req.method.encode()
            elif name == "path":
                out += path_of(req.url).encode()
            elif name == "form":
                form = twilio_form(req.url, req.body)
                assert form is not None, "a bodySHA256 that does not match the body"
                out += form
            elif name.startswith("body_field:"):
                out += body_field(req.body, scheme["body_fields"][name.split(":", 1)[1]]) or b""
            else:
                out += params[name].encode()
        else:
            out += piece.encode()
    return out


def secret_key(scheme: dict, secret: str | bytes) -> bytes:
    raw = secret.encode() if isinstance(secret, str) else secret
    encoding = scheme.get("secret_encoding", "utf8")
    if encoding == "utf8":
        return raw
    text = raw.strip()
    if encoding == "whsec" and text.startswith(b"whsec_"):
        text = text[len(b"whsec_") :]
    text = text.rstrip(b"=")
    # Whatever the last character's unused bits hold (as the Standard Webhooks libraries decode).
    return base64.b64decode(text + b"=" * (-len(text) % 4))


def encode(encoding: str, data: bytes) -> str:
    if encoding == "hex":
        return data.hex()
    if encoding == "base64":
        return b64(data)
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def mac(scheme: dict, secret: str | bytes, req: Request) -> str:
    """The encoded HMAC a provider sends for this request (no prefix)."""
    digest = hmac.new(
        secret_key(scheme, secret), message(scheme, req), HASHES[scheme.get("algorithm", "sha256")]
    ).digest()
    return encode(scheme.get("encoding", "hex"), digest)


def public_signature(kind: dict, key: Ed25519Key | P256Key, scheme: dict, req: Request) -> str:
    """The encoded public-key signature (no prefix); `kind` is the scheme or its `asymmetric`."""
    signature = key.sign(message(scheme, req))
    if kind.get("signature_format") == "raw":
        r, s = der_decode(signature)
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return encode(kind.get("encoding", "hex"), signature)
