//! Labels (WhatsApp Business; the server's `labelsController.ts`): created, put on and taken
//! off chats, deleted. Stateful in [`Labels`]; list-chats' `withLabels` filter and the chats'
//! `labels` read it.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{contact_id, Req};

/// WhatsApp Business's label colours (ARGB), given in turn to labels created without one.
const PALETTE: [i64; 5] = [
    0xFF_FF_9F_00,
    0xFF_54_9C_E6,
    0xFF_E8_4A_71,
    0xFF_6A_CB_7D,
    0xFF_A3_77_D6,
];

/// The session's labels and the chats carrying them.
#[derive(Debug, Default)]
pub(crate) struct Labels {
    labels: Vec<Label>,
    last_id: u64,
    /// Label ids per chat id.
    chats: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Debug, Clone)]
struct Label {
    id: String,
    name: String,
    color: i64,
}

impl Labels {
    /// The label ids of each chat.
    pub(crate) fn by_chat(&self) -> BTreeMap<String, BTreeSet<String>> {
        self.chats.clone()
    }

    fn render(&self, label: &Label) -> Value {
        let count = self
            .chats
            .values()
            .filter(|ids| ids.contains(&label.id))
            .count();
        json!({
            "id": label.id,
            "name": label.name,
            "color": label.color,
            "count": count,
            "hexColor": format!("#{:06X}", label.color & 0x00FF_FFFF),
        })
    }

    fn delete(&mut self, id: &str) -> bool {
        let before = self.labels.len();
        self.labels.retain(|l| l.id != id);
        for ids in self.chats.values_mut() {
            ids.remove(id);
        }
        self.labels.len() < before
    }
}

/// `POST /api/{session}/add-new-label` (`name`, `options.labelColor`): 201 with the label.
pub(crate) fn add_new_label(req: &Req<'_>) -> Response {
    let name = req.text("name");
    if name.is_empty() {
        return req.missing(StatusCode::UNAUTHORIZED, "Name was not informed");
    }
    let color = req
        .body
        .pointer("/options/labelColor")
        .and_then(Value::as_i64);
    let label = req.book(|book| {
        let labels = &mut book.labels;
        labels.last_id += 1;
        let fallback = PALETTE[usize::try_from(labels.last_id).unwrap_or_default() % PALETTE.len()];
        let label = Label {
            id: labels.last_id.to_string(),
            name,
            color: color.unwrap_or(fallback),
        };
        labels.labels.push(label.clone());
        labels.render(&label)
    });
    req.success(StatusCode::CREATED, label)
}

/// `GET /api/{session}/get-all-labels`: 201, as the server answers it.
pub(crate) fn get_all_labels(req: &Req<'_>) -> Response {
    let labels: Vec<Value> = req.book(|book| {
        book.labels
            .labels
            .iter()
            .map(|l| book.labels.render(l))
            .collect()
    });
    req.success(StatusCode::CREATED, labels)
}

/// `POST /api/{session}/add-or-remove-label` (`chatIds`, `options: [{labelId, type}]`): the
/// controller's 401 when either is missing; 500 for an unknown label.
pub(crate) fn add_or_remove_labels(req: &Req<'_>) -> Response {
    let (Some(chats), Some(options)) = (
        req.body
            .get("chatIds")
            .filter(|v| super::messages::truthy(v)),
        req.body
            .get("options")
            .filter(|v| super::messages::truthy(v)),
    ) else {
        return req.missing(
            StatusCode::UNAUTHORIZED,
            "chatIds or options was not informed",
        );
    };
    let chats: Vec<String> = super::texts(Some(chats))
        .iter()
        .map(|c| contact_id(c))
        .collect();
    let changes: Vec<(String, bool)> = options
        .as_array()
        .map(|list| {
            list.iter()
                .map(|o| {
                    let id = o.get("labelId").map_or_else(String::new, |v| {
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                    });
                    (id, o.get("type").and_then(Value::as_str) != Some("remove"))
                })
                .collect()
        })
        .unwrap_or_default();
    let applied = req.book(|book| {
        let labels = &mut book.labels;
        if changes
            .iter()
            .any(|(id, _)| !labels.labels.iter().any(|l| &l.id == id))
        {
            return None;
        }
        let mut result = Vec::new();
        for chat in &chats {
            let ids = labels.chats.entry(chat.clone()).or_default();
            for (id, add) in &changes {
                if *add {
                    ids.insert(id.clone());
                } else {
                    ids.remove(id);
                }
                result.push(json!({
                    "id": chat, "labelId": id, "type": if *add { "add" } else { "remove" }
                }));
            }
        }
        Some(result)
    });
    match applied {
        Some(result) => req.success(StatusCode::CREATED, result),
        None => req.json(
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::obj::Obj::new()
                .with("status", "Error")
                .with("message", "Erro ao adicionar/deletar etiqueta.")
                .with("error", json!({})),
        ),
    }
}

/// `PUT /api/{session}/delete-label/{id}`: 201 with the library's `{id, deleteLabelResult}`.
pub(crate) fn delete_label(req: &Req<'_>) -> Response {
    let id = req.param("id").to_owned();
    let deleted = req.book(|book| book.labels.delete(&id));
    req.success(
        StatusCode::CREATED,
        json!({"id": id, "deleteLabelResult": deleted}),
    )
}

/// `PUT /api/{session}/delete-all-labels`: 201 with one result per label.
pub(crate) fn delete_all_labels(req: &Req<'_>) -> Response {
    let results: Vec<Value> = req.book(|book| {
        let ids: Vec<String> = book.labels.labels.iter().map(|l| l.id.clone()).collect();
        ids.into_iter()
            .map(|id| json!({"id": id, "deleteLabelResult": book.labels.delete(&id)}))
            .collect()
    });
    req.success(StatusCode::CREATED, results)
}
