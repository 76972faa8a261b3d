//! Any JSON (or not) as a scheme: parsing never panics, and a scheme that parses
//! builds a verifier and a signer whose output that verifier accepts.
#![no_main]

use hooksig::{Config, Scheme, Signer, Verifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scheme) = Scheme::from_json(text) else {
        return;
    };
    let mut config = Config::new(scheme.clone())
        .secret("whsec_c2VjcmV0")
        .param("tenant", "acme")
        .param("business_id", "42");
    // Any other param the template names gets a value too.
    for name in placeholders(&scheme.message) {
        config = config.param(name, "p");
    }
    // The headers the message signs, which a signer is given as `header:NAME` params.
    for rest in scheme.message.split("{header:").skip(1) {
        if let Some((name, _)) = rest.split_once('}') {
            config = config.param(format!("header:{name}"), "h");
        }
    }
    let (Ok(verifier), Ok(signer)) = (Verifier::new(&config), Signer::new(&config)) else {
        return;
    };
    let context = hooksig::Context::new()
        .now(1_700_000_000)
        .url("https://example.com/hook?x=1")
        .method("POST");
    let body: &[u8] = if scheme.body_fields.is_empty() {
        b"{}"
    } else {
        return; // a body-field scheme needs its fields in the body: the vectors cover them
    };
    let headers = signer
        .sign_with(body, Some("msg_1"), &context)
        .expect("signing a valid scheme succeeds");
    if let Err(e) = verifier.verify_with(body, &headers, &context) {
        panic!(
            "round trip failed under {}: {e}\n{headers:?}",
            scheme.to_json()
        );
    }
});

fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}
