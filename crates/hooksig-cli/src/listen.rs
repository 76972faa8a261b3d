//! `hooksig listen`: a local receiver that verifies and logs each delivery, forwards it to
//! your app, and with `--ui` shows every delivery in a page at `/_hooksig/`.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::input::{SchemeArgs, SecretArgs};
use crate::inspector::{self, Inspector};
use crate::route::Route;
use crate::server::{self, Forwarding, Listener};

/// The arguments of `hooksig listen`.
#[derive(Args)]
pub struct ListenArgs {
    #[command(flatten)]
    scheme: SchemeArgs,
    #[command(flatten)]
    secrets: SecretArgs,
    /// Another receiving path with its own preset and keys (repeat for each):
    /// PATH=PRESET[,OPTION=VALUE...], the options being secret-env, secret-file, secret,
    /// public-key, public-key-file, private-key-env, private-key-file, param=NAME=VALUE,
    /// tolerance, no-tolerance, public-url and forward-to. PRESET may be a FILE.json scheme.
    /// E.g. --route /webhooks/stripe=stripe,secret-env=STRIPE_SECRET
    #[arg(long = "route", value_name = "PATH=PRESET[,OPTION=VALUE...]")]
    routes: Vec<String>,
    /// The address to listen on: loopback only, unless --allow-remote.
    #[arg(long, default_value = "127.0.0.1", value_parser = parse_host)]
    host: IpAddr,
    /// Listen on a --host that other machines can reach (the page shows every delivery and
    /// can send them again: anyone who reaches the port can too).
    #[arg(long)]
    allow_remote: bool,
    /// The port (0 picks a free one; the line `listening on ...` says which).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// The path webhooks are POSTed to for --preset; other paths answer 404.
    #[arg(long, default_value = "/webhook")]
    path: String,
    /// The largest body read, in bytes; a larger one answers 413 without being read.
    #[arg(long, default_value_t = 1 << 20)]
    max_body: usize,
    /// Stop after this many deliveries (default: run until interrupted).
    #[arg(long)]
    max_requests: Option<u64>,
    /// The URL the provider calls, as its dashboard has it, for URL-signed schemes behind a
    /// tunnel or proxy (default: http://, the Host header, then the request's path and query).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Serve the inspector page at /_hooksig/: every delivery, live, with why it failed.
    #[arg(long)]
    ui: bool,
    /// How many deliveries the inspector keeps (bodies at most 1 MiB each).
    #[arg(long, default_value_t = 500, value_name = "N")]
    history: usize,
    /// Forward each delivery to your app, body and headers unchanged (hop-by-hop headers
    /// dropped). A URL without a path keeps the delivery's path; one with a path is used as is.
    #[arg(long, value_name = "URL", value_parser = crate::forward::check_url)]
    forward_to: Option<String>,
    /// Forward only deliveries that verified (and handshakes).
    #[arg(long)]
    only_valid: bool,
    /// Seconds to wait for the app's answer.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    forward_timeout: u64,
    /// Append each delivery to FILE as a JSON line, which `hooksig send --from FILE` sends
    /// again (a secret header is saved as null).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
}

/// Serves until interrupted (or `--max-requests`), printing one line per delivery.
pub fn run(args: &ListenArgs) -> Result<ExitCode, String> {
    let routes = routes(args)?;
    if args.only_valid && args.forward_to.is_none() && routes.iter().all(|r| r.forward_to.is_none())
    {
        return Err("--only-valid needs --forward-to URL (or forward-to= in a --route)".into());
    }
    if args.history == 0 && args.ui {
        return Err("--history must be at least 1".into());
    }
    if !args.host.is_loopback() {
        if !args.allow_remote {
            return Err(format!(
                "--host {}: not a loopback address; anyone who reaches it could read and resend \
                 every delivery. Add --allow-remote to listen there anyway",
                args.host
            ));
        }
        eprintln!(
            "hooksig: warning: listening on {}, which other machines may reach: they can send \
             deliveries{}",
            args.host,
            if args.ui {
                ", read every one at /_hooksig/ and make this machine send them again"
            } else {
                ""
            }
        );
    }
    let save = match &args.save {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("--save {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let listener = Arc::new(Listener::new(
        routes,
        args.max_body,
        Forwarding {
            to: args.forward_to.clone(),
            only_valid: args.only_valid,
            agent: crate::forward::agent(Duration::from_secs(args.forward_timeout)),
        },
        args.ui.then(|| Inspector::new(args.history)),
        save,
        args.max_requests,
        args.allow_remote,
    ));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("starting the server: {e}"))?;
    runtime.block_on(serve(args, listener))
}

