"""Every conformance vector (tests/vectors/**/*.json) through the Python API.

Each verify case runs with the headers as a dict, as Starlette ``Headers`` and as raw pairs.
``http.json`` is the helper contract, not a verify vector: test_http_contract.py runs it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Union

import pytest
from starlette.datastructures import Headers as StarletteHeaders

import hooksig

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"

Text = Union[str, bytes]


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(VECTORS.rglob("*.json")):
        if path == VECTORS / "http.json":
            continue
        data = json.loads(path.read_text())
        for case in data["cases"]:
            case["_file"] = str(path.relative_to(VECTORS))
            cases.append(case)
    return cases


CASES = load_cases()
RAW_CASES = [c for c in CASES if c.get("raw_args")]
VERIFY_CASES = [c for c in CASES if c.get("op", "verify") == "verify" and not c.get("raw_args")]
SIGN_CASES = [c for c in CASES if c.get("op") == "sign" and not c.get("raw_args")]
HANDSHAKE_CASES = [c for c in CASES if c.get("op") == "handshake"]
RAN: dict[str, int] = {"verify": 0, "sign": 0, "handshake": 0, "raw": 0}


def check_message(case: dict[str, Any], error: BaseException) -> None:
    """``expect.message_contains``: the error's message names the likely cause."""
    wanted = case["expect"].get("message_contains")
    if wanted is not None:
        assert wanted in str(error), f"{str(error)!r} does not contain {wanted!r}"


