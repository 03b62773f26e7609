//! The route table against the server's route list, and the coverage doc against the table.
//!
//! `docs/api-coverage.md` is generated: after changing `src/routes.rs`, regenerate it with
//! `UPDATE_COVERAGE=1 cargo test -p wppconnect-client --test routes`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use wppconnect_client::routes::{self, Coverage, HttpMethod};

/// `routes.txt` of WPPConnect Server 2.10.4 (copied from its `src/routes/index.ts` listing).
const SERVER_ROUTES: &str = include_str!("fixtures/routes.txt");

fn coverage_doc() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/api-coverage.md")
}

#[test]
fn the_table_has_exactly_the_servers_routes() {
    let server: BTreeSet<(String, String)> = SERVER_ROUTES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (method, path) = l.trim().split_once(' ').expect("METHOD PATH");
            (method.to_owned(), path.to_owned())
        })
        .collect();
    let table: BTreeSet<(String, String)> = routes::ALL
        .iter()
        .map(|r| (r.method().to_string(), r.path().to_owned()))
        .collect();
    let missing: Vec<_> = server.difference(&table).collect();
    let extra: Vec<_> = table.difference(&server).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "routes of the server missing from the table: {missing:?}; routes of the table the server does not have: {extra:?}"
    );
    assert_eq!(routes::ALL.len(), 156, "no route twice");
    assert_eq!(server.len(), 156);
}

#[test]
fn the_coverage_doc_is_the_rendering_of_the_table() {
    let rendered = routes::coverage_markdown();
    let path = coverage_doc();
    // The doc is the repository's, not the crate's: a packaged crate (`.ci/package`) has no
    // `../docs`, and there is nothing to compare. In the repository the folder always exists.
    if path.parent().is_some_and(|docs| !docs.is_dir()) {
        eprintln!("no repository docs folder next to the crate: coverage doc not compared");
        return;
    }
    if std::env::var_os("UPDATE_COVERAGE").is_some() {
        std::fs::write(&path, &rendered).expect("write docs/api-coverage.md");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == rendered,
        "docs/api-coverage.md differs from the route table; regenerate it with \
         `UPDATE_COVERAGE=1 cargo test -p wppconnect-client --test routes`"
    );
}

#[test]
fn every_route_has_its_coverage_and_methods_consistent() {
    for route in routes::ALL {
        match route.coverage() {
            Coverage::EscapeHatch => assert!(route.methods().is_empty(), "{route}"),
            Coverage::Typed | Coverage::Partial(_) => {
                assert!(!route.methods().is_empty(), "{route} names no method");
            }
            _ => {}
        }
    }
    assert!(routes::find(HttpMethod::Delete, "/api/:session/newsletter/:id").is_some());
    assert!(routes::find(HttpMethod::Get, "/api/:session/newsletter/:id").is_none());
}

mod support;

use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn the_tables_retry_class_decides_whether_a_post_is_repeated() {
    let server = server().await;
    // list-chats is a POST that only reads: the table marks it safe, so a 502 is retried.
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/list-chats")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    // create-group would create a second group: the table marks it never, so one request.
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/create-group")))
        .and(bearer())
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    let session = client(&server).session(SESSION).unwrap();
    assert_eq!(routes::LIST_CHATS.retry(), routes::Retry::Safe);
    assert_eq!(routes::CREATE_GROUP.retry(), routes::Retry::Never);
    let err = session.list_chats().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    let err = session
        .create_group("Loja", &["5511999999999"])
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
}

/// The `async fn` names declared inside `pub trait <name>` of a source file.
fn trait_methods(source: &str, name: &str) -> Vec<String> {
    let start = source
        .find(&format!("pub trait {name}"))
        .unwrap_or_else(|| panic!("no trait {name}"));
    let body = &source[start..];
    let end = body.find("\n}\n").expect("the trait ends");
    body[..end]
        .split("async fn ")
        .skip(1)
        .map(|rest| rest.split(['(', '<']).next().unwrap_or_default().to_owned())
        .collect()
}

