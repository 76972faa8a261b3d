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
    let (Ok(verifier), Ok(signer)) = (Verifier::new(&config), Signer::new(&config)) else {
        return;
    };
    let headers = signer
        .sign(b"{}", Some(1_700_000_000), Some("msg_1"))
        .expect("signing a valid scheme succeeds");
    if let Err(e) = verifier.verify_at(b"{}", &headers, 1_700_000_000) {
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
