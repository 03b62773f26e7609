//! The console's search and analytics views in headless Chromium, on a history the tests post
//! as WPPConnect Server's webhooks (real `onmessage` payloads with chosen ids, texts, times and
//! acks) to the reference backend.
//!
//! Needs `chromedriver` and Chromium, like `browser.rs`.

#[allow(dead_code)] // the harness has helpers only browser.rs uses
mod support;

use std::path::PathBuf;

use serde_json::{json, Value};
use support::{until, with_console, Console, PASSWORD, USER, WEBHOOK_SECRET};

const WIDE: (u32, u32) = (1280, 800);
const NARROW: (u32, u32) = (390, 844);
/// 2026-03-10T00:00:00Z.
const DAY: i64 = 1_773_100_800;
const HOUR: i64 = 3600;
const MINUTE: i64 = 60;
const ME: &str = "5511900000001@c.us";
const MARIA: &str = "5511999999999@c.us";
const JOAO: &str = "5521988887777@c.us";
const CARLA: &str = "5531977776666@c.us";

/// A message as WPPConnect Server posts it (`onmessage`, the models' fixture with these fields):
/// from the contact `chat` (named `name`) or, with `ack`, ours to them with that ack
/// (1 sent, 2 delivered, 3 read).
fn onmessage(n: &str, chat: &str, name: &str, body: &str, t: i64, ack: Option<i64>) -> Value {
    let mut event: Value =
        serde_json::from_str(wppconnect_fixtures::text("onmessage-text")).unwrap();
    let from_me = ack.is_some();
    event["session"] = json!("main");
    event["id"] = json!(format!("{from_me}_{chat}_{n:0>32}"));
    event["body"] = json!(body);
    event["content"] = json!(body);
    event["t"] = json!(t);
    event["timestamp"] = json!(t);
    event["chatId"] = json!(chat);
    event["fromMe"] = json!(from_me);
    event["ack"] = json!(ack.unwrap_or(1));
    if from_me {
        event["from"] = json!(ME);
        event["to"] = json!(chat);
        let object = event.as_object_mut().unwrap();
        object.remove("sender");
        object.remove("notifyName");
    } else {
        event["from"] = json!(chat);
        event["to"] = json!(ME);
        event["notifyName"] = json!(name);
        for key in ["name", "pushname", "shortName", "formattedName"] {
            event["sender"][key] = json!(name);
        }
        event["sender"]["id"] = json!(chat);
    }
    event
}

/// The id `onmessage` gives message `n` of `chat`.
fn message_id(n: &str, chat: &str, from_me: bool) -> String {
    format!("{from_me}_{chat}_{n:0>32}")
}

