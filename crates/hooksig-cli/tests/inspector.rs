//! `hooksig listen --ui`, `--forward-to`, `--save` and `send --from` end to end: the real
//! binary on 127.0.0.1, real HTTP clients, and a real app (a TCP server that records the
//! bytes it receives).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use hooksig::{Config, Context, Signer};

const BIN: &str = env!("CARGO_BIN_EXE_hooksig");
const STRIPE_SECRET: &str = "whsec_aW5zcGVjdG9yIHN0cmlwZSBzZWNyZXQ=";
const NOYO_SECRET: &str = "noyo inspector secret 7f3a";
const SQUARE_KEY: &str = "square-signature-key-9c1d";
const GITLAB_TOKEN: &str = "gitlab-token-5e8b21";
/// RFC 8032 TEST 1: an Ed25519 seed and its public key.
const ED25519_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const ED25519_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const BODY: &str = r#"{"type":"invoice.paid","id":"evt_1","amount":12345678901234567890}"#;

fn command() -> Command {
    let mut command = Command::new(BIN);
    command
        .env("STRIPE_SECRET", STRIPE_SECRET)
        .env("NOYO_SECRET", NOYO_SECRET)
        .env("SQUARE_KEY", SQUARE_KEY)
        .env("GITLAB_TOKEN", GITLAB_TOKEN)
        .env("DISCORD_PRIVATE", ED25519_SEED);
    command
}

fn hooksig(args: &[&str]) -> Output {
    command().args(args).output().expect("hooksig runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A running `hooksig listen`, its base URL, and its log lines (read by a thread so that
/// a long run never blocks on a full pipe).
struct Listen {
    child: Child,
    base: String,
    lines: mpsc::Receiver<String>,
}

impl Listen {
    fn start(args: &[&str]) -> Self {
        let mut child = command()
            .arg("listen")
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("hooksig listen starts");
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        let url = first
            .strip_prefix("listening on ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("unexpected first line: {first}"));
        let base = url[..url[7..].find('/').unwrap() + 7].to_owned();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in reader.lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Listen { child, base, lines }
    }

    /// The next delivery's log line (the inspector's and forwarding lines are skipped).
    fn line(&self) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .expect("a log line");
            if !line.starts_with("inspector on ") && !line.starts_with("forwarding ") {
                return line;
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut response = agent().get(&self.url(path)).call().unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap())
    }

    fn json(&self, path: &str) -> serde_json::Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    fn post(&self, path: &str) -> (u16, serde_json::Value) {
        let mut response = agent()
            .post(&self.url(path))
            .header("Content-Type", "application/json")
            .send("{}")
            .unwrap();
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap();
        (status, serde_json::from_str(&body).unwrap())
    }
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .new_agent()
}

/// `hooksig send URL --preset P KEYS --data BODY [EXTRA...]`, checked to exit 0.
fn send(url: &str, preset: &str, keys: &[&str], extra: &[&str]) -> String {
    let mut args = vec!["send", url, "--preset", preset];
    args.extend_from_slice(keys);
    args.extend_from_slice(&["--data", BODY]);
    args.extend_from_slice(extra);
    let out = hooksig(&args);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// A real app on 127.0.0.1: records each request's raw bytes and answers `status`.
struct App {
    url: String,
    requests: mpsc::Receiver<Vec<u8>>,
}

impl App {
    fn start(status: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (send, requests) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                let send = send.clone();
                std::thread::spawn(move || serve_app(stream, status, &send));
            }
        });
        App { url, requests }
    }

    fn next(&self) -> Vec<u8> {
        self.requests
            .recv_timeout(Duration::from_secs(60))
            .expect("the app got a request")
    }

    fn nothing_more(&self) -> bool {
        self.requests
            .recv_timeout(Duration::from_millis(300))
            .is_err()
    }
}

/// Reads requests (head, then Content-Length bytes) off one connection until it closes.
fn serve_app(mut stream: TcpStream, status: u16, send: &mpsc::Sender<Vec<u8>>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = text(&buffer[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        while buffer.len() < end + 4 + length {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let request: Vec<u8> = buffer.drain(..end + 4 + length).collect();
        let _ = send.send(request);
        let _ = write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{{\"app\":\"seen\"}}"
        );
    }
}

/// Header names (lower case) and values, in order.
type Headers = Vec<(String, Vec<u8>)>;

/// A raw request's head lines (after the request line) and body.
fn split_request(raw: &[u8]) -> (String, Headers, Vec<u8>) {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let mut lines = raw[..end].split(|&b| b == b'\n');
    let request_line = text(lines.next().unwrap()).trim_end().to_owned();
    let headers = lines
        .map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let colon = line.iter().position(|&b| b == b':').unwrap();
            let value = line[colon + 1..].trim_ascii().to_vec();
            (text(&line[..colon]).to_ascii_lowercase(), value)
        })
        .collect();
    (request_line, headers, raw[end + 4..].to_vec())
}

/// Sends raw bytes to the listener and reads the answer until the server closes.
fn raw(base: &str, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(base.strip_prefix("http://").unwrap()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    reply
}

/// Reads the event stream in a thread, returning everything it got once `events`
/// `event: delivery` lines have arrived.
fn record_events(base: &str, events: usize) -> std::thread::JoinHandle<String> {
    let url = format!("{base}/_hooksig/api/events");
    let (ready, wait) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let mut response = agent().get(&url).call().unwrap();
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "text/event-stream"
        );
        ready.send(()).unwrap();
        let mut reader = BufReader::new(response.body_mut().as_reader());
        let mut seen = String::new();
        let mut count = 0;
        while count < events {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if line.trim_end() == "event: delivery" {
                count += 1;
            }
            seen.push_str(&line);
        }
        seen
    });
    wait.recv().unwrap();
    handle
}

