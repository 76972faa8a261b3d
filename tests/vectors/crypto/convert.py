#!/usr/bin/env python3
"""Writes the asymmetric-signature conformance vectors of this folder.

    python3 tests/vectors/crypto/convert.py --wycheproof PATH --speccheck PATH
    python3 tests/vectors/crypto/convert.py --wycheproof PATH --speccheck PATH --check

PATH is a checkout (a plain directory is enough) of C2SP/wycheproof and of
novifinancial/ed25519-speccheck at the commits named below; CI has neither, so
the JSON files are committed and this script only reproduces them. RFC 8032's
test vectors are facts copied into this file.

Every expectation is checked here with Python `cryptography` (OpenSSL) before a
file is written: a valid case must verify, an invalid one must not, a sign case
must reproduce the published signature. An independent pure-Python reading of
each Ed25519 point and scalar (canonical or not, small order or not) names the
edge case in the case's name and enforces the strict rule: S >= L never verifies.

Needs Python 3.9+ and `cryptography`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

HERE = Path(__file__).resolve().parent

WYCHEPROOF_REPO = "C2SP/wycheproof"
WYCHEPROOF_COMMIT = "dac1dd4729fd1f8dd9e1e9f3dce51d783da6c166"
SPECCHECK_REPO = "novifinancial/ed25519-speccheck"
SPECCHECK_COMMIT = "65519336fda78a3d016e947df6d82848aca0c9da"

OK = {"ok": True, "secret_index": 0, "timestamp": None, "id": None}
MISMATCH = {"error": "signature_mismatch"}
MISSING = {"error": "missing_header"}
TOO_LONG = {"error": "invalid_header"}
MAX_HEADER_LEN = 8192  # hooksig's limit on a header value, in bytes
INVALID_KEY = {"error": "invalid_key"}

ED25519_SCHEME = {
    "algorithm": "ed25519",
    "signature_header": "x-signature",
    "encoding": "hex",
    "key_encoding": "hex",
}


def ecdsa_scheme(signature_format: str) -> dict:
    return {
        "algorithm": "ecdsa-p256-sha256",
        "signature_header": "x-signature",
        "encoding": "hex",
        "key_encoding": "hex",
        "signature_format": signature_format,
    }


# --- Ed25519 arithmetic, only to describe points and scalars (never to decide) ---

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1, 1, 0)


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    cc = 2 * t1 * t2 * D % P
    dd = 2 * z1 * z2 % P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(k, pt):
    out = IDENTITY
    while k:
        if k & 1:
            out = _add(out, pt)
        pt = _add(pt, pt)
        k >>= 1
    return out


def _is_identity(pt) -> bool:
    x, y, z, _ = pt
    return x % P == 0 and (y - z) % P == 0


def describe_point(enc: bytes) -> str:
    """'(non-)canonical' plus 'small order'/'mixed order'/'order L', or 'not on the curve'."""
    y = int.from_bytes(enc, "little") & (2**255 - 1)
    sign = enc[31] >> 7
    canonical = y < P
    y %= P
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    if v * x * x % P == (P - u) % P:
        x = x * SQRT_M1 % P
    if v * x * x % P != u:
        return "not on the curve"
    if x == 0 and sign:
        canonical = False  # "-0": RFC 8032 5.1.3 step 4 rejects it
    if (x & 1) != sign:
        x = P - x
    pt = (x, y, 1, x * y % P)
    if _is_identity(_mul(8, pt)):
        order = "small order"
    elif _is_identity(_mul(L, pt)):
        order = "order L"
    else:
        order = "mixed order"
    return ("canonical " if canonical else "non-canonical ") + order


def s_is_canonical(sig: bytes) -> bool:
    return len(sig) == 64 and int.from_bytes(sig[32:], "little") < L


# --- the oracle ---


def ed25519_verifies(pk: bytes, sig: bytes, msg: bytes) -> bool:
    key = ed25519.Ed25519PublicKey.from_public_bytes(pk)
    try:
        key.verify(sig, msg)
        return True
    except InvalidSignature:
        return False


def p256_key(point: bytes):
    """The public key, or None when OpenSSL refuses the SEC1 point."""
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return None


def p256_verifies(key, sig: bytes, msg: bytes, signature_format: str) -> bool:
    if signature_format == "raw":
        if len(sig) != 64:
            return False
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        sig = utils.encode_dss_signature(r, s)
    try:
        key.verify(sig, msg, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


# --- cases ---


def verify_case(name, source, scheme, key_hex, msg, sig_hex, expect) -> dict:
    return {
        "name": name,
        "source": source,
        "scheme": scheme,
        "public_keys": [key_hex],
        "body": {"hex": msg.hex()},
        "headers": [["X-Signature", sig_hex]],
        "expect": expect,
    }


def checked_ed25519(name, source, pk, msg, sig_hex, valid: bool) -> dict:
    """A verify case whose expectation `cryptography` confirms (empty header: missing_header)."""
    sig = bytes.fromhex(sig_hex)
    if sig_hex == "":
        expect = MISSING
    else:
        answer = ed25519_verifies(pk, sig, msg)
        assert answer == valid, (name, answer, valid)
        assert not (valid and not s_is_canonical(sig)), (name, "S >= L must never verify")
        expect = OK if valid else MISMATCH
    return verify_case(name, source, ED25519_SCHEME, pk.hex(), msg, sig_hex, expect)


# RFC 8032 section 7.1 (seed, public key, message, signature), hex.
RFC8032 = [
    ("TEST 1",
     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
     "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("TEST 2",
     "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
     "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("TEST 3",
     "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
     "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ("TEST 1024",
     "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
     "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
     "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
     "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
     "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
     "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
     "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
     "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
     "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
     "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
     "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
     "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
     "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
     "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
     "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
     "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
     "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
     "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
     "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
     "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
     "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
     "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
     "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
     "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
     "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
     "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
     "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
     "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
     "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
     "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
     "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
     "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
     "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
     "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"),
    ("TEST SHA(abc)",
     "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
]

RFC8032_SOURCE = "RFC 8032 section 7.1 (Test Vectors for Ed25519), {test}"


def rfc8032_cases() -> list[dict]:
    cases = []
    for test, seed_hex, pk_hex, msg_hex, sig_hex in RFC8032:
        source = RFC8032_SOURCE.format(test=test)
        seed, pk, msg = bytes.fromhex(seed_hex), bytes.fromhex(pk_hex), bytes.fromhex(msg_hex)
        private = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
        derived = private.public_key().public_bytes_raw()
        assert derived == pk, (test, "public key does not follow from the seed")
        assert private.sign(msg).hex() == sig_hex, (test, "signature does not follow from the seed")
        assert test != "TEST 1024" or len(msg) == 1023
        prefix = f"rfc8032 ed25519 {test}"
        cases.append(checked_ed25519(f"{prefix}: valid", source, pk, msg, sig_hex, True))
        # One more byte, or the last byte's low bit flipped.
        tampered = msg + b"\x00" if not msg else msg[:-1] + bytes([msg[-1] ^ 1])
        cases.append(checked_ed25519(
            f"{prefix}: message tampered ({'a byte added' if not msg else 'last bit flipped'})",
            source, pk, tampered, sig_hex, False))
        sig = bytearray(bytes.fromhex(sig_hex))
        sig[0] ^= 1  # R's first byte; S stays canonical
        cases.append(checked_ed25519(
            f"{prefix}: signature tampered (first bit of R flipped)",
            source, pk, msg, sig.hex(), False))
        cases.append({
            "name": f"{prefix}: sign with the seed",
            "source": source,
            "op": "sign",
            "scheme": ED25519_SCHEME,
            "private_key": seed_hex,
            "body": {"hex": msg_hex},
            "expect": {"headers": [["x-signature", sig_hex]]},
        })
    return cases


def ed25519_key_cases() -> list[dict]:
    """Keys that are no Ed25519 key: a configuration error when the verifier is built."""
    _, _, pk_hex, msg_hex, sig_hex = RFC8032[0]
    source = RFC8032_SOURCE.format(test="TEST 1") + ", its public key altered"
    msg = bytes.fromhex(msg_hex)
    cases = []
    for what, key_hex in (("of 31 bytes", pk_hex[:-2]), ("of 33 bytes", pk_hex + "00"),
                          ("not in hex", "zz" + pk_hex[2:])):
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex))
            raise AssertionError(f"OpenSSL takes a key {what}")
        except ValueError:
            pass
        cases.append(verify_case(f"rfc8032 ed25519 TEST 1: public key {what}", source,
                                 ED25519_SCHEME, key_hex, msg, sig_hex, INVALID_KEY))
    return cases


def ecdsa_key_cases(root: Path, commit: str, rel: str) -> list[dict]:
    """The first group's valid case with its key re-encoded (compressed) or broken."""
    doc = load(root / rel)
    group = doc["testGroups"][0]
    test = next(t for t in group["tests"] if t["result"] == "valid")
    point = bytes.fromhex(group["publicKey"]["uncompressed"])
    msg, sig = bytes.fromhex(test["msg"]), bytes.fromhex(test["sig"])
    key = p256_key(point)
    assert key is not None and p256_verifies(key, sig, msg, "der")
    compressed = key.public_bytes(serialization.Encoding.X962,
                                  serialization.PublicFormat.CompressedPoint)
    off_curve = point[:-1] + bytes([point[-1] ^ 1])
    source = f"{WYCHEPROOF_REPO} {rel} @ {commit}, tcId {test['tcId']} with its key re-encoded"
    cases = []
    for what, enc in (("as a compressed SEC1 point", compressed),
                      ("off the curve (last bit of y flipped)", off_curve),
                      ("of 64 bytes, without the 04 prefix", point[1:]),
                      ("as the point at infinity (00)", b"\x00")):
        parsed = p256_key(enc)
        valid = parsed is not None and p256_verifies(parsed, sig, msg, "der")
        expect = OK if valid else INVALID_KEY
        assert (parsed is None) == (expect == INVALID_KEY)
        name = f"ecdsa p256 der, derived from wycheproof tcId {test['tcId']}: public key {what}"
        cases.append(verify_case(name, source, ecdsa_scheme("der"), enc.hex(), msg, test["sig"],
                                 expect))
    return cases


