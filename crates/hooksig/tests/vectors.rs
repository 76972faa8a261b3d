//! Runs every conformance vector in `tests/vectors/` (see its README) through the Rust API.

use std::path::{Path, PathBuf};

use hooksig::{Config, Context, Error, Scheme, Signer, Verifier};
use serde_json::Value;

fn vector_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("tests/vectors is readable") {
        let path = entry.unwrap().path();
        if path.is_dir() {
            vector_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json")
            // The helper contract, run by the helpers' suites against real servers.
            && path.file_name().is_some_and(|n| n != "http.json")
        {
            out.push(path);
        }
    }
}

fn bytes(value: &Value) -> Vec<u8> {
    match value {
        Value::String(s) => s.as_bytes().to_vec(),
        Value::Object(o) if o.contains_key("hex") => {
            base16ct::mixed::decode_vec(o["hex"].as_str().unwrap()).unwrap()
        }
        Value::Object(o) => {
            let unit = o["repeat"].as_str().unwrap().as_bytes();
            let len = o["length"].as_u64().unwrap() as usize;
            unit.iter().copied().cycle().take(len).collect()
        }
        other => panic!("not a byte string: {other}"),
    }
}

fn config(case: &Value) -> Result<Config, Error> {
    let scheme = match (&case["preset"], &case["scheme"]) {
        (Value::String(name), _) => Scheme::preset(name)?,
        (_, scheme @ Value::Object(_)) => Scheme::from_json(&scheme.to_string())?,
        _ => panic!("a case needs a preset or a scheme"),
    };
    let mut config = Config::new(scheme);
    for secret in case["secrets"].as_array().into_iter().flatten() {
        config = config.secret(bytes(secret));
    }
    for key in case["public_keys"].as_array().into_iter().flatten() {
        config = config.public_key(bytes(key));
    }
    if let Some(key) = case.get("private_key") {
        config = config.private_key(bytes(key));
    }
    if let Some(params) = case["params"].as_object() {
        for (name, value) in params {
            config = config.param(name, value.as_str().unwrap());
        }
    }
    if let Some(tolerance) = case.get("tolerance") {
        config = config.tolerance(tolerance.as_u64());
    }
    Ok(config)
}

/// Runs one case; returns a description of the difference, if any.
fn run(case: &Value) -> Result<(), String> {
    let expect = &case["expect"];
    let want_error = expect["error"].as_str();
    let config = match config(case) {
        Ok(config) => config,
        Err(e) => return check_error(want_error, &e).and(check_message(expect, &e)),
    };
    let body = bytes(&case["body"]);
    let url = case["url"].as_str();
    let method = case["method"].as_str();
    let mut context = Context::new();
    if let Some(url) = url {
        context = context.url(url);
    }
    if let Some(method) = method {
        context = context.method(method);
    }
    if case["op"] == "sign" {
        let signer = match Signer::new(&config) {
            Ok(signer) => signer,
            Err(e) => return check_error(want_error, &e).and(check_message(expect, &e)),
        };
        let sign = &case["sign"];
        if let Some(timestamp) = sign["timestamp"].as_u64() {
            context = context.now(timestamp);
        }
        let headers = match signer.sign_with(&body, sign["id"].as_str(), &context) {
            Ok(headers) => headers,
            Err(e) => return check_error(want_error, &e),
        };
        let got = serde_json::to_value(&headers).unwrap();
        return if got == expect["headers"] {
            Ok(())
        } else {
            Err(format!("signed {got}, expected {}", expect["headers"]))
        };
    }
    let verifier = match Verifier::new(&config) {
        Ok(v) => v,
        Err(e) => return check_error(want_error, &e).and(check_message(expect, &e)),
    };
    let headers: Vec<(Vec<u8>, Vec<u8>)> = case["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (bytes(&pair[0]), bytes(&pair[1])))
        .collect();
    if let Some(now) = case["now"].as_u64() {
        context = context.now(now);
    }
    if case["op"] == "handshake" {
        let got = match verifier.handshake(&body, &headers, &context) {
            Ok(None) => Value::Null,
            Ok(Some(reply)) => {
                let mut got = serde_json::json!({
                    "status": reply.status,
                    "content_type": reply.content_type,
                    "headers": reply.headers,
                    "body": String::from_utf8(reply.body).unwrap(),
                });
                if let Some(secret) = reply.secret {
                    got["secret"] = secret.into();
                }
                got
            }
            Err(e) => return check_error(want_error, &e),
        };
        return if want_error.is_none() && got == expect["reply"] {
            Ok(())
        } else {
            Err(format!("handshake answered {got}, expected {expect}"))
        };
    }
    let result = verifier.verify_with(&body, &headers, &context);
    match (result, want_error) {
        (Err(e), want) => check_error(want, &e).and(check_message(expect, &e)),
        (Ok(v), None) => {
            let got = (
                v.secret_index as u64,
                v.timestamp,
                v.id_str().map(str::to_owned),
            );
            let want = (
                expect["secret_index"].as_u64().unwrap(),
                expect["timestamp"].as_u64(),
                expect["id"].as_str().map(str::to_owned),
            );
            if got == want {
                Ok(())
            } else {
                Err(format!("verified {got:?}, expected {want:?}"))
            }
        }
        (Ok(v), Some(want)) => Err(format!("verified {v:?}, expected error {want}")),
    }
}

fn check_error(want: Option<&str>, got: &Error) -> Result<(), String> {
    match want {
        Some(code) if code == got.code() => Ok(()),
        _ => Err(format!("error {} ({got}), expected {want:?}", got.code())),
    }
}

/// `expect.message_contains`: the error's message holds this text.
fn check_message(expect: &Value, got: &Error) -> Result<(), String> {
    match expect["message_contains"].as_str() {
        Some(text) if !got.to_string().contains(text) => {
            Err(format!("message {got:?} does not contain {text:?}"))
        }
        _ => Ok(()),
    }
}

#[test]
fn every_vector_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let mut files = Vec::new();
    vector_files(&dir, &mut files);
    files.sort();
    let (mut total, mut failures) = (0, Vec::new());
    for file in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for case in doc["cases"].as_array().unwrap() {
            if case["raw_args"] == true {
                continue; // wrong argument types: ruled out by Rust's types
            }
            total += 1;
            if let Err(why) = run(case) {
                failures.push(format!("{}: {}", case["name"], why));
            }
        }
    }
    eprintln!("{total} vectors from {} files", files.len());
    assert!(total >= 200, "expected at least 200 vectors, found {total}");
    assert!(
        failures.is_empty(),
        "{} of {total} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
