//! Builds the planner's page bundle (cargo feature `web`, on by default) into `OUT_DIR`,
//! so the server carries it in the binary and the repository carries no library code.
//!
//! Steps, all inside `OUT_DIR/web` (the source tree is never written to): copy
//! web/package.json, web/package-lock.json and web/src; `npm ci` from the lock, skipped when
//! `node_modules` was installed from the same lock (a marker holds the lock's hash); esbuild
//! from that `node_modules` into `dist/` (app.js, app.css), plus `dist/licenses.txt`.
//!
//! Where npm or node is missing or a step fails, the crate still builds: a `cargo:warning`
//! says why, and the cfg `stockroute_no_page` makes `/` serve a page saying how to get the
//! real one (src/api/page.rs). With `STOCKROUTE_REQUIRE_WEB=1` (CI) that is an error instead.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The cfg under which src/api/page.rs serves the "built without the page" message.
const NO_PAGE_CFG: &str = "stockroute_no_page";

fn main() {
    println!("cargo:rustc-check-cfg=cfg({NO_PAGE_CFG})");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_WEB").is_none() {
        return;
    }
    for path in ["web/src", "web/package.json", "web/package-lock.json"] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=STOCKROUTE_REQUIRE_WEB");
    let Err(why) = build_page() else { return };
    if std::env::var("STOCKROUTE_REQUIRE_WEB").is_ok_and(|v| v == "1") {
        eprintln!("error: the planner's page was not built: {why}");
        eprintln!("STOCKROUTE_REQUIRE_WEB=1 asks for it: install Node.js and npm (see README)");
        std::process::exit(1);
    }
    println!(
        "cargo:warning=the planner's page was not built ({why}); `/` says how to get it: \
         install Node.js and npm, then rebuild with STOCKROUTE_REQUIRE_WEB=1"
    );
    println!("cargo:rustc-cfg={NO_PAGE_CFG}");
    // A node installed into a new PATH entry (nvm, a toolchain folder) reruns this.
    println!("cargo:rerun-if-env-changed=PATH");
}

/// Copies the sources into `OUT_DIR/web`, installs the lock there and bundles.
fn build_page() -> Result<(), String> {
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?);
    let web = out.join("web");
    let src = Path::new("web");
    fs::create_dir_all(&web).map_err(|e| format!("creating {}: {e}", web.display()))?;
    for file in ["package.json", "package-lock.json"] {
        copy(&src.join(file), &web.join(file))?;
    }
    // A fresh copy, so a file deleted from web/src is not bundled from an old copy.
    let _ = fs::remove_dir_all(web.join("src"));
    copy_dir(&src.join("src"), &web.join("src"))?;

    let lock = fs::read(src.join("package-lock.json"))
        .map_err(|e| format!("reading web/package-lock.json: {e}"))?;
    let lock_hash = format!("{:016x}\n", fnv1a(&lock));
    let marker = web.join("node_modules/.stockroute-lock-hash");
    if fs::read_to_string(&marker).ok().as_deref() != Some(lock_hash.as_str()) {
        // esbuild's install script only swaps its JS launcher for the native binary (a
        // speed-up); the launcher finds the same binary in @esbuild/<platform> without it,
        // and a build then runs no package's install code.
        run(Command::new("npm").args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"]), &web)?;
        fs::write(&marker, &lock_hash).map_err(|e| format!("writing {}: {e}", marker.display()))?;
    }

    run(
        Command::new("node").args([
            "node_modules/esbuild/bin/esbuild",
            "src/app.js",
            "--bundle",
            "--minify",
            "--format=iife",
            "--target=es2019",
            "--legal-comments=eof",
            "--charset=utf8",
            "--loader:.png=dataurl",
            "--loader:.svg=dataurl",
            "--log-level=warning",
            "--outdir=dist",
        ]),
        &web,
    )?;
    licenses(&web)
}

/// Writes `dist/licenses.txt`: the bundled library's licence and the map data's.
fn licenses(web: &Path) -> Result<(), String> {
    let leaflet = web.join("node_modules/leaflet");
    let read = |p: PathBuf| fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()));
    let manifest = read(leaflet.join("package.json"))?;
    let version = manifest
        .split("\"version\"")
        .nth(1)
        .and_then(|rest| rest.split('"').nth(1))
        .ok_or("no version in leaflet's package.json")?;
    let text = format!(
        "The planner's page (/ui/app.js, /ui/app.css) bundles Leaflet {version},\n\
         https://leafletjs.com, under this licence:\n\n{}\n\
         Map data and the road network: (c) OpenStreetMap contributors, ODbL 1.0,\n\
         https://www.openstreetmap.org/copyright\n",
        read(leaflet.join("LICENSE"))?
    );
    let path = web.join("dist/licenses.txt");
    fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Runs `command` in `dir`; its output goes to cargo's build log.
fn run(command: &mut Command, dir: &Path) -> Result<(), String> {
    let name = command.get_program().to_string_lossy().into_owned();
    let output = command
        .current_dir(dir)
        .output()
        .map_err(|e| format!("{name} could not be started: {e}"))?;
    // Shown by cargo with -vv, or when this script fails.
    eprint!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(())
    } else {
        let last = String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or("").to_owned();
        Err(format!("{name} failed ({}): {last}", output.status))
    }
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to).map(drop).map_err(|e| format!("copying {}: {e}", from.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", from.display()))?;
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if path.is_dir() { copy_dir(&path, &target)? } else { copy(&path, &target)? }
    }
    Ok(())
}

/// FNV-1a, 64 bits: tells whether `node_modules` came from this lock (not a security measure).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
