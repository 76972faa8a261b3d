//! `include/hooksig.h` is what cbindgen makes of `src/lib.rs` today.
//!
//! Runs cbindgen as a library, so a fresh machine needs no `cbindgen` binary. With
//! `HOOKSIG_BLESS=1` it rewrites the header instead of failing.

use std::path::Path;

#[test]
fn header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml parses");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen reads src/lib.rs")
        .write(&mut generated);
    let generated = String::from_utf8(generated).expect("the header is UTF-8");
    let path = crate_dir.join("include/hooksig.h");
    if std::env::var_os("HOOKSIG_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("include/hooksig.h is writable");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "include/hooksig.h is stale: run `HOOKSIG_BLESS=1 cargo test -p hooksig-c --test header` \
         and commit the result"
    );
}
