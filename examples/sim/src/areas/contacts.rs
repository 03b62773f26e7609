//! Contacts and profile (the contact routes of the server's `deviceController.ts` and
//! `contactController.ts`). Contacts are everyone the session talked to or shares a group
//! with; blocked contacts and this account's profile (name, about text, picture) are kept in
//! [`People`].

use std::collections::BTreeSet;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{contact_id, Req};
use crate::obj::Obj;
use crate::state::{contact_obj, wid};

/// The default "about" text of a WhatsApp account.
const DEFAULT_ABOUT: &str = "Hey there! I am using WhatsApp.";

/// What the session set about people and itself.
#[derive(Debug, Default)]
pub(crate) struct People {
    blocked: BTreeSet<String>,
    /// change-username.
    pub(crate) own_name: Option<String>,
    /// POST profile-status.
    own_about: Option<String>,
    /// set-profile-pic was called.
    own_picture: bool,
}

/// Every contact of the session: the users of its chats and the members of its groups, this
/// account left out, in id order.
fn known(req: &Req<'_>) -> Vec<(String, String)> {
    let own = req.sim.own_id();
    let mut contacts: Vec<(String, String)> = Vec::new();
    for chat in super::chats::chat_list(req) {
        if chat.get("isUser") != Some(&Value::Bool(true)) {
            continue;
        }
        let id = chat
            .get("id")
            .and_then(|id| id.get("_serialized"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let name = chat
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        contacts.push((id, name));
    }
    let members: Vec<String> = req.book(|book| {
        book.groups
            .chats(&own)
            .iter()
            .filter_map(|(id, _, _)| book.groups.metadata(id).get("participants").cloned())
            .filter_map(|p| p.as_array().cloned())
            .flatten()
            .filter_map(|m| {
                m.get("id")
                    .and_then(|id| id.get("_serialized"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect()
    });
    for member in members {
        if !contacts.iter().any(|(id, _)| *id == member) {
            let name = member.split('@').next().unwrap_or_default().to_owned();
            contacts.push((member, name));
        }
    }
    contacts.retain(|(id, _)| *id != own && !id.is_empty());
    contacts.sort();
    contacts
}

fn contact_value(req: &Req<'_>, id: &str) -> Value {
    let name = known(req)
        .into_iter()
        .find(|(known, _)| known == id)
        .map_or_else(
            || id.split('@').next().unwrap_or_default().to_owned(),
            |(_, n)| n,
        );
    let mut contact = contact_obj(id, &name, !id.ends_with("@g.us"));
    if req.book(|book| book.contacts.blocked.contains(id)) {
        contact["isBlocked"] = Value::Bool(true);
    }
    contact
}

/// `GET /api/{session}/all-contacts`.
pub(crate) fn all_contacts(req: &Req<'_>) -> Response {
    let contacts: Vec<Value> = known(req)
        .iter()
        .map(|(id, _)| contact_value(req, id))
        .collect();
    req.success(StatusCode::OK, contacts)
}

/// `GET /api/{session}/contact/{phone}`.
pub(crate) fn contact(req: &Req<'_>) -> Response {
    let id = contact_id(req.param("phone"));
    req.success(StatusCode::OK, contact_value(req, &id))
}

fn exists(req: &Req<'_>, id: &str) -> bool {
    !req.sim
        .config
        .unknown_numbers
        .contains(id.split('@').next().unwrap_or_default())
}

/// The library's number status: `numberExists`, `status` 200 or 404 (then `id` is a string).
fn number_status(req: &Req<'_>, id: &str) -> Value {
    if exists(req, id) {
        json!({"id": wid(id), "isBusiness": false, "canReceiveMessage": true, "numberExists": true, "status": 200})
    } else {
        json!({"id": id, "isBusiness": false, "canReceiveMessage": false, "numberExists": false, "status": 404})
    }
}

/// `GET /api/{session}/check-number-status/{phone}`: 200 even for an unknown number.
pub(crate) fn check_number_status(req: &Req<'_>) -> Response {
    let id = contact_id(req.param("phone"));
    req.success(StatusCode::OK, number_status(req, &id))
}

/// `GET /api/{session}/profile/{phone}`.
pub(crate) fn profile(req: &Req<'_>) -> Response {
    let id = contact_id(req.param("phone"));
    req.success(StatusCode::OK, number_status(req, &id))
}

/// A made-up but stable LID for a phone number.
fn lid_of(id: &str) -> String {
    let digits: String = id.chars().filter(char::is_ascii_digit).collect();
    let reversed: String = digits.chars().rev().collect();
    format!("2{reversed:0<14}@lid")
}

/// `GET /api/{session}/contact/pn-lid/{pnLid}`: a bare `{lid, phoneNumber, contact}`; a LID
/// the simulator never gave out has no known phone number.
pub(crate) fn contact_pn_lid(req: &Req<'_>) -> Response {
    let given = req.param("pnLid").to_owned();
    let (lid, phone) = if given.ends_with("@lid") {
        let phone = known(req)
            .into_iter()
            .map(|(id, _)| id)
            .find(|id| lid_of(id) == given);
        (given.clone(), phone)
    } else {
        let id = contact_id(&given);
        (lid_of(&id), Some(id))
    };
    let mut answer = Obj::new().with("lid", wid(&lid));
    if let Some(phone) = &phone {
        answer.set("phoneNumber", wid(phone));
    }
    answer.set(
        "contact",
        contact_value(req, phone.as_deref().unwrap_or(&lid)),
    );
    req.json(StatusCode::OK, answer)
}

/// `GET /api/{session}/profile-pic/{phone}`: `response: null` (no picture), except this
/// account's once set-profile-pic was called.
pub(crate) fn profile_pic(req: &Req<'_>) -> Response {
    let id = contact_id(req.param("phone"));
    let own = id == req.sim.own_id() && req.book(|book| book.contacts.own_picture);
    if !own {
        return req.success(StatusCode::OK, Value::Null);
    }
    let url = format!(
        "https://pps.whatsapp.net/v/t61.24694-24/{}.jpg",
        id.split('@').next().unwrap_or_default()
    );
    req.success(
        StatusCode::OK,
        json!({"eurl": url, "id": wid(&id), "img": url, "imgFull": url, "raw": null, "tag": "1"}),
    )
}

/// `GET /api/{session}/profile-status/{phone}`: the contact's "about" text (this account's
/// is the one POST profile-status set).
pub(crate) fn profile_status(req: &Req<'_>) -> Response {
    let id = contact_id(req.param("phone"));
    let about = if id == req.sim.own_id() {
        req.book(|book| book.contacts.own_about.clone())
    } else {
        None
    };
    req.success(
        StatusCode::OK,
        json!({"id": id, "status": about.unwrap_or_else(|| DEFAULT_ABOUT.to_owned())}),
    )
}

/// `GET /api/{session}/blocklist`: `{"phone": <digits>}` per blocked contact.
pub(crate) fn blocklist(req: &Req<'_>) -> Response {
    let blocked: Vec<Value> = req.book(|book| {
        book.contacts
            .blocked
            .iter()
            .map(|id| json!({"phone": id.split('@').next().unwrap_or_default()}))
            .collect()
    });
    req.success(StatusCode::OK, blocked)
}

/// `POST /api/{session}/block-contact` (`phone`).
pub(crate) fn block_contact(req: &Req<'_>) -> Response {
    let phones = req.phones();
    req.book(|book| book.contacts.blocked.extend(phones));
    req.success(StatusCode::OK, json!({"message": "Contact blocked"}))
}

/// `POST /api/{session}/unblock-contact` (`phone`).
pub(crate) fn unblock_contact(req: &Req<'_>) -> Response {
    let phones = req.phones();
    req.book(|book| {
        for phone in &phones {
            book.contacts.blocked.remove(phone);
        }
    });
    req.success(StatusCode::OK, json!({"message": "Contact UnBlocked"}))
}

/// `POST /api/{session}/set-profile-pic`: takes a multipart `file` only.
pub(crate) fn set_profile_pic(req: &Req<'_>) -> Response {
    if !req.multipart() {
        return req.json(
            StatusCode::BAD_REQUEST,
            Obj::new()
                .with("status", "Error")
                .with("message", "File parameter is required!"),
        );
    }
    req.book(|book| book.contacts.own_picture = true);
    req.success(
        StatusCode::OK,
        json!({"message": "Profile photo successfully changed"}),
    )
}

/// `POST /api/{session}/profile-status` (`status`): this account's "about" text (the library
/// answers nothing, so no `response`).
pub(crate) fn set_profile_status(req: &Req<'_>) -> Response {
    let about = req.text("status");
    req.book(|book| book.contacts.own_about = Some(about));
    req.json(StatusCode::OK, Obj::new().with("status", "success"))
}

/// `POST /api/{session}/change-username` (`name`).
pub(crate) fn change_username(req: &Req<'_>) -> Response {
    let name = req.text("name");
    if name.is_empty() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on change username",
        );
    }
    req.book(|book| book.contacts.own_name = Some(name));
    req.success(StatusCode::OK, true)
}
