//! The harness of the browser tests: the reference backend and the simulator in-process on
//! loopback, Debian's `chromedriver` started on a free loopback port, and headless Chromium
//! driven through `fantoccini`.

use std::collections::HashMap;
use std::future::Future;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use fantoccini::{Client as Browser, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use wppconnect_client::{Client, RetryPolicy};
use wppconnect_examples::backend::auth::hash_password;
use wppconnect_examples::backend::{Auth, Backend, Parts, Store};
use wppconnect_sim::{RunningSimulator, Simulator, SimulatorBuilder};

/// The console's user and password in these tests.
pub(crate) const USER: &str = "admin";
pub(crate) const PASSWORD: &str = "correct-horse-battery";
/// The backend's JWT secret in these tests (to forge tokens the page must refuse).
pub(crate) const JWT_SECRET: &str = "browser-tests-jwt-secret";
/// The backend's webhook secret in these tests (to post events as WPPConnect Server would).
pub(crate) const WEBHOOK_SECRET: &str = "browser-tests-webhook-secret";
/// Only stops a hang: every wait ends as soon as its condition holds (a busy machine makes the
/// page slow, so this is long).
pub(crate) const WAIT: Duration = Duration::from_secs(60);
/// Time between two acks of a sent message: long enough to see each tick in the page.
pub(crate) const ACK_STEP: Duration = Duration::from_millis(1000);

/// Browser tests run one at a time: each drives a whole Chromium, and the machine is small.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A running `chromedriver`; killed on drop.
struct Driver {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh Chromium profile directory, removed on drop.
struct Profile(PathBuf);

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn find_program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("its address").port()
}

fn start_driver() -> Driver {
    let Some(program) = find_program("CHROMEDRIVER", &["chromedriver"]) else {
        panic!(
            "chromedriver not found: the browser tests need Chromium and its driver \
             (`apt-get install -y chromium chromium-driver`), or CHROMEDRIVER=/path/to/chromedriver"
        );
    };
    let port = free_port();
    let child = Command::new(&program)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let driver = Driver { child, addr };
    // a hang guard only: a busy machine may take long to start the driver
    let deadline = Instant::now() + Duration::from_secs(90);
    // a refused connection fails at once; the per-attempt limit only matters when the machine
    // is too busy to answer, so it is as long as the other waits
    while TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{} did not listen on {addr} within 90 s",
            program.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    driver
}

fn fresh_profile() -> Profile {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "wppconnect-browser-tests-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a profile directory");
    Profile(dir)
}

async fn start_browser(driver: &Driver, profile: &Path, width: u32, height: u32) -> Browser {
    let mut args = vec![
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-dev-shm-usage".to_owned(),
        format!("--user-data-dir={}", profile.display()),
        format!("--window-size={width},{height}"),
    ];
    args.push("--lang=en-US".to_owned());
    let mut options = json!({ "args": args });
    if let Some(binary) = find_program("CHROME", &["chromium", "chromium-browser"]) {
        options["binary"] = json!(binary.display().to_string());
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".to_owned(), json!("chrome"));
    capabilities.insert("goog:chromeOptions".to_owned(), options);
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://{}", driver.addr))
        .await
        .unwrap_or_else(|e| panic!("chromedriver could not start Chromium: {e}"))
}

/// The backend, the simulator and a browser, for one test.
pub(crate) struct Console {
    /// The browser (a cheap handle; clones drive the same window).
    pub(crate) browser: Browser,
    /// The simulated WPPConnect Server.
    pub(crate) sim: RunningSimulator,
    /// The backend's address, `http://127.0.0.1:port`.
    pub(crate) base: String,
}

/// Runs `test` against a fresh backend, simulator and headless Chromium of `width` x `height`;
/// the browser is closed even when the test fails, and the failure is then reported.
pub(crate) async fn with_console<F, Fut>(width: u32, height: u32, test: F)
where
    F: FnOnce(Console) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_simulator(|sim| sim, width, height, test).await;
}

/// [`with_console`] with a simulator configured by `configure` (on top of fast timings and
/// [`ACK_STEP`]).
pub(crate) async fn with_simulator<F, Fut>(
    configure: impl FnOnce(SimulatorBuilder) -> SimulatorBuilder,
    width: u32,
    height: u32,
    test: F,
) where
    F: FnOnce(Console) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let _turn = ONE_AT_A_TIME.lock().await;
    let driver = start_driver();
    let profile = fresh_profile();
    let sim = configure(Simulator::builder().fast().ack_step(ACK_STEP))
        .start("127.0.0.1:0")
        .await
        .expect("the simulator starts");
    let client = Client::builder(&sim.url())
        .expect("the simulator's URL")
        .secret_key(sim.secret_key())
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client");
    let store = Store::open("sqlite::memory:")
        .await
        .expect("an in-memory store");
    let auth = Auth::new(
        HashMap::from([(USER.to_owned(), hash_password(PASSWORD).expect("a hash"))]),
        JWT_SECRET,
    );
    let backend = Backend::bind(
        "127.0.0.1:0",
        Parts::new(client, store, auth, WEBHOOK_SECRET),
    )
    .await
    .expect("the backend binds a loopback port");
    let base = backend.url();
    let server = backend.spawn();
    let browser = start_browser(&driver, &profile.0, width, height).await;
    let handle = browser.clone();
    let outcome = tokio::spawn(test(Console { browser, sim, base })).await;
    let _ = handle.close().await;
    server.abort();
    drop(driver);
    drop(profile);
    if let Err(error) = outcome {
        if error.is_panic() {
            std::panic::resume_unwind(error.into_panic());
        }
        panic!("the test was cancelled: {error}");
    }
}

