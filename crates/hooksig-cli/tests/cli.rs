//! The `hooksig` command end to end: its real binary, a real `hooksig listen` on
//! 127.0.0.1 and a real curl.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_hooksig");
const SECRET: &str = "whsec_dGVzdCBzZWNyZXQgZm9yIHRoZSBjbGk=";
const BODY: &str = r#"{"event_type":"item.purchased","id":"evt_1"}"#;
/// RFC 8032 TEST 1: an Ed25519 seed and its public key.
const ED25519_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const ED25519_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
/// A P-256 test key (PKCS#8 PEM) and its public key as base64 SPKI, made with openssl.
const P256_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgXgBHtRa9xMYWxIBb
utB30ItgpZ/sB9LjPQImidUp6eChRANCAATiHnzxKri9fY2765PdxmTvCSQQR4os
C41szMyYMmPvrnztWzAwPXd98wOFQK3uP03QTlCagrezpvjy6WjtxyzA
-----END PRIVATE KEY-----
";
const P256_PUBLIC: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE4h588Sq4vX2Nu+uT3cZk7wkkEEeKLAuNbMzMmDJj76587VswMD13ffMDhUCt7j9N0E5QmoK3s6b48ulo7ccswA==";
/// The URL signed by URL-signed presets.
const URL: &str = "http://127.0.0.1:9/hook?x=1";

fn hooksig(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("HOOKSIG_TEST_SECRET", SECRET)
        .env("HOOKSIG_TEST_ED25519", ED25519_SEED)
        .env("HOOKSIG_TEST_P256", P256_PRIVATE)
        .output()
        .expect("the hooksig binary runs")
}

