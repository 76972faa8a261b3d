"""Peer libraries from PyPI as oracles: their signatures verify with hooksig's matching
preset, and hooksig's Signer output verifies with them (and tampering fails on both sides)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest
import standardwebhooks
import stripe
import svix

import hooksig

WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STRIPE_SECRET = "whsec_test_stripe_secret_for_peers"

BODIES = [
    '{"type":"invoice.paid","data":{"amount":4200}}',
    '{"name":"Zoë ✓ 日本","emoji":"🎉"}',
    json.dumps({"event_type": "item.add", "padding": "x" * 20_000}),
]


def now() -> int:
    return int(time.time())


@pytest.mark.parametrize(
    ("preset", "peer_class", "prefix"),
    [
        ("standard-webhooks", standardwebhooks.Webhook, "webhook"),
        ("svix", svix.Webhook, "svix"),
    ],
)
@pytest.mark.parametrize("body", BODIES)
def test_standard_webhooks_family(preset: str, peer_class: type, prefix: str, body: str) -> None:
    peer = peer_class(WHSEC)
    stamp = now()
    msg_id = "msg_p5jXN8AQM9LWM0D4loKWxJek"

    # The peer signs, hooksig verifies.
    signature = peer.sign(msg_id, datetime.fromtimestamp(stamp, tz=timezone.utc), body)
    headers = {
        f"{prefix}-id": msg_id,
        f"{prefix}-timestamp": str(stamp),
        f"{prefix}-signature": signature,
    }
    verifier = hooksig.Verifier(preset, secret=WHSEC)
    verified = verifier.verify(body.encode(), headers)
    assert (verified.id, verified.timestamp) == (msg_id, stamp)
    with pytest.raises(hooksig.SignatureMismatchError):
        verifier.verify(body.encode() + b" ", headers)
    # The peer's secret without its prefix is the same key.
    assert hooksig.Verifier(preset, secret=WHSEC.removeprefix("whsec_")).is_valid(body, headers)

    # hooksig signs, the peer verifies.
    ours = hooksig.Signer(preset, secret=WHSEC).sign(body.encode(), timestamp=stamp, id=msg_id)
    assert ours[f"{prefix}-signature"] == signature
    peer.verify(body.encode(), ours)
    tampered = {**ours, f"{prefix}-signature": signature[:-4] + "AAA="}
    with pytest.raises(Exception, match=r"(?i)signature"):
        peer.verify(body.encode(), tampered)


@pytest.mark.parametrize("body", BODIES)
def test_stripe(body: str) -> None:
    stamp = now()
    # Stripe's SDK signs, hooksig verifies.
    header = stripe.WebhookSignature.generate_signature_header(body, STRIPE_SECRET, timestamp=stamp)
    verifier = hooksig.Verifier("stripe", secret=STRIPE_SECRET)
    assert verifier.verify(body, {"Stripe-Signature": header}).timestamp == stamp
    assert not verifier.is_valid(body + "\n", {"Stripe-Signature": header})

    # hooksig signs, Stripe's SDK verifies (and parses the event).
    ours = hooksig.Signer("stripe", secret=STRIPE_SECRET).sign(body, timestamp=stamp)
    assert ours == {"Stripe-Signature": header}
    assert stripe.WebhookSignature.verify_header(body, ours["Stripe-Signature"], STRIPE_SECRET, 300)
    event = stripe.Webhook.construct_event(body, ours["Stripe-Signature"], STRIPE_SECRET)
    assert event is not None
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(
            body + " ", ours["Stripe-Signature"], STRIPE_SECRET, 300
        )


def test_stripe_rotation_header_with_two_signatures() -> None:
    """Stripe sends one v1 per active secret during a rotation; either one matches."""
    body = BODIES[0]
    stamp = now()
    old = stripe.WebhookSignature.generate_signature_header(body, "whsec_old", timestamp=stamp)
    new = stripe.WebhookSignature.generate_signature_header(body, "whsec_new", timestamp=stamp)
    header = f"{old},{new.split(',', 1)[1]}"
    assert hooksig.Verifier("stripe", secret="whsec_new").is_valid(
        body, {"stripe-signature": header}
    )
    assert hooksig.Verifier("stripe", secret="whsec_old").is_valid(
        body, {"stripe-signature": header}
    )
    assert not hooksig.Verifier("stripe", secret="whsec_other").is_valid(
        body, {"stripe-signature": header}
    )


def test_peers_and_hooksig_agree_on_stale_timestamps() -> None:
    body = BODIES[0]
    stale = now() - 3600
    header = stripe.WebhookSignature.generate_signature_header(body, STRIPE_SECRET, timestamp=stale)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(body, header, STRIPE_SECRET, 300)
    with pytest.raises(hooksig.TimestampError) as raised:
        hooksig.Verifier("stripe", secret=STRIPE_SECRET).verify(body, {"Stripe-Signature": header})
    assert raised.value.code == "timestamp_too_old"

    ours = hooksig.Signer("svix", secret=WHSEC).sign(body, timestamp=stale)
    with pytest.raises(svix.webhooks.WebhookVerificationError):
        svix.Webhook(WHSEC).verify(body, ours)
