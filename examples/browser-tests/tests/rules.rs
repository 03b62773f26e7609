//! The console's Rules view (automatic replies) in headless Chromium: add a rule (a refused
//! template says why), see the simulator's contact get the reply, disable, edit and delete it.

#[allow(dead_code)] // the other test files use the rest of the helpers
mod support;

use serde_json::{json, Value};
use support::{until, with_console, Console};

const CONTACT: &str = "5511999999999";

/// The texts `main` sent to the contact, as the simulator recorded them.
fn replies(console: &Console) -> Vec<String> {
    console
        .sim
        .messages("main")
        .iter()
        .filter(|m| m["fromMe"] == true)
        .filter_map(|m| m["body"].as_str().map(str::to_owned))
        .collect()
}

/// The rules as the page lists them: (name, template, enabled).
async fn listed(console: &Console) -> Vec<(String, String, String)> {
    let value = console
        .js(
            "return [...document.querySelectorAll('#rules-list li.rule')].map(n => [\
               n.querySelector('.rule-name').textContent, \
               n.querySelector('.rule-template').textContent, n.dataset.enabled]);",
            vec![],
        )
        .await;
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let field = |i: usize| row[i].as_str().unwrap_or_default().to_owned();
            (field(0), field(1), field(2))
        })
        .collect()
}

async fn set_value(console: &Console, css: &str, value: &str) {
    console
        .js(
            "const n = document.querySelector(arguments[0]); n.value = arguments[1]; \
             n.dispatchEvent(new Event('change'));",
            vec![json!(css), json!(value)],
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_are_added_checked_toggled_edited_and_deleted_from_the_console() {
    with_console(1280, 800, |console| async move {
        console.connect().await;
        console.click("#open-rules").await;
        console.wait_visible("#rules-dialog").await;
        console
            .wait_text("#rules-title", "Automatic replies: main")
            .await;
        assert!(console.visible("#rules-empty").await);

        // an unknown variable: the backend's reason, nothing saved
        console.type_into("#rule-name", "Prices").await;
        console.type_into("#rule-pattern", "preço, price").await;
        console.type_into("#rule-template", "Olá {nome}!").await;
        console.click("#rule-save").await;
        let error = console.wait_text("#rule-error", "{nome}").await;
        assert!(error.contains("unknown variable"), "{error}");
        assert!(listed(&console).await.is_empty());

        // fixed: saved and listed
        set_value(&console, "#rule-template", "").await;
        console
            .type_into("#rule-template", "Olá {name}! A tabela de preços segue.")
            .await;
        console.click("#rule-save").await;
        until("the rule to be listed", || async {
            (listed(&console).await.len() == 1).then_some(())
        })
        .await;
        assert_eq!(
            listed(&console).await,
            [(
                "Prices".to_owned(),
                "Olá {name}! A tabela de preços segue.".to_owned(),
                "true".to_owned()
            )]
        );
        assert!(!console.visible("#rules-empty").await);
        assert!(!console.visible("#rule-error").await);
        let shot = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("console-rules.png");
        console.screenshot(&shot).await;

        // the simulator's contact asks: one reply, with the name filled
        console
            .sim
            .contact_writes("main", CONTACT, "Qual o PREÇO?")
            .unwrap();
        until("the automatic reply", || async {
            (!replies(&console).is_empty()).then_some(())
        })
        .await;
        assert_eq!(
            replies(&console),
            ["Olá Contato 9999! A tabela de preços segue."]
        );
        // the dialog's log of decisions shows it once refreshed
        until("the decision in the dialog", || async {
            console.click("#decisions-refresh").await;
            console
                .text("#decisions-list li.decision[data-status=\"sent\"] .decision-reply")
                .await
                .filter(|text| text == "Olá Contato 9999! A tabela de preços segue.")
        })
        .await;
        let line = console.text("#decisions-list li.decision").await.unwrap();
        assert!(line.contains("+5511999999999 · Prices"), "{line}");

        // disabled from the list: the API says so
        console
            .click("#rules-list li.rule input.rule-enabled")
            .await;
        until("the rule to be disabled", || async {
            (listed(&console).await.first().map(|r| r.2.as_str()) == Some("false")).then_some(())
        })
        .await;
        let http = reqwest::Client::new();
        let token: String = console
            .js("return sessionStorage.getItem('wpp.token');", vec![])
            .await
            .as_str()
            .unwrap()
            .to_owned();
        let rules: Value = http
            .get(format!("{}/api/sessions/main/rules", console.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(rules[0]["enabled"], false, "{rules}");

        // edited: business hours and a new text, enabled again
        console.click("#rules-list li.rule .rule-edit").await;
        console
            .wait_text("#rule-form-title", "Edit rule: Prices")
            .await;
        assert_eq!(
            console
                .js(
                    "return document.getElementById('rule-pattern').value;",
                    vec![]
                )
                .await,
            json!("preço, price")
        );
        set_value(&console, "#rule-template", "Preços: loja.example/precos").await;
        console.click("#rule-hours").await;
        set_value(&console, "#rule-offset", "-03:00").await;
        console.click("#rule-enabled").await;
        console.click("#rule-save").await;
        until("the edited rule", || async {
            listed(&console)
                .await
                .first()
                .filter(|r| r.1 == "Preços: loja.example/precos" && r.2 == "true")
                .cloned()
        })
        .await;
        let summary = console
            .text("#rules-list li.rule .rule-summary")
            .await
            .unwrap();
        assert!(
            summary.contains("inside mon,tue,wed,thu,fri 09:00–18:00 (UTC-03:00)"),
            "{summary}"
        );

        // deleted after confirming
        console.click("#rules-list li.rule .rule-delete").await;
        until("the confirmation", || async {
            console.browser.accept_alert().await.ok()
        })
        .await;
        until("the rule to be gone", || async {
            listed(&console).await.is_empty().then_some(())
        })
        .await;
        assert!(console.visible("#rules-empty").await);
        console.click("#rules-close").await;
        until("the dialog to close", || async {
            (!console.visible("#rules-dialog").await).then_some(())
        })
        .await;
    })
    .await;
}