/// The key flags of a preset: secrets for shared-secret schemes, a private key to sign
/// and the public key to verify for public-key ones.
fn key_args(preset: &str, signing: bool) -> Vec<&'static str> {
    let scheme = hooksig::Scheme::preset(preset).unwrap();
    match (scheme.algorithm, signing) {
        (hooksig::Algorithm::Ed25519, true) => vec!["--private-key-env", "HOOKSIG_TEST_ED25519"],
        (hooksig::Algorithm::Ed25519, false) => vec!["--public-key", ED25519_PUBLIC],
        (hooksig::Algorithm::EcdsaP256Sha256, true) => {
            vec!["--private-key-env", "HOOKSIG_TEST_P256"]
        }
        (hooksig::Algorithm::EcdsaP256Sha256, false) => vec!["--public-key", P256_PUBLIC],
        _ if scheme.secret_encoding == hooksig::SecretEncoding::Base64 => {
            vec!["--secret", "dGVzdCBzZWNyZXQ="]
        }
        _ => vec!["--secret-env", "HOOKSIG_TEST_SECRET"],
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The preset names, as `hooksig presets` lists them.
fn preset_names() -> Vec<String> {
    let out = hooksig(&["presets"]);
    assert!(out.status.success());
    text(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect()
}

/// Extra flags a preset needs: sigma signs the business id when given, so sign the body here.
fn sign_args<'a>(preset: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--preset", preset, "--secret-env", "HOOKSIG_TEST_SECRET"];
    args.extend_from_slice(extra);
    args
}

#[test]
fn sign_output_verifies_for_every_preset() {
    let presets = preset_names();
    assert_eq!(presets.len(), hooksig::PRESETS.len());
    for preset in &presets {
        let scheme = hooksig::Scheme::preset(preset).unwrap();
        // Linear reads its timestamp from the JSON body.
        let body = if scheme.body_fields.contains_key("timestamp") {
            r#"{"event_type":"item.purchased","id":"evt_1","webhookTimestamp":1700000000000}"#
        } else {
            BODY
        };
        let mut args = vec!["sign", "--preset", preset];
        args.extend(key_args(preset, true));
        args.extend(["--data", body, "--timestamp", "1700000000", "--url", URL]);
        let out = hooksig(&args);
        if scheme.algorithm == hooksig::Algorithm::Token
            || scheme.body_fields.contains_key("signature")
        {
            // A token is the secret itself (never printed); Mailgun signs inside the body.
            assert_eq!(out.status.code(), Some(2), "{preset}");
            assert!(!text(&out.stderr).contains(SECRET), "{preset}");
            continue;
        }
        assert!(out.status.success(), "{preset}: {}", text(&out.stderr));
        let headers = text(&out.stdout);
        assert!(
            !headers.contains(SECRET) && !headers.contains(ED25519_SEED),
            "{preset}: the secret was printed"
        );

        let mut verify: Vec<String> = ["verify", "--preset", preset]
            .iter()
            .chain(&key_args(preset, false))
            .chain(&["--data", body, "--now", "1700000030", "--url", URL])
            .map(|s| s.to_string())
            .collect();
        for line in headers.lines() {
            verify.push("-H".into());
            verify.push(line.into());
        }
        let refs: Vec<&str> = verify.iter().map(String::as_str).collect();
        let out = hooksig(&refs);
        assert_eq!(
            text(&out.stdout).split_whitespace().next(),
            Some("ok"),
            "{preset}"
        );
        assert!(out.status.success());

        // The same headers over a changed body: exit 1 and the code.
        let changed = body.replace("evt_1", "evt_2");
        let refs: Vec<&str> = refs
            .iter()
            .map(|a| if *a == body { changed.as_str() } else { a })
            .collect();
        let out = hooksig(&refs);
        assert_eq!(out.status.code(), Some(1), "{preset}");
        assert!(
            text(&out.stdout).starts_with("signature_mismatch: "),
            "{preset}"
        );
    }
}

#[test]
fn verify_reports_each_code() {
    let cases: [(&[&str], &str); 3] = [
        (&["-H", "X-Noyo-Timestamp: 1700000000"], "missing_header"),
        (
            &["-H", "X-Noyo-Timestamp: soon", "-H", "X-Noyo-Signature: 00"],
            "invalid_header",
        ),
        (
            &[
                "-H",
                "X-Noyo-Timestamp: 1600000000",
                "-H",
                "X-Noyo-Signature: 00",
            ],
            "timestamp_too_old",
        ),
    ];
    for (headers, code) in cases {
        let mut args = vec!["verify"];
        args.extend(sign_args("noyo", &["--data", BODY, "--now", "1700000000"]));
        args.extend_from_slice(headers);
        let out = hooksig(&args);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stdout).starts_with(&format!("{code}: ")),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        &["sign", "--bogus"][..],
        &["sign", "--data", "x"][..], // no preset or scheme
        &[
            "sign", "--preset", "github", "--scheme", "s.json", "--data", "x",
        ][..], // both
        &[
            "sign", "--preset", "github", "--secret", "s", "--format", "xml", "--data", "x",
        ][..],
        &["frobnicate"][..],
    ] {
        let out = hooksig(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).is_empty());
    }
    // Configuration errors are usage errors too, with the core's message.
    let out = hooksig(&["sign", "--preset", "nope", "--secret", "s", "--data", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown preset `nope`"));
    let out = hooksig(&[
        "sign",
        "--preset",
        "github",
        "--secret-env",
        "HOOKSIG_UNSET_VAR",
        "--data",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("HOOKSIG_UNSET_VAR"));
}

#[test]
fn presets_json_is_the_scheme_format() {
    let out = hooksig(&["presets", "stripe", "--json"]);
    let scheme = hooksig::Scheme::from_json(&text(&out.stdout)).unwrap();
    assert_eq!(scheme, hooksig::Scheme::preset("stripe").unwrap());
}

/// A running `hooksig listen` on a free port, and its output.
struct Listener {
    child: Child,
    lines: std::io::Lines<BufReader<ChildStdout>>,
    url: String,
}

impl Listener {
    fn start(preset: &str, max_requests: u32) -> Self {
        listen(&sign_args(preset, &[]), max_requests)
    }

    fn next_line(&mut self) -> String {
        self.lines.next().unwrap().unwrap()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn curl_output_is_accepted_by_listen_and_tampering_is_rejected() {
    for preset in ["noyo", "stripe", "standard-webhooks", "github"] {
        let mut listener = Listener::start(preset, 4);

        let mut args = vec!["sign"];
        args.extend(sign_args(
            preset,
            &["--data", BODY, "--format", "curl", "--url", &listener.url],
        ));
        let out = hooksig(&args);
        let command = text(&out.stdout);
        assert!(command.starts_with("curl "), "{command}");
        let curl = Command::new("sh").arg("-c").arg(&command).output().unwrap();
        assert_eq!(
            text(&curl.stdout),
            r#"{"ok":true}"#,
            "{preset}: {}",
            text(&curl.stderr)
        );
        let line = listener.next_line();
        assert!(
            line.contains(" POST /hook 200 ok event=item.purchased"),
            "{line}"
        );

        for (tamper, code) in [
            ("body", "signature_mismatch"),
            ("signature", "signature_mismatch"),
            ("timestamp", "timestamp_too_old"),
        ] {
            if tamper == "timestamp" && preset == "github" {
                continue; // GitHub signs no timestamp.
            }
            let mut args = vec!["send", &listener.url];
            args.extend(sign_args(preset, &["--data", BODY, "--tamper", tamper]));
            let out = hooksig(&args);
            assert!(out.status.success(), "{}", text(&out.stderr));
            assert_eq!(
                text(&out.stdout),
                format!("HTTP 403\n{{\"error\":\"{code}\"}}\n"),
                "{preset} --tamper {tamper}"
            );
            let line = listener.next_line();
            assert!(line.contains(&format!(" 403 {code} (")), "{line}");
        }
    }
}

#[test]
fn send_delivers_a_valid_webhook() {
    let mut listener = Listener::start("aghanim", 1);
    let mut args = vec!["send", &listener.url];
    args.extend(sign_args("aghanim", &["--data", BODY]));
    let out = hooksig(&args);
    assert_eq!(text(&out.stdout), "HTTP 200\n{\"ok\":true}\n");
    assert!(
        listener
            .next_line()
            .contains(" 200 ok event=item.purchased")
    );
    // --max-requests 1: the listener exits by itself.
    assert!(listener.child.wait().unwrap().success());
}

/// A real HTTP endpoint on 127.0.0.1 that answers every request with `status`.
fn fixed_endpoint(status: u16, requests: usize) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            // The whole request (head, then Content-Length bytes) before answering: closing
            // with unread bytes resets the connection, and the client may then see no answer.
            let mut request = Vec::new();
            let mut buf = [0u8; 65536];
            loop {
                let head_end = request.windows(4).position(|w| w == b"\r\n\r\n");
                if let Some(end) = head_end {
                    let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |v| v.trim().parse().unwrap());
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (url, handle)
}

#[test]
fn send_exit_status_says_whether_the_endpoint_behaved() {
    // An endpoint that accepts anything: a tampered delivery it takes is a failure (1).
    let (url, server) = fixed_endpoint(200, 2);
    let mut args = vec!["send", &url];
    args.extend(sign_args("github", &["--data", BODY, "--tamper", "body"]));
    let out = hooksig(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("tampered"),
        "{}",
        text(&out.stderr)
    );
    let mut args = vec!["send", &url];
    args.extend(sign_args("github", &["--data", BODY]));
    assert_eq!(hooksig(&args).status.code(), Some(0));
    server.join().unwrap();

    // An endpoint that refuses everything: a valid delivery it refuses is a failure (1).
    let (url, server) = fixed_endpoint(403, 2);
    let mut args = vec!["send", &url];
    args.extend(sign_args("github", &["--data", BODY]));
    assert_eq!(hooksig(&args).status.code(), Some(1));
    let mut args = vec!["send", &url];
    args.extend(sign_args(
        "github",
        &["--data", BODY, "--tamper", "signature"],
    ));
    assert_eq!(hooksig(&args).status.code(), Some(0));
    server.join().unwrap();

    // Nothing listening: no answer at all (2).
    let out = hooksig(&[
        "send",
        "http://127.0.0.1:9/hook",
        "--preset",
        "github",
        "--secret",
        "s",
        "--data",
        BODY,
        "--timeout",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// `hooksig listen` with extra flags, the first line parsed for its URL.
fn listen(args: &[&str], max_requests: u32) -> Listener {
    let mut child = Command::new(BIN)
        .arg("listen")
        .args(args)
        .args(["--port", "0", "--path", "/hook", "--max-requests"])
        .arg(max_requests.to_string())
        .env("HOOKSIG_TEST_SECRET", SECRET)
        .stdout(Stdio::piped())
        .spawn()
        .expect("hooksig listen starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("listening on ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    Listener { child, lines, url }
}

#[test]
fn listen_verifies_url_signed_and_public_key_presets() {
    // Square signs the URL: the listener rebuilds it from Host and the path.
    let mut listener = listen(
        &["--preset", "square", "--secret-env", "HOOKSIG_TEST_SECRET"],
        2,
    );
    let url = format!("{}?x=1", listener.url);
    let mut args = vec!["send", &url, "--preset", "square"];
    args.extend(key_args("square", true));
    args.extend(["--data", BODY]);
    assert_eq!(hooksig(&args).status.code(), Some(0));
    assert!(listener.next_line().contains(" 200 ok"));
    // Signed for another URL (as a provider would through a tunnel): refused.
    let mut args = vec![
        "send",
        &url,
        "--preset",
        "square",
        "--public-url",
        "https://x.example/hook",
    ];
    args.extend(key_args("square", true));
    args.extend(["--data", BODY]);
    assert_eq!(hooksig(&args).status.code(), Some(1));
    assert!(listener.next_line().contains(" 403 signature_mismatch"));

    // ... unless the listener is told the public URL.
    let mut listener = listen(
        &[
            "--preset",
            "square",
            "--secret-env",
            "HOOKSIG_TEST_SECRET",
            "--public-url",
            "https://x.example/hook",
        ],
        1,
    );
    let url = listener.url.clone();
    let mut args = vec![
        "send",
        &url,
        "--preset",
        "square",
        "--public-url",
        "https://x.example/hook",
    ];
    args.extend(key_args("square", true));
    args.extend(["--data", BODY]);
    assert_eq!(hooksig(&args).status.code(), Some(0));
    assert!(listener.next_line().contains(" 200 ok"));

    // Discord: signed with the private key, verified with the public key.
    let mut listener = listen(&["--preset", "discord", "--public-key", ED25519_PUBLIC], 2);
    let url = listener.url.clone();
    for (tamper, line) in [(None, " 200 ok"), (Some("body"), " 403 signature_mismatch")] {
        let mut args = vec!["send", &url, "--preset", "discord"];
        args.extend(key_args("discord", true));
        args.extend(["--data", BODY]);
        if let Some(tamper) = tamper {
            args.extend(["--tamper", tamper]);
        }
        assert_eq!(hooksig(&args).status.code(), Some(0));
        assert!(listener.next_line().contains(line));
    }
}

#[test]
fn listen_marks_duplicates_and_answers_handshakes() {
    // The same signed delivery twice: the second is a duplicate, answered 200.
    let mut listener = Listener::start("github", 4);
    let mut args = vec!["sign"];
    args.extend(sign_args(
        "github",
        &["--data", BODY, "--format", "curl", "--url", &listener.url],
    ));
    let command = text(&hooksig(&args).stdout);
    for (answer, line) in [
        (r#"{"ok":true}"#, " 200 ok"),
        (r#"{"status":"duplicate"}"#, " 200 duplicate github:sig:"),
    ] {
        let curl = Command::new("sh").arg("-c").arg(&command).output().unwrap();
        assert_eq!(text(&curl.stdout), answer);
        let logged = listener.next_line();
        assert!(logged.contains(line), "{logged}");
    }
    drop(listener);

    // Dropbox checks an endpoint with GET ?challenge=..; Asana with X-Hook-Secret.
    let mut listener = listen(&["--preset", "dropbox", "--secret", "app-secret"], 1);
    let curl = Command::new("curl")
        .args(["-sS", "-i", &format!("{}?challenge=abc123", listener.url)])
        .output()
        .unwrap();
    let reply = text(&curl.stdout);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(
        reply
            .to_ascii_lowercase()
            .contains("x-content-type-options: nosniff"),
        "{reply}"
    );
    assert!(reply.ends_with("\r\n\r\nabc123"), "{reply}");
    assert!(listener.next_line().contains(" GET /hook 200 handshake"));

    let mut listener = listen(&["--preset", "asana", "--secret", "pending"], 1);
    let curl = Command::new("curl")
        .args([
            "-sS",
            "-i",
            "-X",
            "POST",
            "-H",
            "X-Hook-Secret: s3cr3t",
            &listener.url,
        ])
        .output()
        .unwrap();
    let reply = text(&curl.stdout);
    assert!(
        reply.to_ascii_lowercase().contains("x-hook-secret: s3cr3t"),
        "{reply}"
    );
    let logged = listener.next_line();
    assert!(
        logged.contains(" 200 handshake") && !logged.contains("s3cr3t"),
        "{logged}"
    );
}