fn parse_host(text: &str) -> Result<IpAddr, String> {
    match text {
        "localhost" => Ok(IpAddr::from([127, 0, 0, 1])),
        _ => text
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address (e.g. 127.0.0.1 or ::1)")),
    }
}

fn routes(args: &ListenArgs) -> Result<Vec<Route>, String> {
    let mut routes = Vec::new();
    if args.scheme.is_given() {
        let keys = args.secrets.keys()?;
        let mut route = Route::new(
            &args.path,
            args.scheme.label(),
            args.scheme.config()?,
            &keys,
        )?;
        route.public_url = args.public_url.clone();
        routes.push(route);
    } else if args.secrets.is_given() || args.public_url.is_some() {
        return Err(
            "key flags and --public-url belong to --preset (or --scheme); a --route takes \
                    its own: --route PATH=PRESET,secret-env=NAME,public-url=URL"
                .into(),
        );
    }
    for spec in &args.routes {
        routes.push(Route::parse(spec)?);
    }
    if routes.is_empty() {
        return Err(
            "give --preset NAME (with --path) or --route PATH=PRESET,secret-env=NAME".into(),
        );
    }
    for (i, route) in routes.iter().enumerate() {
        if routes[..i].iter().any(|r| r.path == route.path) {
            return Err(format!("two routes for {}", route.path));
        }
    }
    Ok(routes)
}

/// Refuses a forward target that is this listener: each delivery would come back in.
fn refuse_forward_loop(listener: &Listener, port: u16) -> Result<(), String> {
    let routes = listener.routes.iter().filter_map(|r| r.forward_to.as_ref());
    for target in listener.forward.to.iter().chain(routes) {
        if crate::forward::is_local_port(target, port) {
            return Err(format!(
                "--forward-to {target}: that is this listener (port {port}); each delivery \
                 would come back in"
            ));
        }
    }
    Ok(())
}

async fn serve(args: &ListenArgs, listener: Arc<Listener>) -> Result<ExitCode, String> {
    if args.port != 0 {
        refuse_forward_loop(&listener, args.port)?;
    }
    let address = SocketAddr::new(args.host, args.port);
    let socket = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("listening on {address}: {e}"))?;
    let bound = socket
        .local_addr()
        .map_err(|e| format!("listening on {address}: {e}"))?;
    let shown = match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from(([127, 0, 0, 1], bound.port())),
        _ => bound,
    };
    refuse_forward_loop(&listener, bound.port())?;
    let paths: Vec<String> = listener
        .routes
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i == 0 {
                format!("http://{shown}{} ({})", r.path, r.label)
            } else {
                format!("{} ({})", r.path, r.label)
            }
        })
        .collect();
    println!("listening on {}; Ctrl-C to stop", paths.join(", "));
    if listener.inspector.is_some() {
        println!("inspector on http://{shown}{}", inspector::PREFIX);
    }
    if let Some(to) = &listener.forward.to {
        let which = if listener.forward.only_valid {
            "what verifies"
        } else {
            "every delivery"
        };
        println!("forwarding {which} to {to}");
    }
    let _ = std::io::stdout().flush();

    let mut app = axum::Router::new();
    if listener.inspector.is_some() {
        app = app.merge(inspector::router(&listener));
    }
    let app = app
        .fallback(server::receive)
        .with_state(Arc::clone(&listener));
    let mut stop = listener.shutdown.subscribe();
    axum::serve(socket, app)
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|stop| *stop).await;
        })
        .await
        .map_err(|e| format!("serving on {bound}: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