/// Polls `check` every 50 ms until it gives a value; fails the test after [`WAIT`].
pub(crate) async fn until<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {WAIT:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

impl Console {
    /// Runs a script in the page (`arguments[0..]` are `args`) and returns its value.
    pub(crate) async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.browser
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// The text of the first element matching `css`, `None` when there is none.
    pub(crate) async fn text(&self, css: &str) -> Option<String> {
        let value = self
            .js(
                "const n = document.querySelector(arguments[0]); return n ? n.textContent : null;",
                vec![json!(css)],
            )
            .await;
        value.as_str().map(str::to_owned)
    }

    /// An attribute of the first element matching `css`.
    pub(crate) async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let value = self
            .js(
                "const n = document.querySelector(arguments[0]); return n ? n.getAttribute(arguments[1]) : null;",
                vec![json!(css), json!(name)],
            )
            .await;
        value.as_str().map(str::to_owned)
    }

    /// Whether an element matching `css` exists and is rendered (not hidden, has a box).
    pub(crate) async fn visible(&self, css: &str) -> bool {
        self.js(
            "const n = document.querySelector(arguments[0]); \
             return !!n && n.getClientRects().length > 0 && getComputedStyle(n).visibility !== 'hidden';",
            vec![json!(css)],
        )
        .await
            == json!(true)
    }

    /// How many elements match `css`.
    pub(crate) async fn count(&self, css: &str) -> u64 {
        self.js(
            "return document.querySelectorAll(arguments[0]).length;",
            vec![json!(css)],
        )
        .await
        .as_u64()
        .unwrap_or(0)
    }

    /// Waits until `css` is visible.
    pub(crate) async fn wait_visible(&self, css: &str) {
        until(&format!("{css} to be visible"), || async {
            self.visible(css).await.then_some(())
        })
        .await;
    }

    /// Waits until the text of `css` contains `part`; returns the whole text.
    pub(crate) async fn wait_text(&self, css: &str, part: &str) -> String {
        until(&format!("{css} to contain {part:?}"), || async {
            self.text(css).await.filter(|t| t.contains(part))
        })
        .await
    }

    /// Types into the element matching `css` as a person would (key events).
    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let element = self
            .browser
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"));
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
    }

    /// Clicks the element matching `css` as a person would.
    ///
    /// Live updates re-render lists, so an element found a moment ago can be replaced before the
    /// click lands ("stale element reference"); then it is found again, a few times at most.
    pub(crate) async fn click(&self, css: &str) {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let element = self
                .browser
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no {css}: {e}"));
            match element.click().await {
                Ok(_) => return,
                Err(e) if attempts < 10 && e.to_string().contains("stale element") => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                Err(e) => panic!("cannot click {css}: {e}"),
            }
        }
    }

    /// Opens the console and logs in through the form (Enter in the password field submits).
    pub(crate) async fn log_in(&self) {
        self.browser
            .goto(&self.base)
            .await
            .expect("the console loads");
        self.wait_visible("#login-form").await;
        self.js("document.getElementById('username').value = '';", vec![])
            .await;
        self.type_into("#username", USER).await;
        self.type_into("#password", &format!("{PASSWORD}\u{E007}"))
            .await;
        self.wait_visible("#app-view").await;
    }

    /// Logs in, starts the session `main` from the page, waits for the QR code, scans it
    /// through the simulator and waits until the page shows connected.
    pub(crate) async fn connect(&self) {
        self.log_in().await;
        self.click("#start-session").await;
        self.wait_visible("#qr-image").await;
        until("the simulator to show a QR code", || async {
            (self.sim.status("main") == wppconnect_sim::SessionStatus::QrCode).then_some(())
        })
        .await;
        self.sim.scan("main").expect("the simulator scans");
        until("the page to show connected", || async {
            (self.attr("#session-status", "data-status").await.as_deref() == Some("connected"))
                .then_some(())
        })
        .await;
    }

    /// The `data-status` of the outgoing bubbles, oldest first.
    pub(crate) async fn outgoing_statuses(&self) -> Vec<String> {
        let value = self
            .js(
                "return [...document.querySelectorAll('#messages .message.out')].map(n => n.dataset.status);",
                vec![],
            )
            .await;
        value
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Saves a PNG of the window to `path`.
    pub(crate) async fn screenshot(&self, path: &Path) {
        let png = self.browser.screenshot().await.expect("a screenshot");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("the screenshot's directory");
        }
        std::fs::write(path, png).expect("the screenshot is written");
    }
}
