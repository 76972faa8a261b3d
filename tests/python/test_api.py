"""The Python API: errors and codes, argument types, body and header forms, threads."""

from __future__ import annotations

import email.message
import os
import pickle
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.datastructures import Headers as StarletteHeaders
from starlette.datastructures import MutableHeaders
from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers as WerkzeugHeaders
from werkzeug.test import EnvironBuilder

import hooksig

SECRET = "noyo-secret-for-tests-0123456789"
# RFC 8032 test 1: Discord's example key pair.
DISCORD_PUBLIC_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
DISCORD_PRIVATE_KEY = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
NOW = 1_700_000_000
BODY = b'{"event_type":"payment.succeeded","amount":4200}'


def noyo() -> hooksig.Verifier:
    return hooksig.Verifier("noyo", secret=SECRET)


def signed(body: bytes | str = BODY, timestamp: int = NOW, secret: str = SECRET) -> dict[str, str]:
    return hooksig.Signer("noyo", secret=secret).sign(body, timestamp=timestamp)


# --- errors -------------------------------------------------------------------------------


def test_exception_hierarchy() -> None:
    assert issubclass(hooksig.VerificationError, hooksig.HooksigError)
    for cls in (
        hooksig.MissingHeaderError,
        hooksig.InvalidHeaderError,
        hooksig.TimestampError,
        hooksig.SignatureMismatchError,
    ):
        assert issubclass(cls, hooksig.VerificationError)
        assert not issubclass(cls, ValueError)
    assert issubclass(hooksig.ConfigurationError, hooksig.HooksigError)
    assert issubclass(hooksig.ConfigurationError, ValueError)
    assert not issubclass(hooksig.ConfigurationError, hooksig.VerificationError)
    for name in hooksig.__all__:
        obj = getattr(hooksig, name)
        if isinstance(obj, type):
            assert obj.__module__ == "hooksig", name


def verification_cases() -> Iterator[tuple[str, type[hooksig.VerificationError], Any]]:
    good = signed()
    yield "missing_header", hooksig.MissingHeaderError, {"X-Noyo-Timestamp": str(NOW)}
    yield "missing_header", hooksig.MissingHeaderError, {**good, "X-Noyo-Signature": "  "}
    yield "invalid_header", hooksig.InvalidHeaderError, {**good, "X-Noyo-Timestamp": "12a"}
    yield (
        "invalid_header",
        hooksig.InvalidHeaderError,
        [*good.items(), ("x-noyo-signature", good["X-Noyo-Signature"])],
    )
    yield "invalid_header", hooksig.InvalidHeaderError, {**good, "X-Noyo-Signature": "a" * 9000}
    yield "timestamp_too_old", hooksig.TimestampError, signed(timestamp=NOW - 301)
    yield "timestamp_in_future", hooksig.TimestampError, signed(timestamp=NOW + 301)
    yield "signature_mismatch", hooksig.SignatureMismatchError, signed(secret="other")
    yield "signature_mismatch", hooksig.SignatureMismatchError, {**good, "X-Noyo-Signature": "zz"}


@pytest.mark.parametrize(("code", "cls", "headers"), list(verification_cases()))
def test_verification_errors_have_their_class_and_code(
    code: str, cls: type[hooksig.VerificationError], headers: Any
) -> None:
    verifier = noyo()
    with pytest.raises(cls) as raised:
        verifier.verify(BODY, headers, now=NOW)
    error = raised.value
    assert type(error) is cls
    assert error.code == code
    assert str(error)
    assert SECRET not in str(error)
    assert verifier.is_valid(BODY, headers, now=NOW) is False
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls
    assert (again.code, str(again)) == (code, str(error))