/// The long runs of base64 or hex in a signature header: the signature items themselves.
fn signature_items(value: &str) -> Vec<String> {
    value
        .split([',', ' ', ';', '='])
        .map(|item| item.trim_start_matches("v1").to_owned())
        .filter(|item| item.len() >= 16)
        .collect()
}

#[test]
fn the_page_and_its_event_stream_never_hold_a_secret_or_an_expected_signature() {
    let save = std::env::temp_dir().join(format!("hooksig-save-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&save);
    let listen = Listen::start(&[
        "--ui",
        "--save",
        save.to_str().unwrap(),
        "--route",
        "/webhooks/stripe=stripe,secret-env=STRIPE_SECRET",
        "--route",
        "/webhooks/noyo=noyo,secret-env=NOYO_SECRET",
        "--route",
        "/webhooks/square=square,secret-env=SQUARE_KEY",
        "--route",
        &format!("/webhooks/discord=discord,public-key={ED25519_PUBLIC}"),
        "--route",
        "/webhooks/gitlab=gitlab,secret-env=GITLAB_TOKEN",
        "--route",
        "/webhooks/asana=asana,secret=pending-asana-secret",
    ]);
    let events = record_events(&listen.base, 13);
    let deliveries: [(&str, &str, &[&str]); 5] = [
        (
            "stripe",
            "/webhooks/stripe",
            &["--secret-env", "STRIPE_SECRET"],
        ),
        ("noyo", "/webhooks/noyo", &["--secret-env", "NOYO_SECRET"]),
        (
            "square",
            "/webhooks/square",
            &["--secret-env", "SQUARE_KEY"],
        ),
        (
            "discord",
            "/webhooks/discord",
            &["--private-key-env", "DISCORD_PRIVATE"],
        ),
        (
            "gitlab",
            "/webhooks/gitlab",
            &["--secret-env", "GITLAB_TOKEN"],
        ),
    ];
    for (preset, path, keys) in deliveries {
        let url = listen.url(path);
        assert!(send(&url, preset, keys, &[]).starts_with("HTTP 200"));
        assert!(listen.line().contains(&format!(" POST {path} 200 ok")));
        let tamper = if preset == "gitlab" {
            "signature"
        } else {
            "body"
        };
        assert!(send(&url, preset, keys, &["--tamper", tamper]).starts_with("HTTP 403"));
        assert!(listen.line().contains(&format!(" POST {path} 403 ")));
    }
    // Asana hands a secret over in its handshake: echoed to Asana, never shown.
    let mut response = agent()
        .post(&listen.url("/webhooks/asana"))
        .header("X-Hook-Secret", "handed-over-asana-secret")
        .send("")
        .unwrap();
    assert_eq!(
        response.headers().get("x-hook-secret").unwrap(),
        "handed-over-asana-secret"
    );
    let _ = response.body_mut().read_to_string();
    assert!(listen.line().contains(" 200 handshake"));
    // And the inspector's own copies: a replay and a tampered timestamp.
    let (status, answer) = listen.post("/_hooksig/api/deliveries/1/replay");
    assert_eq!(
        (status, answer["result"].as_str()),
        (200, Some("duplicate"))
    );
    let (_, answer) = listen.post("/_hooksig/api/deliveries/1/tamper/timestamp");
    assert_eq!(answer["result"], "timestamp_too_old");
    let stream = events.join().unwrap();

    let list = listen.json("/_hooksig/api/deliveries");
    let rows = list["deliveries"].as_array().unwrap();
    assert_eq!(rows.len(), 13);
    let mut seen = vec![
        listen.get("/_hooksig/").1,
        listen.get("/_hooksig/app.js").1,
        listen.get("/_hooksig/style.css").1,
        list.to_string(),
        stream.clone(),
        std::fs::read_to_string(&save).unwrap(),
    ];
    let mut expected = Vec::new();
    for row in rows {
        let id = row["id"].as_u64().unwrap();
        let detail = listen.json(&format!("/_hooksig/api/deliveries/{id}"));
        seen.push(detail.to_string());
        if row["status"] != 403
            || !row["origin"].is_null()
            || !["stripe", "noyo"].contains(&row["preset"].as_str().unwrap())
        {
            continue;
        }
        // What the signature would have been for the body as received: never shown.
        let preset = row["preset"].as_str().unwrap();
        let secret = if preset == "stripe" {
            STRIPE_SECRET
        } else {
            NOYO_SECRET
        };
        let headers = detail["headers"].as_array().unwrap();
        let header = |name: &str| {
            headers
                .iter()
                .find(|h| h["name"] == name)
                .and_then(|h| h["value"].as_str())
                .unwrap()
                .to_owned()
        };
        let timestamp: u64 = if preset == "stripe" {
            header("stripe-signature")[2..12].parse().unwrap()
        } else {
            header("x-noyo-timestamp").parse().unwrap()
        };
        // `--tamper body` changed the last byte after signing: the signature that would
        // verify is the one over the body that arrived.
        let arrived = format!("{} ", &BODY[..BODY.len() - 1]);
        let signer = Signer::new(&Config::preset(preset).unwrap().secret(secret)).unwrap();
        let mut context = Context::new();
        context.now = Some(timestamp);
        for (_, value) in signer
            .sign_with(arrived.as_bytes(), None, &context)
            .unwrap()
        {
            expected.extend(signature_items(&value));
        }
    }
    assert_eq!(expected.len(), 2, "{expected:?}");
    let all = seen.join("\n");
    for secret in [
        STRIPE_SECRET,
        &STRIPE_SECRET[6..],
        "inspector stripe secret",
        NOYO_SECRET,
        SQUARE_KEY,
        GITLAB_TOKEN,
        ED25519_SEED,
        "pending-asana-secret",
        "handed-over-asana-secret",
    ] {
        assert!(!all.contains(secret), "a secret was shown: {secret}");
    }
    for item in &expected {
        assert!(
            !all.contains(item.as_str()),
            "an expected signature was shown: {item}"
        );
    }
    // The stream carries the rows, and the token header shows as redacted.
    assert_eq!(stream.matches("event: delivery").count(), 13);
    let gitlab = listen.json("/_hooksig/api/deliveries/9");
    assert_eq!(gitlab["preset"], "gitlab");
    let token = gitlab["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "x-gitlab-token")
        .unwrap();
    assert_eq!(token["redacted"], true);
    assert!(token["value"].is_null());
    assert!(
        gitlab["curl"]
            .as_str()
            .unwrap()
            .contains("x-gitlab-token: $HOOKSIG_SECRET")
    );
    let _ = std::fs::remove_file(&save);
}

#[test]
fn a_failed_delivery_shows_its_message_hint_and_the_headers_the_scheme_read() {
    let listen = Listen::start(&[
        "--ui",
        "--route",
        "/webhooks/noyo=noyo,secret-env=NOYO_SECRET",
        "--route",
        "/webhooks/square=square,secret-env=SQUARE_KEY,public-url=https://hooks.example.com/square",
    ]);
    // Signed with another secret: exit 1, the endpoint refused a "valid" delivery.
    let url = listen.url("/webhooks/noyo");
    let out = hooksig(&[
        "send",
        &url,
        "--preset",
        "noyo",
        "--secret",
        "wrong secret",
        "--data",
        BODY,
    ]);
    assert_eq!(out.status.code(), Some(1));
    listen.line();
    let detail = listen.json("/_hooksig/api/deliveries/1");
    assert_eq!(detail["result"], "signature_mismatch");
    assert!(
        detail["message"]
            .as_str()
            .unwrap()
            .starts_with("no signature matched")
    );
    let hint = detail["hint"].as_str().unwrap();
    assert!(hint.contains("1 key was tried for this route"), "{hint}");
    let read: Vec<&str> = detail["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["read"] == true)
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(read.len(), 2);
    assert!(read.contains(&"x-noyo-signature") && read.contains(&"x-noyo-timestamp"));
    assert_eq!(detail["body"]["kind"], "json");
    // Indented, with the 20-digit number exactly as sent.
    assert!(
        detail["body"]["text"]
            .as_str()
            .unwrap()
            .contains("\n  \"amount\": 12345678901234567890\n")
    );
    assert_eq!(detail["skew"].as_i64().map(|s| s.abs() < 60), Some(true));

    // A URL-signed route checks the public URL; signed for the local one, the hint says so.
    send(
        &listen.url("/webhooks/square"),
        "square",
        &["--secret-env", "SQUARE_KEY"],
        &["--tamper", "body"],
    );
    listen.line();
    let detail = listen.json("/_hooksig/api/deliveries/2");
    assert_eq!(detail["url"], "https://hooks.example.com/square");
    assert!(
        detail["hint"]
            .as_str()
            .unwrap()
            .contains("This scheme signs the URL")
    );
    // Signed for the public URL: verified.
    let out = send(
        &listen.url("/webhooks/square"),
        "square",
        &["--secret-env", "SQUARE_KEY"],
        &["--public-url", "https://hooks.example.com/square"],
    );
    assert!(out.starts_with("HTTP 200"), "{out}");
    assert!(listen.line().contains(" 200 ok"));

    // A missing header names what the scheme reads and what came.
    let mut response = agent()
        .post(&listen.url("/webhooks/noyo"))
        .header("X-Noyo-Timestamp", "1700000000")
        .send(BODY)
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let _ = response.body_mut().read_to_string();
    listen.line();
    let detail = listen.json("/_hooksig/api/deliveries/4");
    assert_eq!(detail["result"], "missing_header");
    let hint = detail["hint"].as_str().unwrap();
    assert!(
        hint.contains("X-Noyo-Signature, X-Noyo-Timestamp")
            && hint.contains("carried x-noyo-timestamp"),
        "{hint}"
    );
}

#[test]
fn tampered_copies_and_replays_from_the_page() {
    let app = App::start(200);
    let listen = Listen::start(&[
        "--ui",
        "--forward-to",
        &app.url,
        "--route",
        "/webhooks/stripe=stripe,secret-env=STRIPE_SECRET",
        "--route",
        &format!("/webhooks/discord=discord,public-key={ED25519_PUBLIC}"),
        "--route",
        "/webhooks/square=square,secret-env=SQUARE_KEY",
    ]);
    for (path, preset, keys) in [
        (
            "/webhooks/stripe",
            "stripe",
            ["--secret-env", "STRIPE_SECRET"],
        ),
        (
            "/webhooks/discord",
            "discord",
            ["--private-key-env", "DISCORD_PRIVATE"],
        ),
        ("/webhooks/square", "square", ["--secret-env", "SQUARE_KEY"]),
    ] {
        assert!(send(&listen.url(path), preset, &keys, &[]).starts_with("HTTP 200"));
        let line = listen.line();
        assert!(
            line.contains(" 200 ok") && line.contains(" -> app 200 in "),
            "{line}"
        );
        let original = app.next();
        let id = listen.json("/_hooksig/api/deliveries")["deliveries"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["id"]
            .as_u64()
            .unwrap();
        // Replay: the same bytes reach the app; the listener calls it a duplicate.
        let (_, answer) = listen.post(&format!("/_hooksig/api/deliveries/{id}/replay"));
        assert_eq!(answer["result"], "duplicate", "{preset}");
        assert!(listen.line().contains(&format!("(replay of #{id})")));
        let replayed = app.next();
        assert_eq!(split_request(&replayed).2, split_request(&original).2);
        assert_eq!(split_request(&replayed).1, split_request(&original).1);
        // Each tampered copy fails for its own reason, and still reaches the app.
        for (what, code) in [
            ("body", "signature_mismatch"),
            ("signature", "signature_mismatch"),
            ("timestamp", "timestamp_too_old"),
        ] {
            let (status, answer) =
                listen.post(&format!("/_hooksig/api/deliveries/{id}/tamper/{what}"));
            if what == "timestamp" && preset == "square" {
                assert_eq!(status, 400, "square has no timestamp");
                continue;
            }
            assert_eq!(answer["result"], code, "{preset} {what}");
            assert!(
                listen
                    .line()
                    .contains(&format!("(tampered {what}, copy of #{id})"))
            );
            app.next();
        }
    }
    let (status, answer) = listen.post("/_hooksig/api/deliveries/1/tamper/nothing");
    assert_eq!(status, 400, "{answer}");
    let (status, _) = listen.post("/_hooksig/api/deliveries/999/replay");
    assert_eq!(status, 404);
}

#[test]
fn forward_to_sends_the_body_bytes_and_headers_unchanged() {
    let app = App::start(503);
    let listen = Listen::start(&[
        "--ui",
        "--forward-to",
        &app.url,
        "--route",
        "/webhooks/stripe=stripe,secret-env=STRIPE_SECRET",
    ]);
    let signer = Signer::new(&Config::preset("stripe").unwrap().secret(STRIPE_SECRET)).unwrap();
    let body = b"{\"type\":\"ping\",\"bytes\":\"\xc3\xa9\"}\n";
    let signed = signer.sign(body, None, None).unwrap();
    let mut request = b"POST /webhooks/stripe?attempt=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec();
    for (name, value) in &signed {
        request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    request.extend_from_slice(
        b"X-Custom: one\r\nX-Custom: two\r\nX-Latin: caf\xe9\r\nContent-Type: application/json\r\n\
          Connection: close, X-Hop\r\nX-Hop: drop me\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\n\
          Upgrade: websocket\r\nProxy-Authorization: Basic eDp5\r\n",
    );
    request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    request.extend_from_slice(body);
    let reply = raw(&listen.base, &request);
    assert!(
        text(&reply).starts_with("HTTP/1.1 200 "),
        "{}",
        text(&reply)
    );
    let line = listen.line();
    assert!(
        line.contains(" POST /webhooks/stripe 200 ok event=ping -> app 503 in "),
        "{line}"
    );

    let (request_line, headers, forwarded_body) = split_request(&app.next());
    assert_eq!(request_line, "POST /webhooks/stripe?attempt=2 HTTP/1.1");
    assert_eq!(forwarded_body, body);
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    for gone in [
        "connection",
        "x-hop",
        "keep-alive",
        "te",
        "upgrade",
        "proxy-authorization",
        "transfer-encoding",
    ] {
        assert!(!names.contains(&gone), "{gone} was forwarded: {names:?}");
    }
    let value = |name: &str| -> Vec<Vec<u8>> {
        headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_eq!(value("stripe-signature"), [signed[0].1.as_bytes()]);
    assert_eq!(value("x-custom"), [b"one".to_vec(), b"two".to_vec()]);
    assert_eq!(value("x-latin"), [b"caf\xe9".to_vec()]);
    assert_eq!(value("content-type"), [b"application/json".to_vec()]);
    assert_eq!(
        value("content-length"),
        [body.len().to_string().into_bytes()]
    );
    assert_eq!(value("host"), [app.url.as_bytes()[7..].to_vec()]);
    // Nothing was added: the headers are the sent ones, less the hop-by-hop ones.
    let mut expected: Vec<&str> = vec![
        "host",
        "stripe-signature",
        "x-custom",
        "x-custom",
        "x-latin",
        "content-type",
        "content-length",
    ];
    let mut got = names.clone();
    expected.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, expected);

    // The page shows the app's answer.
    let detail = listen.json("/_hooksig/api/deliveries/1");
    assert_eq!(detail["forward"]["status"], 503);
    assert_eq!(detail["forward_body"], "{\"app\":\"seen\"}");
}

#[test]
fn only_valid_forwards_what_verified() {
    let app = App::start(200);
    let listen = Listen::start(&[
        "--forward-to",
        &format!("{}/app/hook", app.url),
        "--only-valid",
        "--preset",
        "github",
        "--secret-env",
        "STRIPE_SECRET",
        "--path",
        "/hook",
    ]);
    let url = listen.url("/hook");
    send(
        &url,
        "github",
        &["--secret-env", "STRIPE_SECRET"],
        &["--tamper", "body"],
    );
    let line = listen.line();
    assert!(
        line.contains(" 403 signature_mismatch") && !line.contains("-> app"),
        "{line}"
    );
    send(&url, "github", &["--secret-env", "STRIPE_SECRET"], &[]);
    let line = listen.line();
    assert!(
        line.contains(" 200 ok event=invoice.paid -> app 200 in "),
        "{line}"
    );
    let (request_line, _, body) = split_request(&app.next());
    assert_eq!(request_line, "POST /app/hook HTTP/1.1");
    assert_eq!(body, BODY.as_bytes());
    assert!(app.nothing_more());
}

#[test]
fn history_stays_within_its_bound_under_10000_deliveries() {
    let listen = Listen::start(&[
        "--ui", "--preset", "github", "--secret", "s3cret", "--path", "/hook",
    ]);
    let signer = Signer::new(&Config::preset("github").unwrap().secret("s3cret")).unwrap();
    let agent = agent();
    let url = listen.url("/hook");
    for n in 1..=10_000u32 {
        let body = format!("{{\"n\":{n}}}");
        let signed = signer.sign(body.as_bytes(), None, None).unwrap();
        let mut request = agent.post(&url);
        for (name, value) in &signed {
            request = request.header(name, value);
        }
        let mut response = request.send(body.as_bytes()).unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let _ = response.body_mut().read_to_string();
    }
    for _ in 0..10_000 {
        listen.line();
    }
    let list = listen.json("/_hooksig/api/deliveries");
    assert_eq!(list["history"], 500);
    let ids: Vec<u64> = list["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, (9_501..=10_000).collect::<Vec<u64>>());
    assert_eq!(listen.get("/_hooksig/api/deliveries/9500").0, 404);
    assert_eq!(listen.get("/_hooksig/api/deliveries/9501").0, 200);

    // --history N, and bodies capped at 1 MiB each.
    let listen = Listen::start(&[
        "--ui",
        "--history",
        "3",
        "--max-body",
        "3000000",
        "--preset",
        "github",
        "--secret",
        "s3cret",
        "--path",
        "/hook",
    ]);
    let big = vec![b'x'; 1_500_000];
    let signed = signer.sign(&big, None, None).unwrap();
    for _ in 0..5 {
        let mut request = agent.post(&listen.url("/hook"));
        for (name, value) in &signed {
            request = request.header(name, value);
        }
        let mut response = request.send(&big[..]).unwrap();
        let _ = response.body_mut().read_to_string();
        listen.line();
    }
    let list = listen.json("/_hooksig/api/deliveries");
    let rows = list["deliveries"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter()
            .all(|r| r["size"] == 1_500_000 && r["truncated"] == true)
    );
    let detail = listen.json("/_hooksig/api/deliveries/5");
    assert_eq!(detail["replayable"], false);
    assert!(detail["curl"].is_null());
    assert_eq!(listen.post("/_hooksig/api/deliveries/5/replay").0, 409);
}

#[test]
fn a_64_mib_body_is_refused_before_it_is_read() {
    let listen = Listen::start(&[
        "--ui", "--preset", "github", "--secret", "s3cret", "--path", "/hook",
    ]);
    // Content-Length says 64 MiB and no byte of the body is sent: the answer comes at once
    // (a listener that waited for the body would time out here).
    let reply = raw(
        &listen.base,
        b"POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Hub-Signature-256: sha256=00\r\n\
          Content-Length: 67108864\r\nConnection: close\r\n\r\n",
    );
    let reply = text(&reply);
    assert!(reply.starts_with("HTTP/1.1 413 "), "{reply}");
    assert!(
        reply.ends_with("\r\n\r\n{\"error\":\"body_too_large\"}"),
        "{reply}"
    );
    assert!(listen.line().contains(" POST /hook 413 body_too_large"));
    let detail = listen.json("/_hooksig/api/deliveries/1");
    assert_eq!(
        (detail["size"].as_u64(), detail["truncated"].as_bool()),
        (Some(67_108_864), Some(true))
    );

    // Chunked, with no length: refused once past the limit, while the client still sends.
    let mut stream = TcpStream::connect(&listen.base[7..]).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut reader = stream.try_clone().unwrap();
    let answer = std::thread::spawn(move || {
        let mut reply = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = reader.read(&mut chunk) {
            if n == 0 {
                break;
            }
            reply.extend_from_slice(&chunk[..n]);
            if reply
                .windows(26)
                .any(|w| w == b"{\"error\":\"body_too_large\"}")
            {
                break;
            }
        }
        reply
    });
    let _ = stream.write_all(
        b"POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Hub-Signature-256: sha256=00\r\n\
          Transfer-Encoding: chunked\r\n\r\n",
    );
    let chunk = [b'y'; 65536];
    let mut sent = 0usize;
    while sent < 64 << 20 {
        if stream.write_all(b"10000\r\n").is_err()
            || stream.write_all(&chunk).is_err()
            || stream.write_all(b"\r\n").is_err()
        {
            break;
        }
        sent += chunk.len();
    }
    let reply = text(&answer.join().unwrap());
    assert!(reply.starts_with("HTTP/1.1 413 "), "{reply}");
    // The listener stopped reading: the client could not send the 64 MiB.
    assert!(sent < 64 << 20, "the listener read all {sent} bytes");
    assert!(listen.line().contains(" POST /hook 413 body_too_large"));
}

#[test]
fn save_then_send_from_delivers_the_same_requests_again() {
    let save = std::env::temp_dir().join(format!("hooksig-resend-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&save);
    let first = Listen::start(&[
        "--save",
        save.to_str().unwrap(),
        "--route",
        "/webhooks/noyo=noyo,secret-env=NOYO_SECRET",
        "--route",
        "/webhooks/gitlab=gitlab,secret-env=GITLAB_TOKEN",
    ]);
    send(
        &first.url("/webhooks/noyo"),
        "noyo",
        &["--secret-env", "NOYO_SECRET"],
        &[],
    );
    send(
        &first.url("/webhooks/noyo"),
        "noyo",
        &["--secret-env", "NOYO_SECRET"],
        &["--tamper", "signature"],
    );
    send(
        &first.url("/webhooks/gitlab"),
        "gitlab",
        &["--secret-env", "GITLAB_TOKEN"],
        &[],
    );
    for _ in 0..3 {
        first.line();
    }
    drop(first);
    let saved = std::fs::read_to_string(&save).unwrap();
    assert_eq!(saved.lines().count(), 3);
    assert!(!saved.contains(NOYO_SECRET) && !saved.contains(GITLAB_TOKEN));

    let second = Listen::start(&[
        "--route",
        "/webhooks/noyo=noyo,secret-env=NOYO_SECRET",
        "--route",
        "/webhooks/gitlab=gitlab,secret-env=GITLAB_TOKEN",
    ]);
    // The token was not saved: without a secret flag nothing is sent.
    let out = hooksig(&["send", &second.base, "--from", save.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("x-gitlab-token held a secret"),
        "{}",
        text(&out.stderr)
    );
    let out = hooksig(&[
        "send",
        &second.base,
        "--from",
        save.to_str().unwrap(),
        "--secret-env",
        "GITLAB_TOKEN",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].ends_with("/webhooks/noyo: HTTP 200 {\"ok\":true}"),
        "{stdout}"
    );
    assert!(lines[1].ends_with("/webhooks/noyo: HTTP 403 {\"error\":\"signature_mismatch\"}"));
    assert!(lines[2].ends_with("/webhooks/gitlab: HTTP 200 {\"ok\":true}"));
    assert!(second.line().contains(" POST /webhooks/noyo 200 ok"));
    assert!(
        second
            .line()
            .contains(" POST /webhooks/noyo 403 signature_mismatch")
    );
    assert!(second.line().contains(" POST /webhooks/gitlab 200 ok"));
    let _ = std::fs::remove_file(&save);
}

#[test]
fn bad_routes_and_hosts_are_usage_errors() {
    for (args, message) in [
        (&["--route", "/a=stripe"][..], "no key for stripe"),
        (
            &["--route", "/a=stripe,secret-env=STRIPE_SECRET,colour=red"][..],
            "unknown option `colour`",
        ),
        (&["--route", "/a"][..], "expected PATH=PRESET"),
        (
            &["--route", "/a=nope,secret=x"][..],
            "unknown preset `nope`",
        ),
        (
            &["--route", "a=github,secret=x"][..],
            "a path starts with /",
        ),
        (
            &["--route", "/_hooksig/x=github,secret=x"][..],
            "is the inspector's",
        ),
        (
            &[
                "--route",
                "/a=github,secret=x",
                "--route",
                "/a=github,secret=y",
            ][..],
            "two routes for /a",
        ),
        (
            &["--route", "/a=github,secret=x", "--only-valid"][..],
            "--only-valid needs --forward-to",
        ),
        (
            &["--route", "/a=github,secret=x", "--secret", "y"][..],
            "belong to --preset",
        ),
        (&[][..], "give --preset NAME"),
        (
            &["--route", "/a=github,secret=x", "--host", "0.0.0.0"][..],
            "--allow-remote",
        ),
        (
            &[
                "--route",
                "/a=github,secret=x",
                "--forward-to",
                "127.0.0.1:3000",
            ][..],
            "expected http://",
        ),
        (
            &[
                "--route",
                "/a=github,secret=x",
                "--port",
                "18734",
                "--forward-to",
                "http://localhost:18734",
            ][..],
            "that is this listener",
        ),
    ] {
        let out = command().arg("listen").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!text(&out.stderr).contains(STRIPE_SECRET));
    }
    // With --allow-remote it listens, and warns.
    let mut child = command()
        .args([
            "listen",
            "--route",
            "/a=github,secret=x",
            "--host",
            "0.0.0.0",
            "--allow-remote",
            "--port",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(
        first.starts_with("listening on http://127.0.0.1:"),
        "{first}"
    );
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        text(&out.stderr).contains("warning: listening on 0.0.0.0"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_page_refuses_other_sites() {
    let listen = Listen::start(&[
        "--ui", "--preset", "github", "--secret", "s3cret", "--path", "/hook",
    ]);
    send(&listen.url("/hook"), "github", &["--secret", "s3cret"], &[]);
    listen.line();
    let list = listen.url("/_hooksig/api/deliveries");
    let status = |request: ureq::RequestBuilder<ureq::typestate::WithoutBody>| {
        request.call().unwrap().status().as_u16()
    };
    assert_eq!(status(agent().get(&list)), 200);
    // DNS rebinding: a name that resolves here, but is not this machine's.
    assert_eq!(
        status(agent().get(&list).header("Host", "attacker.example:80")),
        403
    );
    assert_eq!(
        status(agent().get(&list).header("Sec-Fetch-Site", "cross-site")),
        403
    );
    let replay = listen.url("/_hooksig/api/deliveries/1/replay");
    let post = |content_type: &str, origin: Option<&str>| {
        let mut request = agent().post(&replay).header("Content-Type", content_type);
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        request.send("{}").unwrap().status().as_u16()
    };
    assert_eq!(post("text/plain", None), 403);
    assert_eq!(
        post("application/json", Some("http://attacker.example")),
        403
    );
    assert_eq!(post("application/json", Some(&listen.base)), 200);
    // The page itself: a strict content security policy, no inline script.
    let response = agent().get(&listen.url("/_hooksig/")).call().unwrap();
    let csp = response
        .headers()
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    // Without --ui there is no page.
    let plain = Listen::start(&[
        "--preset", "github", "--secret", "s3cret", "--path", "/hook",
    ]);
    assert_eq!(plain.get("/_hooksig/").0, 404);
}

/// A byte string of `tests/vectors/http.json`: text, `{"hex": ...}` or `{"repeat", "length"}`.
fn vector_bytes(value: &serde_json::Value) -> Vec<u8> {
    if let Some(text) = value.as_str() {
        return text.as_bytes().to_vec();
    }
    if let Some(hex) = value.get("hex").and_then(|h| h.as_str()) {
        return (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
    }
    let unit = value["repeat"].as_str().unwrap().as_bytes();
    let length = value["length"].as_u64().unwrap() as usize;
    unit.iter().copied().cycle().take(length).collect()
}

/// The helper contract every framework helper runs (`tests/vectors/http.json`), run against
/// `hooksig listen`: the same status and `{"error": code}`, and "the handler ran" is "the
/// delivery was forwarded" (`--forward-to` a real app with `--only-valid`). The listener
/// forwards before it answers, so by the answer the app has the request or never will.
#[test]
fn listen_keeps_the_helper_contract() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/http.json");
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let app = App::start(200);
    let mut ran = 0;
    for case in vectors["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let expect = &case["expect"];
        if expect["json_helpers_only"] == true {
            continue; // The listener does not parse the body as JSON.
        }
        let preset = case["preset"].as_str().unwrap();
        let mut args: Vec<String> = ["--preset", preset, "--path", "/webhooks/test"]
            .map(String::from)
            .to_vec();
        args.extend([
            "--forward-to".into(),
            app.url.clone(),
            "--only-valid".into(),
        ]);
        for secret in case["secrets"].as_array().into_iter().flatten() {
            args.extend(["--secret".into(), secret.as_str().unwrap().into()]);
        }
        for key in case["public_keys"].as_array().into_iter().flatten() {
            args.extend(["--public-key".into(), key.as_str().unwrap().into()]);
        }
        if let Some(max) = case["max_body"].as_u64() {
            args.extend(["--max-body".into(), max.to_string()]);
        }
        if let Some(url) = case["public_url"].as_str() {
            args.extend(["--public-url".into(), url.into()]);
        }
        if case.get("tolerance").is_some_and(|t| t.is_null()) {
            args.push("--no-tolerance".into());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let listen = Listen::start(&refs);
        let request_url = listen.url("/webhooks/test");

        let body = vector_bytes(&case["body"]);
        let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
        if let Some(sign) = case.get("sign") {
            let mut config = Config::preset(preset).unwrap();
            for secret in case["secrets"].as_array().into_iter().flatten() {
                config = config.secret(secret.as_str().unwrap());
            }
            if let Some(key) = case["private_key"].as_str() {
                config = config.private_key(key);
            }
            let signed_url = match sign["url"].as_str() {
                None | Some("request") => request_url.clone(),
                Some(url) => url.to_owned(),
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let mut context = Context::new().url(&signed_url).method("POST");
            context.now = Some(now - sign["age"].as_u64().unwrap());
            let signer = Signer::new(&config).unwrap();
            for (name, value) in signer.sign_with(&body, None, &context).unwrap() {
                headers.push((name, value.into_bytes()));
            }
        }
        for pair in case["headers"].as_array().into_iter().flatten() {
            headers.push((pair[0].as_str().unwrap().into(), vector_bytes(&pair[1])));
        }

        let mut request = format!(
            "POST /webhooks/test HTTP/1.1\r\nHost: {}\r\n",
            &listen.base[7..]
        )
        .into_bytes();
        for (name, value) in &headers {
            request.extend_from_slice(name.as_bytes());
            request.extend_from_slice(b": ");
            request.extend_from_slice(value);
            request.extend_from_slice(b"\r\n");
        }
        let chunked = case.get("content_length").is_some_and(|c| c.is_null());
        match case.get("content_length").and_then(|c| c.as_str()) {
            _ if chunked => request.extend_from_slice(b"Transfer-Encoding: chunked\r\n"),
            Some(length) => {
                request.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes())
            }
            None => {
                request.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes())
            }
        }
        request.extend_from_slice(b"Connection: close\r\n\r\n");
        if chunked {
            request.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
            request.extend_from_slice(&body);
            request.extend_from_slice(b"\r\n0\r\n\r\n");
        } else {
            request.extend_from_slice(&body);
        }
        let reply = raw(&listen.base, &request);
        let reply_text = text(&reply);
        let status: u16 = reply_text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{name}: {reply_text}"));
        let allowed: Vec<u64> = match &expect["status"] {
            serde_json::Value::Array(list) => list.iter().map(|s| s.as_u64().unwrap()).collect(),
            one => vec![one.as_u64().unwrap()],
        };
        assert!(allowed.contains(&u64::from(status)), "{name}: {reply_text}");
        if let Some(code) = expect["error"].as_str() {
            let (_, payload) = reply_text.split_once("\r\n\r\n").unwrap();
            assert_eq!(payload, format!("{{\"error\":\"{code}\"}}"), "{name}");
        }
        let handler = match expect["handler_if_status"].as_u64() {
            Some(when) => u64::from(status) == when,
            None => expect["handler"].as_bool().unwrap(),
        };
        match app.requests.try_recv() {
            Ok(forwarded) => {
                assert!(handler, "{name}: forwarded, but the handler must not run");
                if status == 200 && case.get("content_length").is_none() {
                    assert_eq!(
                        split_request(&forwarded).2,
                        body,
                        "{name}: the body changed"
                    );
                }
            }
            Err(_) => assert!(!handler, "{name}: not forwarded"),
        }
        ran += 1;
    }
    assert_eq!(ran, 22);
}