/// Posts the events to the backend's webhook as the server would (each to its session's), and
/// waits until the backend has stored them all (`counts`: messages per session and conversation).
async fn seed(console: &Console, events: &[Value], counts: &[(&str, &str, u64)]) {
    let http = reqwest::Client::new();
    for event in events {
        let session = event["session"].as_str().unwrap();
        let answer = http
            .post(format!(
                "{}/webhook/{session}?token={WEBHOOK_SECRET}",
                console.base
            ))
            .json(event)
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
    }
    let login: Value = http
        .post(format!("{}/api/auth/login", console.base))
        .json(&json!({"username": USER, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_owned();
    for &(session, chat, count) in counts {
        until(
            &format!("{count} messages of {chat} stored in {session}"),
            || {
                let request = http
                    .get(format!(
                        "{}/api/conversations/{chat}/messages?session={session}&limit=1",
                        console.base
                    ))
                    .bearer_auth(&token);
                async move {
                    let page: Value = request.send().await.ok()?.json().await.ok()?;
                    (page["total"].as_u64() == Some(count)).then_some(())
                }
            },
        )
        .await;
    }
}

/// Sets a form field's value (dates and selects: typing into them depends on the locale).
async fn set_value(console: &Console, id: &str, value: &str) {
    console
        .js(
            "const n = document.getElementById(arguments[0]); n.value = arguments[1]; \
             n.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![json!(id), json!(value)],
        )
        .await;
}

/// The `data-id`s of the search hits shown, in order.
async fn hit_ids(console: &Console) -> Vec<String> {
    let value = console
        .js(
            "return [...document.querySelectorAll('#search-results .search-hit')].map(n => n.dataset.id);",
            vec![],
        )
        .await;
    serde_json::from_value(value).unwrap()
}

async fn wait_hits(console: &Console, count: usize) -> Vec<String> {
    until(&format!("{count} search hits"), || async {
        let busy = console.attr("#search-results", "aria-busy").await.is_some();
        let ids = hit_ids(console).await;
        (!busy && ids.len() == count).then_some(ids)
    })
    .await
}

/// Maria's 80 messages, a minute apart from 09:00: every third about an order ("pedido"), and
/// message 5 (ours, on the third page of 30 from the newest) with a receipt in markup-like text.
/// João wrote about a receipt at 10:00.
fn search_history() -> Vec<Value> {
    let mut events: Vec<Value> = (0..80)
        .map(|i| {
            let body = if i == 5 {
                "Segue o <b>recibo</b> & a nota".to_owned()
            } else if i % 3 == 0 {
                format!("mensagem {i} sobre o pedido")
            } else {
                format!("mensagem {i}")
            };
            let ack = (i % 2 == 1).then_some(3);
            onmessage(
                &i.to_string(),
                MARIA,
                "Maria Silva",
                &body,
                DAY + 9 * HOUR + i * MINUTE,
                ack,
            )
        })
        .collect();
    events.push(onmessage(
        "900",
        JOAO,
        "João Pereira",
        "o recibo chegou",
        DAY + 10 * HOUR,
        None,
    ));
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_a_word_pages_on_and_opens_the_thread_at_the_message() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        seed(
            &console,
            &search_history(),
            &[("main", MARIA, 80), ("main", JOAO, 1)],
        )
        .await;
        console.log_in().await;
        console.click("#nav-search").await;
        console.wait_visible("#search-form").await;
        assert!(!console.visible("#thread-view").await);
        assert_eq!(
            console.attr("#nav-search", "aria-current").await.as_deref(),
            Some("page")
        );
        // the session filter starts at the shown session
        assert_eq!(
            console
                .js(
                    "return document.getElementById('search-session').value;",
                    vec![]
                )
                .await,
            json!("main")
        );

        // 27 messages about the order: a page of 20, then the rest by the API's cursor
        console.type_into("#search-q", "pedido\u{E007}").await;
        let first = wait_hits(&console, 20).await;
        assert_eq!(first[0], message_id("78", MARIA, false), "newest first");
        console
            .wait_text("#search-status", "20 messages found, more below")
            .await;
        assert!(console.visible("#search-more").await);
        assert_eq!(
            console
                .text("#search-results .search-hit:first-child .snippet mark")
                .await
                .as_deref(),
            Some("pedido")
        );
        assert_eq!(
            console
                .text("#search-results .search-hit:first-child .name")
                .await
                .as_deref(),
            Some("Maria Silva")
        );
        console.screenshot(&shot("insights-search.png")).await;
        console.click("#search-more").await;
        let all = wait_hits(&console, 27).await;
        assert_eq!(all[..20], first[..], "the first page stays");
        assert_eq!(all[26], message_id("0", MARIA, false), "the oldest last");
        console
            .wait_text("#search-status", "27 messages found.")
            .await;
        assert!(!console.visible("#search-more").await);

        // a receipt: João's and ours to Maria; only markup of the snippet is its <mark>
        console
            .js("document.getElementById('search-q').value = '';", vec![])
            .await;
        console.type_into("#search-q", "recibo\u{E007}").await;
        let ids = wait_hits(&console, 2).await;
        let ours = message_id("5", MARIA, true);
        assert_eq!(ids, [message_id("900", JOAO, false), ours.clone()]);
        let hit = format!("#search-results .search-hit[data-id=\"{ours}\"]");
        assert_eq!(
            console.text(&format!("{hit} .snippet")).await.as_deref(),
            Some("Segue o <b>recibo</b> & a nota"),
            "the text as written, not as markup"
        );
        assert_eq!(console.count(&format!("{hit} .snippet *")).await, 1);
        assert_eq!(
            console
                .text(&format!("{hit} .snippet mark"))
                .await
                .as_deref(),
            Some("recibo")
        );
        assert!(console
            .text(&format!("{hit} .hit-details"))
            .await
            .unwrap()
            .contains("sent, read"));

        // filters: received only, then Maria's conversation typed as a phone number
        set_value(&console, "search-direction", "in").await;
        console.click("#search-button").await;
        until("only João's receipt", || async {
            (hit_ids(&console).await == [message_id("900", JOAO, false)]).then_some(())
        })
        .await;
        set_value(&console, "search-direction", "").await;
        set_value(&console, "search-conversation", "+55 11 99999-9999").await;
        console.click("#search-button").await;
        until("only the receipt to Maria", || async {
            (hit_ids(&console).await == [ours.clone()]).then_some(())
        })
        .await;

        // the hit opens Maria's thread at that message: two older pages loaded, it is in view,
        // highlighted and focused
        console.click(&format!("{hit} button")).await;
        console.wait_text("#thread-title", "Maria Silva").await;
        let node = format!("#messages .message[data-id=\"{ours}\"]");
        until("the message found highlighted", || async {
            (console.attr(&node, "data-found").await.as_deref() == Some("true")).then_some(())
        })
        .await;
        assert!(!console.visible("#search-view").await);
        assert_eq!(
            console.attr("#nav-chats", "aria-current").await.as_deref(),
            Some("page")
        );
        assert_eq!(console.count("#messages .message").await, 80);
        let in_view = console
            .js(
                "const t = document.getElementById('thread').getBoundingClientRect(); \
                 const r = document.querySelector(arguments[0]).getBoundingClientRect(); \
                 return r.height > 0 && r.top >= t.top && r.bottom <= t.bottom;",
                vec![json!(node)],
            )
            .await;
        assert_eq!(in_view, json!(true), "the message is scrolled into view");
        assert_eq!(
            console
                .js(
                    "return document.activeElement === document.querySelector(arguments[0]);",
                    vec![json!(node)]
                )
                .await,
            json!(true)
        );
        assert_eq!(
            console.text(&format!("{node} .body")).await.as_deref(),
            Some("Segue o <b>recibo</b> & a nota")
        );
        // only that one is highlighted
        assert_eq!(console.count("#messages [data-found]").await, 1);
        console.screenshot(&shot("insights-thread.png")).await;
    })
    .await;
}

/// 2026-03-10 (UTC): Maria asks at 09:00, we answer at 09:02 (read), she thanks us at 09:10
/// (not answered); João writes at 14:00, we answer at 14:05 (delivered) and 14:06 (sent), he asks
/// again at 14:30 and we answer at 14:31 (read). The day before, Carla wrote at 23:30.
///
/// So 2026-03-10: 4 in, 4 out, 3 of 4 delivered (75%), 2 read (50%), first responses 120, 300
/// and 60 s (median 2 min, of 3), 3 messages at 09h and 5 at 14h (the busiest). 2026-03-09:
/// 1 in, nothing out, no rates, no responses, busiest hour 23h.
fn analytics_history() -> Vec<Value> {
    vec![
        onmessage("c1", CARLA, "Carla", "boa noite", DAY - 30 * MINUTE, None),
        onmessage(
            "a1",
            MARIA,
            "Maria Silva",
            "Bom dia, e o pedido?",
            DAY + 9 * HOUR,
            None,
        ),
        onmessage(
            "a2",
            MARIA,
            "Maria Silva",
            "Já saiu!",
            DAY + 9 * HOUR + 2 * MINUTE,
            Some(3),
        ),
        onmessage(
            "a3",
            MARIA,
            "Maria Silva",
            "obrigada",
            DAY + 9 * HOUR + 10 * MINUTE,
            None,
        ),
        onmessage("b1", JOAO, "João Pereira", "oi", DAY + 14 * HOUR, None),
        onmessage(
            "b2",
            JOAO,
            "João Pereira",
            "Olá João",
            DAY + 14 * HOUR + 5 * MINUTE,
            Some(2),
        ),
        onmessage(
            "b3",
            JOAO,
            "João Pereira",
            "Em que posso ajudar?",
            DAY + 14 * HOUR + 6 * MINUTE,
            Some(1),
        ),
        onmessage(
            "b4",
            JOAO,
            "João Pereira",
            "outra dúvida",
            DAY + 14 * HOUR + 30 * MINUTE,
            None,
        ),
        onmessage(
            "b5",
            JOAO,
            "João Pereira",
            "Claro",
            DAY + 14 * HOUR + 31 * MINUTE,
            Some(3),
        ),
    ]
}

/// One bar of a chart: `(value, height)`, `None` when there is no bar.
async fn bar(console: &Console, chart: &str, class: &str, category: &str) -> Option<(f64, f64)> {
    let value = console
        .js(
            "const n = document.querySelector(`#${arguments[0]} rect.${arguments[1]}[data-category=\"${arguments[2]}\"]`); \
             return n ? [Number(n.dataset.value), n.getBBox().height] : null;",
            vec![json!(chart), json!(class), json!(category)],
        )
        .await;
    let pair: Option<(f64, f64)> = serde_json::from_value(value).unwrap();
    pair
}

/// The cells of the table row whose heading is `heading`.
async fn row(console: &Console, table: &str, heading: &str) -> Vec<String> {
    let value = console
        .js(
            "const row = [...document.querySelectorAll(`#${arguments[0]} tbody tr`)] \
               .find(r => r.cells[0].textContent === arguments[1]); \
             return row ? [...row.cells].map(c => c.textContent) : [];",
            vec![json!(table), json!(heading)],
        )
        .await;
    serde_json::from_value(value).unwrap()
}

/// Where a test saves a screenshot of what it checked (for people; nothing reads it back).
fn shot(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.05
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analytics_charts_and_tables_show_the_seeded_days_at_any_width() {
    with_console(WIDE.0, WIDE.1, |console| async move {
        seed(
            &console,
            &analytics_history(),
            &[("main", MARIA, 3), ("main", JOAO, 5), ("main", CARLA, 1)],
        )
        .await;
        console.log_in().await;
        console.click("#nav-analytics").await;
        console.wait_visible("#analytics-form").await;
        set_value(&console, "analytics-from", "2026-03-09").await;
        set_value(&console, "analytics-to", "2026-03-10").await;
        console.click("#analytics-button").await;
        until("the figures of 2026-03-10", || async {
            let cells = row(&console, "analytics-table", "2026-03-10").await;
            (!cells.is_empty()).then_some(())
        })
        .await;
        console
            .wait_text("#analytics-status", "session main, 2026-03-09 to 2026-03-10")
            .await;

        // the table: exact figures
        assert_eq!(
            row(&console, "analytics-table", "2026-03-10").await,
            ["2026-03-10", "4", "4", "75%", "50%", "2 min (of 3)", "14:00–15:00"]
        );
        assert_eq!(
            row(&console, "analytics-table", "2026-03-09").await,
            ["2026-03-09", "1", "0", "—", "—", "—", "23:00–00:00"]
        );
        assert_eq!(
            row(&console, "analytics-hours-table", "14:00–15:00").await,
            ["14:00–15:00", "5"]
        );
        // the totals of the range
        for (key, expected) in [
            ("in", "5"),
            ("out", "4"),
            ("delivered", "75%"),
            ("read", "50%"),
            ("responses", "3"),
            ("busiest", "14:00–15:00"),
        ] {
            assert_eq!(
                console
                    .text(&format!(".total[data-total=\"{key}\"] dd"))
                    .await
                    .as_deref(),
                Some(expected),
                "{key}"
            );
        }

        // messages per day: bars of 4 and 4 on the 10th, 1 received on the 9th, at scale
        let (in_10, h_in_10) = bar(&console, "chart-messages", "bar-in", "03-10")
            .await
            .unwrap();
        let (out_10, h_out_10) = bar(&console, "chart-messages", "bar-out", "03-10")
            .await
            .unwrap();
        let (in_9, h_in_9) = bar(&console, "chart-messages", "bar-in", "03-09")
            .await
            .unwrap();
        assert_eq!((in_10, out_10, in_9), (4.0, 4.0, 1.0));
        assert!(h_in_10 > 50.0 && close(h_in_10, h_out_10), "{h_in_10} {h_out_10}");
        assert!(close(h_in_9 * 4.0, h_in_10), "{h_in_9} is a quarter of {h_in_10}");
        assert_eq!(
            bar(&console, "chart-messages", "bar-out", "03-09").await,
            Some((0.0, 0.0))
        );
        // counts have whole ticks (0, 2, 5), rates a 0–100% axis
        let ticks = console
            .js(
                "return ['chart-messages', 'chart-rates'].map(id => \
                 [...document.querySelectorAll(`#${id} .tick-label`)].map(t => t.textContent));",
                vec![],
            )
            .await;
        assert_eq!(ticks, json!([["0", "2", "5"], ["0%", "50%", "100%"]]));
        // rates: 75% and 50% on a 100% axis; no bars on a day without sends
        let (delivered, h_delivered) = bar(&console, "chart-rates", "bar-delivered", "03-10")
            .await
            .unwrap();
        let (read, h_read) = bar(&console, "chart-rates", "bar-read", "03-10")
            .await
            .unwrap();
        assert_eq!((delivered, read), (0.75, 0.5));
        assert!(close(h_read * 3.0, h_delivered * 2.0), "{h_read} {h_delivered}");
        assert_eq!(
            bar(&console, "chart-rates", "bar-delivered", "03-09").await,
            None
        );
        assert_eq!(
            console
                .text("#chart-rates .value-label.value-delivered[data-category=\"03-10\"]")
                .await
                .as_deref(),
            Some("75%")
        );
        // the median first response, labelled as people read it
        assert_eq!(
            bar(&console, "chart-response", "bar-response", "03-10")
                .await
                .map(|(v, _)| v),
            Some(120.0)
        );
        assert_eq!(
            console
                .text("#chart-response .value-label[data-category=\"03-10\"]")
                .await
                .as_deref(),
            Some("2 min")
        );
        // 24 hours, 14h the busiest and stressed
        assert_eq!(console.count("#chart-hours rect.bar-hour").await, 24);
        let (at_14, h_14) = bar(&console, "chart-hours", "bar-hour", "14").await.unwrap();
        let (at_9, h_9) = bar(&console, "chart-hours", "bar-hour", "9").await.unwrap();
        assert_eq!((at_14, at_9), (5.0, 3.0));
        assert!(close(h_9 * 5.0, h_14 * 3.0), "{h_9} {h_14}");
        assert_eq!(console.count("#chart-hours rect.highlight").await, 1);
        assert_eq!(
            console
                .attr("#chart-hours rect.highlight", "data-category")
                .await
                .as_deref(),
            Some("14")
        );
        // each chart is an image with a name and a description a screen reader says
        assert_eq!(console.count(".chart-svg[role=\"img\"]").await, 4);
        let described = console
            .js(
                "const svg = document.querySelector('#chart-hours svg'); \
                 const name = document.getElementById(svg.getAttribute('aria-labelledby')); \
                 const desc = document.getElementById(svg.getAttribute('aria-describedby')); \
                 return [name.textContent, desc.textContent];",
                vec![],
            )
            .await;
        assert_eq!(described[0], "Messages by hour of the day (UTC)");
        assert!(
            described[1]
                .as_str()
                .unwrap()
                .contains("The busiest hour is 14:00–15:00 with 5 messages"),
            "{described}"
        );
        assert!(console
            .attr("#chart-messages svg desc", "id")
            .await
            .is_some());
        assert!(console
            .text("#chart-messages svg desc")
            .await
            .unwrap()
            .contains("Received: 03-09 1, 03-10 4."));

        console.screenshot(&shot("insights-analytics.png")).await;

        // at phone width: drawn again at that width, nothing wider than the screen, text as big
        console
            .browser
            .set_window_size(NARROW.0, NARROW.1)
            .await
            .unwrap();
        until("the charts drawn at phone width", || async {
            let width = console
                .js(
                    "const svg = document.querySelector('#chart-messages svg'); \
                     return svg ? Number(svg.getAttribute('width')) : 0;",
                    vec![],
                )
                .await
                .as_f64()
                .unwrap_or(0.0);
            (width > 0.0 && width <= f64::from(NARROW.0)).then_some(())
        })
        .await;
        let fits = console
            .js(
                "return document.documentElement.scrollWidth <= window.innerWidth \
                 && [...document.querySelectorAll('.chart')].every(c => c.getBoundingClientRect().right <= window.innerWidth);",
                vec![],
            )
            .await;
        assert_eq!(fits, json!(true), "nothing overflows the phone's width");
        let font = console
            .js(
                "const t = document.querySelector('#chart-hours .category-label'); \
                 return t.getBoundingClientRect().height;",
                vec![],
            )
            .await
            .as_f64()
            .unwrap();
        assert!(font >= 10.0, "the labels stay readable: {font}px");
        console.screenshot(&shot("insights-analytics-narrow.png")).await;
        assert_eq!(
            bar(&console, "chart-messages", "bar-in", "03-10")
                .await
                .map(|(v, _)| v),
            Some(4.0)
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_a_hit_of_another_session_opens_its_thread_there() {
    with_console(NARROW.0, NARROW.1, |console| async move {
        // session `other`: Pedro's 40 messages, the quote asked for in the oldest
        let pedro = "5541966665555@c.us";
        let mut events: Vec<Value> = (0..40)
            .map(|i| {
                let body = if i == 0 {
                    "Pode mandar o orçamento?".to_owned()
                } else {
                    format!("linha {i}")
                };
                let mut event = onmessage(
                    &format!("p{i}"),
                    pedro,
                    "Pedro Alves",
                    &body,
                    DAY + 8 * HOUR + i * MINUTE,
                    (i % 2 == 1).then_some(2),
                );
                event["session"] = json!("other");
                event
            })
            .collect();
        events.push(onmessage(
            "m1",
            MARIA,
            "Maria Silva",
            "oi",
            DAY + 9 * HOUR,
            None,
        ));
        seed(
            &console,
            &events,
            &[("other", pedro, 40), ("main", MARIA, 1)],
        )
        .await;
        // Chromium opens no narrower than 500 px: the phone's width is set once it is open
        console
            .browser
            .set_window_size(NARROW.0, NARROW.1)
            .await
            .unwrap();
        console.log_in().await;
        console.wait_text("#session-status", "main").await;
        let width = console.js("return window.innerWidth;", vec![]).await;
        assert!(width.as_u64().unwrap() <= u64::from(NARROW.0), "{width}");
        console.click("#nav-search").await;
        console.wait_visible("#search-form").await;
        // every session, and the word without its accent
        set_value(&console, "search-session", "").await;
        console.type_into("#search-q", "orcamento\u{E007}").await;
        let found = message_id("p0", pedro, false);
        assert_eq!(wait_hits(&console, 1).await, std::slice::from_ref(&found));
        let hit = format!("#search-results .search-hit[data-id=\"{found}\"]");
        assert_eq!(
            console.text(&format!("{hit} .name")).await.as_deref(),
            Some("Pedro Alves")
        );
        assert!(console
            .text(&format!("{hit} .hit-details"))
            .await
            .unwrap()
            .contains("other"));
        let fits = console
            .js(
                "return document.documentElement.scrollWidth <= window.innerWidth;",
                vec![],
            )
            .await;
        assert_eq!(fits, json!(true), "the search view fits the phone");

        // the hit switches the console to session `other` and shows the thread alone, at the
        // message, with the way back to the list
        console.click(&format!("{hit} button")).await;
        console.wait_text("#thread-title", "Pedro Alves").await;
        let node = format!("#messages .message[data-id=\"{found}\"]");
        until("the message found highlighted", || async {
            (console.attr(&node, "data-found").await.as_deref() == Some("true")).then_some(())
        })
        .await;
        assert_eq!(
            console
                .js(
                    "return document.getElementById('session-name').value;",
                    vec![]
                )
                .await,
            json!("other")
        );
        assert!(console.visible("#thread-view").await);
        assert!(!console.visible(".sidebar").await);
        assert!(console.visible("#back").await);
        assert_eq!(console.count("#messages .message").await, 40);
        let in_view = console
            .js(
                "const t = document.getElementById('thread').getBoundingClientRect(); \
                 const r = document.querySelector(arguments[0]).getBoundingClientRect(); \
                 return r.height > 0 && r.top >= t.top && r.bottom <= t.bottom;",
                vec![json!(node)],
            )
            .await;
        assert_eq!(in_view, json!(true), "the message is scrolled into view");
        console.screenshot(&shot("insights-phone-thread.png")).await;
    })
    .await;
}