@pytest.mark.parametrize(
    ("code", "build"),
    [
        ("unknown_preset", lambda: hooksig.Verifier("no-such-provider", secret="s")),
        ("invalid_scheme", lambda: hooksig.Verifier({"signature_header": "x sig"}, secret="s")),
        (
            "invalid_scheme",
            lambda: hooksig.Verifier({"signature_header": "x", "nope": 1}, secret="s"),
        ),
        ("invalid_scheme", lambda: hooksig.Verifier('{"signature_header": ', secret="s")),
        ("invalid_secret", lambda: hooksig.Verifier("noyo")),
        ("invalid_secret", lambda: hooksig.Verifier("noyo", secret="")),
        ("invalid_secret", lambda: hooksig.Verifier("noyo", secrets=[])),
        ("invalid_secret", lambda: hooksig.Verifier("svix", secret="whsec_!!not base64!!")),
        (
            "missing_param",
            lambda: hooksig.Verifier(
                {"signature_header": "x-sig", "message": "{shop}.{body}"}, secret="s"
            ),
        ),
        ("unknown_preset", lambda: hooksig.Signer("nope", secret="s")),
        ("invalid_secret", lambda: hooksig.Signer("stripe")),
        ("invalid_key", lambda: hooksig.Verifier("discord")),
        ("invalid_key", lambda: hooksig.Verifier("discord", public_key="not hex")),
        ("invalid_key", lambda: hooksig.Verifier("sendgrid", public_key=DISCORD_PUBLIC_KEY)),
        ("invalid_key", lambda: hooksig.Verifier("discord", public_key=b"\x00" * 32 + b"x")),
        ("invalid_key", lambda: hooksig.Signer("discord", private_key="whsk_!!")),
        ("invalid_key", lambda: hooksig.Signer("discord")),
        ("invalid_secret", lambda: hooksig.Verifier("discord", secret=DISCORD_PUBLIC_KEY)),
    ],
)
def test_configuration_errors(code: str, build: Any) -> None:
    with pytest.raises(hooksig.ConfigurationError) as raised:
        build()
    assert raised.value.code == code
    assert isinstance(raised.value, ValueError)
    again = pickle.loads(pickle.dumps(raised.value))
    assert type(again) is hooksig.ConfigurationError and again.code == code