def text(value: Any) -> Text:
    """A vector string: text as it is, {"hex": ..} as raw bytes, {"repeat": unit, "length": n}
    as ``unit`` repeated and cut to exactly n bytes."""
    if isinstance(value, dict) and "hex" in value:
        return bytes.fromhex(value["hex"])
    if isinstance(value, dict) and "repeat" in value:
        unit = str(value["repeat"]).encode()
        length = int(value["length"])
        return (unit * (length // max(len(unit), 1) + 1))[:length]
    assert isinstance(value, str), f"unknown vector value form: {value!r}"
    return str(value)


def as_bytes(value: Text) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def body_of(case: dict[str, Any]) -> bytes:
    return as_bytes(text(case.get("body", "")))


def secrets_of(case: dict[str, Any]) -> list[Text]:
    return [text(s) for s in case.get("secrets", [])]


def build_verifier(case: dict[str, Any]) -> hooksig.Verifier:
    kwargs: dict[str, Any] = {}
    if "public_keys" in case:
        kwargs["public_keys"] = case["public_keys"]
    if "tolerance" in case:
        kwargs["tolerance"] = case["tolerance"]  # None included: it turns the window off
    scheme: Any = case.get("preset", case.get("scheme"))
    return hooksig.Verifier(
        scheme,
        secrets=secrets_of(case),
        params=case.get("params"),
        **kwargs,
    )


def build_signer(case: dict[str, Any]) -> hooksig.Signer:
    scheme: Any = case.get("preset", case.get("scheme"))
    return hooksig.Signer(
        scheme,
        secrets=secrets_of(case),
        private_key=case.get("private_key"),
        params=case.get("params"),
    )


def context_of(case: dict[str, Any]) -> dict[str, Any]:
    """The request context of a case: ``url`` and ``method`` when it gives them."""
    return {key: case[key] for key in ("url", "method") if key in case}


def pairs_of(case: dict[str, Any]) -> list[tuple[Text, Text]]:
    return [(text(name), text(value)) for name, value in case.get("headers", [])]


def as_dict(pairs: list[tuple[Text, Text]]) -> dict[Any, Any]:
    """A plain dict; a repeated name holds a list of its values (the header repeats)."""
    out: dict[Any, Any] = {}
    for name, value in pairs:
        if name in out:
            previous = out[name]
            out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[name] = value
    return out


def as_starlette(pairs: list[tuple[Text, Text]]) -> StarletteHeaders:
    return StarletteHeaders(raw=[(as_bytes(n), as_bytes(v)) for n, v in pairs])


FORMS: dict[str, Callable[[list[tuple[Text, Text]]], Any]] = {
    "dict": as_dict,
    "starlette": as_starlette,
    "pairs": lambda pairs: pairs,
}


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("case", VERIFY_CASES, ids=[c["name"] for c in VERIFY_CASES])
def test_verify_vector(case: dict[str, Any], form: str) -> None:
    expect = case["expect"]
    try:
        verifier = build_verifier(case)
    except hooksig.ConfigurationError as error:
        assert expect.get("error") == error.code, f"{case['_file']}: {error}"
        check_message(case, error)
        RAN["verify"] += 1
        return
    code = expect.get("error")
    kind = dict(hooksig.CODES).get(code) if code else None
    # missing_param is also verify's answer to a URL-signed scheme called without its URL.
    assert kind != "configuration" or code == "missing_param", (
        f"expected a configuration error, built {verifier!r}"
    )

    headers = FORMS[form](pairs_of(case))
    body = body_of(case)
    now = case.get("now")
    context = context_of(case)
    if kind == "configuration":
        with pytest.raises(hooksig.ConfigurationError) as raised_config:
            verifier.verify(body, headers, now=now, **context)
        assert raised_config.value.code == code, str(raised_config.value)
        check_message(case, raised_config.value)
        with pytest.raises(hooksig.ConfigurationError):
            verifier.is_valid(body, headers, now=now, **context)
    elif code is not None:
        with pytest.raises(hooksig.VerificationError) as raised:
            verifier.verify(body, headers, now=now, **context)
        assert raised.value.code == code, str(raised.value)
        check_message(case, raised.value)
        assert verifier.is_valid(body, headers, now=now, **context) is False
    else:
        verified = verifier.verify(body, headers, now=now, **context)
        assert verified.secret_index == expect["secret_index"]
        assert verified.timestamp == expect["timestamp"]
        assert verified.id == expect["id"]
        if expect["id"] is not None:
            assert verified.id_bytes == expect["id"].encode()
        assert verifier.is_valid(body, headers, now=now, **context) is True
    RAN["verify"] += 1


@pytest.mark.parametrize("case", SIGN_CASES, ids=[c["name"] for c in SIGN_CASES])
def test_sign_vector(case: dict[str, Any]) -> None:
    expect = case["expect"]
    try:
        signer = build_signer(case)
    except hooksig.ConfigurationError as error:
        assert expect.get("error") == error.code
        check_message(case, error)
        RAN["sign"] += 1
        return
    options = case.get("sign", {})

    def sign() -> dict[str, str]:
        result: dict[str, str] = signer.sign(
            body_of(case),
            timestamp=options.get("timestamp"),
            id=options.get("id"),
            **context_of(case),
        )
        return result

    if "error" in expect:
        with pytest.raises(hooksig.HooksigError) as raised:
            sign()
        assert raised.value.code == expect["error"]
        check_message(case, raised.value)
    else:
        assert [list(item) for item in sign().items()] == expect["headers"]
    RAN["sign"] += 1


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("case", HANDSHAKE_CASES, ids=[c["name"] for c in HANDSHAKE_CASES])
def test_handshake_vector(case: dict[str, Any], form: str) -> None:
    expect = case["expect"]
    verifier = build_verifier(case)
    headers = FORMS[form](pairs_of(case))
    call = dict(now=case.get("now"), **context_of(case))
    if "error" in expect:
        with pytest.raises(hooksig.HooksigError) as raised:
            verifier.handshake(body_of(case), headers, **call)
        assert raised.value.code == expect["error"], str(raised.value)
        check_message(case, raised.value)
    else:
        reply = verifier.handshake(body_of(case), headers, **call)
        want = expect["reply"]
        if want is None:
            assert reply is None
        else:
            assert reply is not None
            got = {
                "status": reply.status,
                "content_type": reply.content_type,
                "headers": [list(h) for h in reply.headers],
                "body": reply.body.decode(),
            }
            if reply.secret is not None:
                got["secret"] = reply.secret
                assert reply.secret not in repr(reply)
            assert got == want
    assert verifier.has_handshake is (case.get("preset") in HANDSHAKE_PRESETS)
    RAN["handshake"] += 1


HANDSHAKE_PRESETS = {"slack", "zoom", "twitch", "discord", "meta", "dropbox", "asana", "okta"}


@pytest.mark.parametrize("case", RAW_CASES, ids=[c["name"] for c in RAW_CASES])
def test_raw_args_vector(case: dict[str, Any]) -> None:
    """Wrong argument types and values, passed as the JSON values themselves."""
    assert case["expect"] == {"argument_error": True}, "raw_args cases expect an argument error"

    def call() -> None:
        scheme: Any = case.get("preset", case.get("scheme"))
        if case.get("op") == "sign":
            signer = hooksig.Signer(
                scheme,
                secrets=case.get("secrets"),
                private_key=case.get("private_key"),
                params=case.get("params"),
            )
            options = case.get("sign", {})
            signer.sign(
                case.get("body", ""), timestamp=options.get("timestamp"), **context_of(case)
            )
            return
        kwargs: dict[str, Any] = {}
        if "tolerance" in case:
            kwargs["tolerance"] = case["tolerance"]
        verifier = hooksig.Verifier(
            scheme,
            secrets=case.get("secrets"),
            public_keys=case.get("public_keys"),
            params=case.get("params"),
            **kwargs,
        )
        body: Any = case.get("body")
        headers: Any = case.get("headers")
        verifier.verify(body, headers, now=case.get("now"), **context_of(case))

    with pytest.raises((TypeError, ValueError)) as raised:
        call()
    error = raised.value
    # Our own boundary's message, never a verification verdict.
    assert not isinstance(error, hooksig.VerificationError), repr(error)
    assert str(error), "the error has a message"
    RAN["raw"] += 1


def test_zz_every_vector_ran() -> None:
    """Runs last in this file: at least 200 vectors ran, each verify case in all three forms."""
    assert len(CASES) >= 200, f"only {len(CASES)} vectors found under {VECTORS}"
    assert RAN["verify"] == 3 * len(VERIFY_CASES), RAN
    assert RAN["sign"] == len(SIGN_CASES), RAN
    assert RAN["handshake"] == 3 * len(HANDSHAKE_CASES), RAN
    assert RAN["raw"] == len(RAW_CASES), RAN
    assert sum(RAN.values()) >= 200, RAN