/// Session methods that are conveniences over a trait method, not operations of their own.
const SESSION_HELPERS: &[(&str, &str)] = &[
    (
        "save_media",
        "writes get_media_by_message's bytes to a file",
    ),
    ("wait_until_connected", "polls status"),
    ("messages_pages", "a stream of get_messages pages"),
    (
        "send_message_body",
        "the builder's body form of send_message",
    ),
    ("add_product_body", "the builder's body form of add_product"),
    ("subscribe_presence_all", "subscribe_presence with `all`"),
    (
        "subscribe_presence_body",
        "the body form of subscribe_presence",
    ),
    (
        "resolve_number",
        "check_number_status, then the id it gives",
    ),
];

#[test]
fn every_typed_method_can_be_faked_through_a_trait() {
    let wpp_api = trait_methods(include_str!("../src/api.rs"), "WppApi");
    let server_api = trait_methods(include_str!("../src/server_api.rs"), "WppServerApi");
    assert!(wpp_api.len() > 100, "{}", wpp_api.len());
    let mut missing = Vec::new();
    for route in routes::ALL {
        let named: Vec<(&str, &str)> = route
            .methods()
            .iter()
            .filter_map(|m| m.split_once("::"))
            .collect();
        let has = |owner: &str, method: &str| named.contains(&(owner, method));
        for &(owner, method) in &named {
            match owner {
                "Session"
                    if !SESSION_HELPERS.iter().any(|(h, _)| *h == method)
                        && !has("WppApi", method) =>
                {
                    missing.push(format!(
                        "{route}: Session::{method} has no WppApi::{method}"
                    ));
                }
                "Client" if !has("WppServerApi", method) => {
                    missing.push(format!(
                        "{route}: Client::{method} has no WppServerApi::{method}"
                    ));
                }
                "WppApi" if !wpp_api.iter().any(|m| m == method) => {
                    missing.push(format!(
                        "{route}: the table names WppApi::{method}, the trait has none"
                    ));
                }
                "WppServerApi" if !server_api.iter().any(|m| m == method) => {
                    missing.push(format!(
                        "{route}: the table names WppServerApi::{method}, the trait has none"
                    ));
                }
                _ => {}
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The names of the public functions of `src/` whose doc comment holds a code example.
fn methods_with_an_example() -> Vec<String> {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut in_doc_example = false;
            let mut doc_has_example = false;
            for line in text.lines().map(str::trim) {
                if let Some(doc) = line.strip_prefix("///") {
                    if doc.trim().starts_with("```") {
                        in_doc_example = !in_doc_example;
                        doc_has_example = true;
                    }
                    continue;
                }
                if line.starts_with("#[") {
                    continue;
                }
                let name = line
                    .strip_prefix("pub async fn ")
                    .or_else(|| line.strip_prefix("pub fn "));
                if let (Some(name), true) = (name, doc_has_example) {
                    found.push(name.split(['(', '<']).next().unwrap_or_default().to_owned());
                }
                doc_has_example = false;
            }
        }
    }
    let mut found = Vec::new();
    walk(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    found
}

#[test]
fn every_area_has_an_example() {
    let documented = methods_with_an_example();
    assert!(documented.iter().any(|m| m == "send_message"));
    let mut bare = Vec::new();
    for area in routes::Area::ALL {
        let has_one = routes::ALL
            .iter()
            .filter(|route| route.area() == *area)
            .flat_map(|route| route.methods())
            .filter_map(|m| m.split_once("::"))
            .any(|(owner, method)| {
                matches!(owner, "Session" | "Client") && documented.iter().any(|d| d == method)
            });
        if !has_one {
            bare.push(format!("{area:?}"));
        }
    }
    assert!(bare.is_empty(), "areas without an example: {bare:?}");
}
