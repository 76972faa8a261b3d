//! The replay key and TTL of a verified delivery (the rule every language reports).

mod common;

use base64ct::{Base64, Encoding as _};
use common::{Keys, fixture};
use hooksig::{Config, Context, Scheme, Signer, Verifier};

const NOW: u64 = 1_700_000_000;

fn verified_key(preset: &str, headers: &[(String, String)], body: &[u8]) -> (String, u64) {
    let f = fixture(preset, b"seed", Keys::Both).unwrap();
    let verifier = Verifier::new(&f.verifier).unwrap();
    let verified = verifier
        .verify_with(body, headers, &f.context(NOW))
        .unwrap();
    (verifier.replay_key(&verified), verifier.replay_ttl())
}

fn signed(preset: &str, body: &[u8], id: Option<&str>) -> Vec<(String, String)> {
    let f = fixture(preset, b"seed", Keys::Both).unwrap();
    Signer::new(&f.signer)
        .unwrap()
        .sign_with(body, id, &f.context(NOW))
        .unwrap()
}

#[test]
fn a_signed_id_names_the_delivery() {
    let headers = signed("svix", b"{}", Some("msg_1"));
    assert_eq!(
        verified_key("svix", &headers, b"{}"),
        ("svix:msg_1".into(), 660)
    );
    let headers = signed("twitch", b"{}", Some("e76c"));
    assert_eq!(
        verified_key("twitch", &headers, b"{}"),
        ("twitch:e76c".into(), 1260)
    );
}

#[test]
fn otherwise_the_signature_names_it_in_whatever_case_it_came() {
    let headers = signed("github", b"{}", None);
    let (key, ttl) = verified_key("github", &headers, b"{}");
    let mac = headers[0].1.strip_prefix("sha256=").unwrap();
    assert_eq!(key, format!("github:sig:{mac}"));
    assert_eq!(ttl, hooksig::DEFAULT_REPLAY_TTL);
    let upper = vec![(
        headers[0].0.clone(),
        format!("sha256={}", mac.to_uppercase()),
    )];
    assert_eq!(verified_key("github", &upper, b"{}").0, key);
    // Box sends an id but does not sign it: a forged id must not make a new delivery.
    let headers = signed("box", b"{}", Some("d1"));
    assert!(
        verified_key("box", &headers, b"{}")
            .0
            .starts_with("box:sig:")
    );
}

#[test]
fn an_ecdsa_signature_and_its_malleable_twin_name_the_same_delivery() {
    let headers = signed("sendgrid", b"{}", None);
    let sig_header = "X-Twilio-Email-Event-Webhook-Signature";
    let der =
        Base64::decode_vec(&headers.iter().find(|(n, _)| n == sig_header).unwrap().1).unwrap();
    let signature = p256::ecdsa::Signature::from_der(&der).unwrap();
    // n - s: the other valid signature of the same message.
    let (r, s) = signature.split_scalars();
    let twin = p256::ecdsa::Signature::from_scalars(r, -*s).unwrap();
    let twin_headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| match n.as_str() {
            n2 if n2 == sig_header => (n.clone(), Base64::encode_string(twin.to_der().as_bytes())),
            _ => (n.clone(), v.clone()),
        })
        .collect();
    assert_ne!(headers, twin_headers);
    assert_eq!(
        verified_key("sendgrid", &headers, b"{}").0,
        verified_key("sendgrid", &twin_headers, b"{}").0
    );
}

#[test]
fn a_token_scheme_names_the_delivery_by_its_body() {
    let headers = signed("gitlab", b"{\"a\":1}", None);
    let (key, _) = verified_key("gitlab", &headers, b"{\"a\":1}");
    assert_eq!(
        key,
        "gitlab:body:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
    );
}

#[test]
fn namespaces_and_ttls_can_be_set() {
    let scheme = Scheme::from_json(r#"{"signature_header": "X-Acme-Sig", "timestamp_header": "x-ts", "message": "{timestamp}.{body}", "tolerance": null}"#).unwrap();
    let config = Config::new(scheme).secret("s").replay_ttl(3600);
    let verifier = Verifier::new(&config).unwrap();
    assert_eq!(
        (verifier.namespace(), verifier.replay_ttl()),
        ("x-acme-sig", 3600)
    );
    let verifier = Verifier::new(&config.namespace("acme").tolerance(Some(30))).unwrap();
    assert_eq!((verifier.namespace(), verifier.replay_ttl()), ("acme", 120));
    let headers = Signer::new(&Config::preset("github").unwrap().secret("s"))
        .unwrap()
        .sign(b"x", None, None)
        .unwrap();
    let verifier = Verifier::new(&Config::from_text("github").unwrap().secret("s")).unwrap();
    let verified = verifier
        .verify_with(b"x", &headers, &Context::new())
        .unwrap();
    assert!(verifier.replay_key(&verified).starts_with("github:sig:"));
}