def load(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def wycheproof_ed25519(root: Path, commit: str) -> list[dict]:
    rel = "testvectors_v1/ed25519_test.json"
    doc = load(root / rel)
    assert doc["algorithm"] == "EDDSA"
    source = f"{WYCHEPROOF_REPO} {rel} @ {commit}"
    cases = []
    for group in doc["testGroups"]:
        pk = bytes.fromhex(group["publicKey"]["pk"])
        assert len(pk) == 32 and group["publicKey"]["curve"] == "edwards25519"
        for t in group["tests"]:
            assert t["result"] in ("valid", "invalid"), t
            comment = t["comment"] or ", ".join(t["flags"])
            name = f"wycheproof ed25519 tcId {t['tcId']}: {comment}"
            cases.append(checked_ed25519(
                name, source, pk, bytes.fromhex(t["msg"]), t["sig"], t["result"] == "valid"))
    assert len(cases) == doc["numberOfTests"]
    return cases


# ed25519-speccheck README.md "Condition table": what each of the 12 cases tests.
SPECCHECK_CONDITIONS = [
    "S = 0, small A and R",
    "small A only",
    "small R only",
    "mixed A and R, passes cofactored and cofactorless",
    "mixed A and R, passes cofactored only",
    "R of order L, fails cofactored iff 8h is pre-reduced",
    "S > L",
    "S >> L (no canonical encoding with a null high bit)",
    "non-canonical R, reduced for the hash",
    "non-canonical R, not reduced for the hash",
    "non-canonical A, reduced for the hash",
    "non-canonical A, not reduced for the hash",
]


def speccheck(root: Path, commit: str) -> tuple[list[dict], list[str]]:
    data = load(root / "cases.json")
    assert len(data) == len(SPECCHECK_CONDITIONS)
    source = f"{SPECCHECK_REPO} cases.json @ {commit} (conditions: README.md condition table)"
    cases, notes = [], []
    for i, (vector, condition) in enumerate(zip(data, SPECCHECK_CONDITIONS)):
        pk, msg = bytes.fromhex(vector["pub_key"]), bytes.fromhex(vector["message"])
        sig = bytes.fromhex(vector["signature"])
        a, r = describe_point(pk), describe_point(sig[:32])
        s_ok = s_is_canonical(sig)
        valid = ed25519_verifies(pk, sig, msg)
        # The strict rule decides S; for A and R, OpenSSL's answer is ours.
        assert not (valid and not s_ok)
        detail = f"A {a}, R {r}, S {'< L' if s_ok else '>= L'}"
        answer = "verifies" if valid else "is rejected"
        name = f"speccheck ed25519 case {i}: {condition} ({detail}); OpenSSL {answer}"
        cases.append(checked_ed25519(name, source, pk, msg, vector["signature"], valid))
        notes.append(f"case {i}: {condition}: {detail}: {'ok' if valid else 'signature_mismatch'}")
    return cases, notes


def wycheproof_ecdsa(root: Path, commit: str, rel: str, signature_format: str,
                     label: str) -> list[dict]:
    doc = load(root / rel)
    assert doc["algorithm"] == "ECDSA"
    scheme = ecdsa_scheme(signature_format)
    source = f"{WYCHEPROOF_REPO} {rel} @ {commit}"
    cases = []
    for group in doc["testGroups"]:
        assert group["publicKey"]["curve"] == "secp256r1" and group["sha"] == "SHA-256"
        point_hex = group["publicKey"]["uncompressed"]
        key = p256_key(bytes.fromhex(point_hex))
        for t in group["tests"]:
            comment = t["comment"] or ", ".join(t["flags"])
            name = f"wycheproof {label} tcId {t['tcId']}: {comment}"
            msg = bytes.fromhex(t["msg"])
            if key is None:
                expect = INVALID_KEY  # OpenSSL refuses the point: a configuration error
            elif t["sig"] == "":
                expect = MISSING
            elif len(t["sig"]) > MAX_HEADER_LEN:
                # Rule 1: a header value over 8192 bytes is invalid_header, before any check.
                assert t["result"] != "valid", name
                expect = TOO_LONG
            else:
                answer = p256_verifies(key, bytes.fromhex(t["sig"]), msg, signature_format)
                # "acceptable" (lenient encodings) is a mismatch for us: strict DER only.
                assert answer == (t["result"] == "valid"), (name, answer, t["result"])
                expect = OK if answer else MISMATCH
            cases.append(verify_case(name, source, scheme, point_hex, msg, t["sig"], expect))
    assert len(cases) == doc["numberOfTests"]
    return cases


def check_unique(files: dict[str, list[dict]]) -> None:
    seen: set[str] = set()
    for cases in files.values():
        for case in cases:
            assert case["name"] not in seen, case["name"]
            seen.add(case["name"])


def render(description: str, cases: list[dict]) -> str:
    """Compact JSON, one case a line."""
    lines = ",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases)
    head = json.dumps(description, ensure_ascii=False)
    return (f'{{"description":{head},\n"generated_by":"tests/vectors/crypto/convert.py",\n'
            f'"cases":[\n{lines}\n]}}\n')


def git_head(path: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(path), "rev-parse", "HEAD"],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wycheproof", type=Path, required=True,
                        help="checkout of C2SP/wycheproof")
    parser.add_argument("--speccheck", type=Path, required=True,
                        help="checkout of novifinancial/ed25519-speccheck")
    parser.add_argument("--wycheproof-commit", default=WYCHEPROOF_COMMIT)
    parser.add_argument("--speccheck-commit", default=SPECCHECK_COMMIT)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--check", action="store_true", help="fail if a file would change")
    args = parser.parse_args()
    for path, commit in ((args.wycheproof, args.wycheproof_commit),
                         (args.speccheck, args.speccheck_commit)):
        head = git_head(path)
        if head is not None and head != commit:
            print(f"warning: {path} is at {head}, the sources will name {commit}", file=sys.stderr)

    spec_cases, spec_notes = speccheck(args.speccheck, args.speccheck_commit)
    files = {
        "ed25519_rfc8032.json": (
            "RFC 8032 section 7.1 Ed25519 test vectors: each valid, with its message and its "
            "signature tampered, and signed from the seed.",
            rfc8032_cases() + ed25519_key_cases()),
        "ed25519_wycheproof.json": (
            f"Wycheproof Ed25519 verification vectors ({WYCHEPROOF_REPO} "
            "testvectors_v1/ed25519_test.json); expectations checked with Python cryptography.",
            wycheproof_ed25519(args.wycheproof, args.wycheproof_commit)),
        "ed25519_speccheck.json": (
            "The 12 edge cases of 'Taming the many EdDSAs' (ed25519-speccheck). Strict rule: "
            "cofactorless, S >= L rejected; for small-order and non-canonical A/R the answer "
            "of OpenSSL (Python cryptography) is the expectation.",
            spec_cases),
        "ecdsa_p256_sha256_wycheproof.json": (
            "Wycheproof ECDSA P-256/SHA-256 vectors with DER signatures "
            "(testvectors_v1/ecdsa_secp256r1_sha256_test.json); DER only, strictly.",
            wycheproof_ecdsa(args.wycheproof, args.wycheproof_commit,
                             "testvectors_v1/ecdsa_secp256r1_sha256_test.json", "der",
                             "ecdsa p256 der")
            + ecdsa_key_cases(args.wycheproof, args.wycheproof_commit,
                              "testvectors_v1/ecdsa_secp256r1_sha256_test.json")),
        "ecdsa_p256_sha256_p1363_wycheproof.json": (
            "Wycheproof ECDSA P-256/SHA-256 vectors with raw r||s signatures "
            "(testvectors_v1/ecdsa_secp256r1_sha256_p1363_test.json).",
            wycheproof_ecdsa(args.wycheproof, args.wycheproof_commit,
                             "testvectors_v1/ecdsa_secp256r1_sha256_p1363_test.json", "raw",
                             "ecdsa p256 p1363")),
    }
    check_unique({name: cases for name, (_, cases) in files.items()})
    stale = False
    for name, (description, cases) in files.items():
        text = render(description, cases)
        assert len(text.encode()) < 1_500_000, name
        path = args.out / name
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if args.check:
            if old != text:
                print(f"{path}: out of date", file=sys.stderr)
                stale = True
        elif old != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({len(cases)} cases)")
        else:
            print(f"{path}: unchanged ({len(cases)} cases)")
    for note in spec_notes:
        print("speccheck", note)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