# --- argument types -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda v: v.verify(42, signed()), "body must be"),
        (lambda v: v.verify(None, signed()), "body must be"),
        (lambda v: v.verify([1, 2], signed()), "body must be"),
        (lambda v: v.verify({"a": 1}, signed()), "body must be"),
        (lambda v: v.verify(BODY, 42), "headers must be"),
        (lambda v: v.verify(BODY, None), "headers must be"),
        (lambda v: v.verify(BODY, "X-Noyo-Signature: 00"), "headers must be"),
        (lambda v: v.verify(BODY, b"X-Noyo-Signature: 00"), "headers must be"),
        (lambda v: v.verify(BODY, [("X-Noyo-Signature",)]), "(name, value) pair"),
        (lambda v: v.verify(BODY, [("a", "b", "c")]), "(name, value) pair"),
        (lambda v: v.verify(BODY, ["ab"]), "(name, value) pair"),
        (lambda v: v.verify(BODY, {"X-Noyo-Timestamp": NOW}), "header value must be str or bytes"),
        (lambda v: v.verify(BODY, {"X-Noyo-Timestamp": None}), "header value must be"),
        (lambda v: v.verify(BODY, {1: "x"}), "header name must be str or bytes"),
        (lambda v: v.verify(BODY, signed(), now="1700000000"), "now must be an int"),
        (lambda v: v.verify(BODY, signed(), now=1.5), "now must be an int"),
        (lambda v: v.verify(BODY, signed(), now=True), "now must be an int"),
        (lambda v: v.is_valid(42, signed()), "body must be"),
        (lambda v: v.verify(BODY, signed(), when=NOW), "unexpected keyword"),
    ],
)
def test_wrong_argument_types_raise_type_error(call: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call(noyo())


# The constructors as untyped callables: these calls are wrong on purpose.
AnyVerifier: Any = hooksig.Verifier
AnySigner: Any = hooksig.Signer


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: AnyVerifier(42, secret="s"), "scheme must be"),
        (lambda: AnyVerifier(None, secret="s"), "scheme must be"),
        (lambda: AnyVerifier("noyo", secret=42), "secret must be str or bytes"),
        (lambda: AnyVerifier("noyo", secret=None, secrets=[None]), "each secret must be"),
        (lambda: AnyVerifier("noyo", secrets="abc"), "secrets must be a list"),
        (lambda: AnyVerifier("noyo", secret="a", secrets=["b"]), "not both"),
        (lambda: AnyVerifier("discord", public_key="a", public_keys=["b"]), "not both"),
        (lambda: AnyVerifier("discord", public_keys="abc"), "public_keys must be a list"),
        (lambda: AnyVerifier("discord", public_key=42), "public_key must be str or bytes"),
        (lambda: AnyVerifier("discord", public_keys=[None]), "each public key must be"),
        (lambda: AnySigner("discord", private_key=42), "private_key must be str or bytes"),
        (lambda: AnyVerifier("discord", private_key="x"), "unexpected keyword"),
        (lambda: AnySigner("discord", public_key="x"), "unexpected keyword"),
        (lambda: AnyVerifier("sigma", secret="s", params=["a"]), "params must be a mapping"),
        (lambda: AnyVerifier("sigma", secret="s", params={"business_id": 1}), "must be str"),
        (lambda: AnyVerifier("noyo", secret="s", tolerance="300"), "tolerance must be"),
        (lambda: AnyVerifier("noyo", secret="s", tolerance=True), "tolerance must be"),
        (lambda: AnyVerifier("noyo", secret="s", tolerence=300), "unexpected keyword"),
        (lambda: AnyVerifier({"signature_header": {1, 2}}, secret="s"), "JSON values"),
        (lambda: AnySigner("noyo", secret="s").sign(BODY, timestamp="1"), "timestamp must"),
        (lambda: AnySigner("svix", secret="whsec_aGVsbG8=").sign(BODY, id=5), "id must"),
        (lambda: AnySigner("noyo", secret="s").sign(None), "body must be"),
    ],
)
def test_wrong_constructor_arguments_raise_type_error(build: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        build()


def test_impossible_values_raise_value_error() -> None:
    with pytest.raises(ValueError, match="tolerance must be a whole number") as raised:
        hooksig.Verifier("noyo", secret="s", tolerance=-1)
    assert not isinstance(raised.value, hooksig.HooksigError)
    with pytest.raises(ValueError, match="now must be a whole number"):
        noyo().verify(BODY, signed(), now=-1)
    with pytest.raises(ValueError, match="timestamp must be a whole number"):
        hooksig.Signer("noyo", secret="s").sign(BODY, timestamp=-5)
    with pytest.raises(ValueError, match="lone surrogate"):
        noyo().verify("\ud800", signed())
    with pytest.raises(ValueError, match="lone surrogate"):
        noyo().verify(BODY, {"X-Noyo-Signature": "\udc80"})


def test_absurd_numbers_are_typed_errors() -> None:
    verifier = noyo()
    # Numbers beyond 64 bits are the caller's mistake.
    with pytest.raises(ValueError, match="now must be a whole number") as raised:
        verifier.verify(BODY, signed(), now=10**30)
    assert not isinstance(raised.value, hooksig.HooksigError)
    with pytest.raises(ValueError, match="timestamp must be a whole number"):
        hooksig.Signer("noyo", secret="s").sign(BODY, timestamp=10**40)
    with pytest.raises(ValueError, match="tolerance must be a whole number"):
        hooksig.Verifier("noyo", secret="s", tolerance=2**64)
    assert hooksig.Verifier("noyo", secret="s", tolerance=2**64 - 1).tolerance == 2**64 - 1
    huge = {**signed(), "X-Noyo-Timestamp": "9" * 30}
    with pytest.raises(hooksig.InvalidHeaderError):
        verifier.verify(BODY, huge, now=NOW)
    with pytest.raises(hooksig.InvalidHeaderError):
        hooksig.Signer("noyo", secret="s").sign(BODY, timestamp=10**18)
    with pytest.raises(hooksig.InvalidHeaderError):
        hooksig.Signer("svix", secret="whsec_aGVsbG8=").sign(BODY, id="a\nb")


# --- secrets never shown ------------------------------------------------------------------


def test_repr_shows_the_scheme_never_the_secret() -> None:
    secret = "super-secret-value-do-not-print"
    verifier = hooksig.Verifier("noyo", secrets=[secret, secret + "-old"], tolerance=60)
    assert repr(verifier) == 'Verifier("noyo", keys=2, tolerance=60)'
    custom = hooksig.Verifier({"signature_header": "x-acme-signature"}, secret=secret)
    assert "x-acme-signature" in repr(custom)
    signer = hooksig.Signer("stripe", secret=secret)
    assert repr(signer) == 'Signer("stripe")'
    for text in (repr(verifier), str(verifier), repr(custom), repr(signer)):
        assert secret not in text
    assert secret not in repr(verifier.scheme) and secret not in repr(custom.scheme)
    with pytest.raises(hooksig.SignatureMismatchError) as raised:
        verifier.verify(BODY, signed(), now=NOW)
    assert secret not in str(raised.value) and secret not in repr(raised.value)
    # Neither the expected signature.
    expected = hooksig.Signer("noyo", secret=secret).sign(BODY, timestamp=NOW)
    assert expected["X-Noyo-Signature"] not in str(raised.value)


# --- successful verification --------------------------------------------------------------


def test_verified_reports_timestamp_id_and_secret_index() -> None:
    verified = noyo().verify(BODY, signed(), now=NOW)
    assert verified == noyo().verify(BODY, signed(), now=NOW)
    assert (verified.timestamp, verified.id, verified.secret_index) == (NOW, None, 0)
    assert repr(verified) == f"Verified(timestamp={NOW}, id=None, secret_index=0)"

    rotating = hooksig.Verifier("noyo", secrets=["new-secret", SECRET])
    assert rotating.secret_count == 2
    assert rotating.verify(BODY, signed(), now=NOW).secret_index == 1

    svix_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    headers = hooksig.Signer("svix", secret=svix_secret).sign(BODY, timestamp=NOW, id="msg_1")
    assert headers["svix-id"] == "msg_1"
    assert hooksig.Verifier("svix", secret=svix_secret).verify(BODY, headers, now=NOW).id == "msg_1"
    random_id = hooksig.Signer("svix", secret=svix_secret).sign(BODY)["svix-id"]
    assert random_id.startswith("msg_") and len(random_id) > 10


def test_an_id_that_is_not_utf8_comes_back_as_bytes() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    verifier = hooksig.Verifier("standard-webhooks", secret=secret, tolerance=None)
    signed_id = hooksig.Signer("standard-webhooks", secret=secret).sign(
        BODY, timestamp=NOW, id="msg_café"
    )
    utf8 = verifier.verify(BODY, signed_id)
    assert (utf8.id, utf8.id_bytes) == ("msg_café", "msg_café".encode())
    # The same id sent as latin-1 bytes: signed over those bytes, so sign by hand.
    import base64
    import hashlib
    import hmac

    raw_id = "msg_café".encode("latin-1")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.digest(key, raw_id + b"." + str(NOW).encode() + b"." + BODY, hashlib.sha256)
    headers = {
        b"webhook-id": raw_id,
        b"webhook-timestamp": str(NOW).encode(),
        b"webhook-signature": b"v1," + base64.b64encode(mac),
    }
    latin1 = verifier.verify(BODY, headers)
    assert latin1.id is None
    assert latin1.id_bytes == raw_id
    assert "id=" in repr(latin1)
    assert utf8 != latin1
    assert noyo().verify(BODY, signed(), now=NOW).id_bytes is None


def test_public_key_schemes_verify_and_sign() -> None:
    body = b'{"type":1}'
    signer = hooksig.Signer("discord", private_key=DISCORD_PRIVATE_KEY)
    headers = signer.sign(body, timestamp=NOW)
    verifier = hooksig.Verifier("discord", public_key=DISCORD_PUBLIC_KEY)
    assert verifier.verify(body, headers, now=NOW).secret_index == 0
    assert verifier.secret_count == 1
    assert not verifier.is_valid(body + b" ", headers, now=NOW)
    assert hooksig.Verifier("discord", public_key=DISCORD_PUBLIC_KEY.encode()).is_valid(
        body, headers, now=NOW
    )
    other = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
    rotating = hooksig.Verifier("discord", public_keys=[other, DISCORD_PUBLIC_KEY])
    assert rotating.verify(body, headers, now=NOW).secret_index == 1
    assert DISCORD_PRIVATE_KEY not in repr(signer)
    with pytest.raises(hooksig.ConfigurationError) as raised:
        hooksig.Signer("discord", private_key="00" * 31)
    assert raised.value.code == "invalid_key"
    assert "00" * 31 not in str(raised.value)


def test_url_signed_schemes_need_the_url() -> None:
    url = "https://hooks.example.com/webhooks/square?x=1"
    body = b'{"data":{}}'
    verifier = hooksig.Verifier("square", secret="signature-key")
    assert verifier.needs_url and not verifier.needs_method
    assert not noyo().needs_url and not noyo().needs_method
    headers = hooksig.Signer("square", secret="signature-key").sign(body, url=url)
    assert verifier.verify(body, headers, url=url).timestamp is None
    assert verifier.is_valid(body, headers, url=url.encode())
    assert not verifier.is_valid(body, headers, url=url + "&y=2")
    for call in (verifier.verify, verifier.is_valid):
        with pytest.raises(hooksig.ConfigurationError, match="url") as raised:
            call(body, headers)
        assert raised.value.code == "missing_param"
    with pytest.raises(hooksig.ConfigurationError) as raised:
        hooksig.Signer("square", secret="signature-key").sign(body)
    assert raised.value.code == "missing_param"

    hubspot = hooksig.Verifier("hubspot", secret="client-secret")
    assert hubspot.needs_url and hubspot.needs_method
    now_ms = hooksig.Signer("hubspot", secret="client-secret").sign(
        body, timestamp=NOW, url=url, method="POST"
    )
    assert hubspot.is_valid(body, now_ms, now=NOW, url=url, method="POST")
    assert not hubspot.is_valid(body, now_ms, now=NOW, url=url, method="PUT")
    with pytest.raises(hooksig.ConfigurationError, match="method") as raised:
        hubspot.verify(body, now_ms, now=NOW, url=url)
    assert raised.value.code == "missing_param"


def test_error_classes_come_from_the_core_table() -> None:
    codes = dict(hooksig.CODES)
    assert codes["signature_mismatch"] == "verification"
    assert codes["invalid_key"] == "configuration"
    assert set(codes.values()) == {"verification", "configuration"}
    from hooksig._errors import CLASSES, error_class

    assert set(CLASSES) == set(codes)
    for code, kind in hooksig.CODES:
        base = hooksig.VerificationError if kind == "verification" else hooksig.ConfigurationError
        assert issubclass(CLASSES[code], base), code
    # The one rule for a code this package has no class of its own for: its kind decides.
    assert error_class("a_new_request_code", "verification") is hooksig.VerificationError
    assert error_class("a_new_setup_code", "configuration") is hooksig.ConfigurationError


def test_tolerance_not_given_none_and_seconds() -> None:
    assert noyo().tolerance == 300
    assert hooksig.Verifier("noyo", secret=SECRET, tolerance=None).tolerance is None
    assert hooksig.Verifier("noyo", secret=SECRET, tolerance=5).tolerance == 5
    old = signed(timestamp=1)
    assert hooksig.Verifier("noyo", secret=SECRET, tolerance=None).is_valid(BODY, old, now=NOW)
    assert not noyo().is_valid(BODY, old, now=NOW)
    assert not hooksig.Verifier("noyo", secret=SECRET, tolerance=5).is_valid(
        BODY, signed(timestamp=NOW - 6), now=NOW
    )


def test_now_defaults_to_the_clock() -> None:
    fresh = hooksig.Signer("noyo", secret=SECRET).sign(BODY)
    assert noyo().verify(BODY, fresh).timestamp is not None
    assert not noyo().is_valid(BODY, signed(timestamp=NOW - 10**6))


def test_custom_scheme_as_dict_json_and_round_trip() -> None:
    scheme = {
        "signature_header": "x-acme-signature",
        "timestamp_header": "x-acme-timestamp",
        "message": "{timestamp}.{body}",
        "encoding": "base64",
        "separator": ",",
    }
    verifier = hooksig.Verifier(scheme, secret="acme")
    assert verifier.preset is None
    headers = hooksig.Signer(scheme, secret="acme").sign(BODY, timestamp=NOW)
    assert set(headers) == {"x-acme-signature", "x-acme-timestamp"}
    assert verifier.verify(BODY, headers, now=NOW).timestamp == NOW
    import json

    assert hooksig.Verifier(json.dumps(scheme), secret="acme").is_valid(BODY, headers, now=NOW)
    assert hooksig.Verifier(verifier.scheme, secret="acme").is_valid(BODY, headers, now=NOW)
    assert noyo().preset == "noyo"
    assert noyo().scheme["signature_header"] == "X-Noyo-Signature"


def test_presets_and_params() -> None:
    for name in ["aqid", "aghanim", "anycoins", "sigma", "noyo", "standard-webhooks", "svix"]:
        assert hooksig.PRESETS.get(name)
    for name in ["stripe", "paddle", "github", "shopify", "slack"]:
        assert name in hooksig.PRESETS
    with_id = hooksig.Signer("sigma", secret="api" + "key", params={"business_id": "b-1"})
    headers = with_id.sign(b"any body")
    sigma = hooksig.Verifier("sigma", secret="apikey", params={"business_id": "b-1"})
    assert sigma.is_valid(b"another body: the business id is what is signed", headers)
    assert not hooksig.Verifier("sigma", secret="apikey").is_valid(b"any body", headers)


# --- body forms ---------------------------------------------------------------------------


def test_body_forms_give_the_same_answer() -> None:
    verifier = noyo()
    headers = signed()
    for body in (BODY, bytearray(BODY), memoryview(BODY), BODY.decode()):
        assert verifier.verify(body, headers, now=NOW).timestamp == NOW
    sliced = memoryview(b"xx" + BODY + b"yy")[2:-2]
    assert verifier.is_valid(sliced, headers, now=NOW)
    for tampered in (BODY + b" ", bytearray(BODY[:-1]), memoryview(BODY)[1:], BODY.decode()[1:]):
        assert not verifier.is_valid(tampered, headers, now=NOW)


def test_non_utf8_and_unicode_bodies() -> None:
    verifier = noyo()
    raw = bytes(range(256))
    assert verifier.is_valid(raw, signed(raw), now=NOW)
    text = '{"name":"Zoë ✓ 日本"}'
    assert verifier.is_valid(text, signed(text.encode()), now=NOW)
    assert verifier.is_valid(text.encode(), signed(text), now=NOW)


@pytest.mark.parametrize("size", [0, 1, 64 * 1024 - 1, 64 * 1024, 3 * 1024 * 1024 + 7])
def test_bodies_on_both_sides_of_the_gil_threshold(size: int) -> None:
    assert hooksig._hooksig.GIL_RELEASE_AT == 64 * 1024
    body = bytes(i % 251 for i in range(size))
    headers = signed(body)
    verifier = noyo()
    for form in (body, bytearray(body), memoryview(body)):
        assert verifier.is_valid(form, headers, now=NOW)
    assert not verifier.is_valid(body + b"!", headers, now=NOW)
    assert hooksig.Signer("noyo", secret=SECRET).sign(bytearray(body), timestamp=NOW) == headers


# --- header forms -------------------------------------------------------------------------


def header_forms(headers: dict[str, str]) -> Iterator[tuple[str, Any]]:
    yield "dict", dict(headers)
    yield "dict, lower case", {k.lower(): v for k, v in headers.items()}
    yield "dict, upper case", {k.upper(): v for k, v in headers.items()}
    yield "dict of bytes", {k.encode(): v.encode() for k, v in headers.items()}
    yield "pairs", list(headers.items())
    yield "tuple of pairs", tuple(headers.items())
    yield "list pairs", [[k, v] for k, v in headers.items()]
    yield "generator", ((k, v) for k, v in headers.items())
    yield "asgi raw", [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    yield "starlette", StarletteHeaders(headers=headers)
    mutable = MutableHeaders()
    for k, v in headers.items():
        mutable[k] = v
    yield "starlette mutable", mutable
    yield "werkzeug", WerkzeugHeaders(list(headers.items()))
    builder = EnvironBuilder(headers=list(headers.items()))
    yield "werkzeug environ", EnvironHeaders(builder.get_environ())
    message = email.message.Message()
    for k, v in headers.items():
        message[k] = v
    yield "email message", message
    yield "unrelated headers too", {"Host": "x", "Accept": "*/*", **headers, "X-Other": ""}


@pytest.mark.parametrize(("form", "headers"), list(header_forms(signed())))
def test_header_forms(form: str, headers: Any) -> None:
    assert noyo().verify(BODY, headers, now=NOW).timestamp == NOW, form


def test_repeated_headers_in_any_form_are_invalid() -> None:
    good = signed()
    sig = good["X-Noyo-Signature"]
    forms: list[Any] = [
        {**good, "X-Noyo-Signature": [sig, sig]},
        {**good, "x-noyo-signature": sig},
        [*good.items(), ("X-NOYO-SIGNATURE", sig)],
        WerkzeugHeaders([*good.items(), ("X-Noyo-Signature", sig)]),
        StarletteHeaders(
            raw=[
                (k.lower().encode(), v.encode())
                for k, v in [*good.items(), ("x-noyo-signature", sig)]
            ]
        ),
    ]
    for headers in forms:
        with pytest.raises(hooksig.InvalidHeaderError):
            noyo().verify(BODY, headers, now=NOW)


def test_a_list_value_with_one_item_is_one_header() -> None:
    good = signed()
    headers = {k: [v] for k, v in good.items()}
    assert noyo().is_valid(BODY, headers, now=NOW)


def test_huge_and_many_headers() -> None:
    many = {f"X-Filler-{i}": "v" * 100 for i in range(2000)}
    assert noyo().is_valid(BODY, {**many, **signed()}, now=NOW)
    with pytest.raises(hooksig.InvalidHeaderError):
        noyo().verify(BODY, {**signed(), "X-Noyo-Signature": "ab," * 100_000}, now=NOW)
    with pytest.raises(hooksig.InvalidHeaderError):
        noyo().verify(BODY, {**signed(), "X-Noyo-Signature": ",".join(["00"] * 33)}, now=NOW)


def test_a_mapping_whose_items_fails_propagates_its_error() -> None:
    class Broken:
        def items(self) -> Any:
            raise RuntimeError("broken mapping")

    with pytest.raises(RuntimeError, match="broken mapping"):
        noyo().verify(BODY, Broken())


# --- threads ------------------------------------------------------------------------------


def test_eight_threads_share_a_verifier_and_agree() -> None:
    verifier = noyo()
    requests: list[tuple[bytes | bytearray, dict[str, str]]] = []
    for i in range(24):
        body = (b"%d:" % i) * (1 + (i % 4) * 40_000)  # up to ~0.7 MiB: both GIL paths
        headers = signed(body)
        if i % 3 == 1:
            body = body + b"tampered"
        requests.append((bytearray(body) if i % 3 == 2 else body, headers))

    def answer(body: bytes | bytearray, headers: dict[str, str]) -> str:
        try:
            verifier.verify(body, headers, now=NOW)
            return "ok"
        except hooksig.VerificationError as error:
            return error.code

    expected = [answer(b, h) for b, h in requests]
    assert expected.count("ok") == 16 and expected.count("signature_mismatch") == 8

    results: dict[int, list[str]] = {}
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        barrier.wait()
        out = []
        for _ in range(5):
            for body, headers in requests:
                out.append(answer(body, headers))
        results[n] = out

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    for out in results.values():
        assert out == expected * 5


def test_every_path_with_the_gil_always_released() -> None:
    """HOOKSIG_GIL_RELEASE_AT=0 (read at import) sends even empty bodies through the path
    that releases the GIL: the answers are the same."""
    import subprocess
    import sys

    script = """
import threading, hooksig
assert hooksig._hooksig.GIL_RELEASE_AT == 0
v = hooksig.Verifier("noyo", secret="s")
s = hooksig.Signer("noyo", secret="s")
for body in (b"", b"abc", "text ✓", bytearray(b"xyz"), memoryview(b"mv")):
    h = s.sign(body, timestamp=1700000000)
    assert v.verify(body, h, now=1700000000).timestamp == 1700000000
    assert v.verify(body, {k.encode(): x.encode() for k, x in h.items()}, now=1700000000)
    assert not v.is_valid(b"other", h, now=1700000000)
def work():
    for i in range(300):
        b = bytearray(b"%d" % i)
        assert v.is_valid(b, s.sign(bytes(b), timestamp=1700000000), now=1700000000)
ts = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "HOOKSIG_GIL_RELEASE_AT": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
