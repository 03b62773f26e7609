//! Groups and communities (the server's `groupController.ts` and `communityController.ts`).
//! Stateful: a group created by create-group (or a community by create-community) is kept in
//! [`Groups`] with its subject, description, settings, invite code and participants, and every
//! group route reads and changes it. Unknown groups fail as the library does (the controller's
//! 500, or 400 for revoke-link).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use wppconnect_models::Seconds;

use super::{contact_id, group_ids, texts, Req};
use crate::obj::Obj;
use crate::routes::json_text;
use crate::state::{contact_obj, wid};

/// The session's groups, by id (`…@g.us`).
#[derive(Debug, Default)]
pub(crate) struct Groups {
    groups: BTreeMap<String, Group>,
}

/// One group as WhatsApp keeps it.
#[derive(Debug, Clone)]
struct Group {
    subject: String,
    description: Option<String>,
    owner: String,
    created: i64,
    subject_time: i64,
    subject_owner: String,
    description_time: Option<i64>,
    description_owner: Option<String>,
    participants: Vec<Member>,
    invite_code: String,
    announce: bool,
    restrict: bool,
    ephemeral: bool,
    no_frequently_forwarded: bool,
    /// A community (create-community): its linked groups.
    subgroups: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
struct Member {
    id: String,
    admin: bool,
    super_admin: bool,
}

impl Groups {
    /// The groups `own` (this account) is a member of, as `(id, subject, creation)`, for the
    /// chat list.
    pub(crate) fn chats(&self, own: &str) -> Vec<(String, String, i64)> {
        self.groups
            .iter()
            .filter(|(_, g)| g.participants.iter().any(|m| m.id == own))
            .map(|(id, g)| (id.clone(), g.subject.clone(), g.created))
            .collect()
    }

    /// The chat's `groupMetadata`.
    pub(crate) fn metadata(&self, id: &str) -> Value {
        self.groups.get(id).map_or(Value::Null, |g| {
            json!({
                "id": wid(id), "creation": g.created, "owner": wid(&g.owner),
                "subject": g.subject, "subjectTime": g.subject_time,
                "desc": g.description, "restrict": g.restrict, "announce": g.announce,
                "size": g.participants.len(),
                "participants": g.participants.iter().map(|m| json!({
                    "id": wid(&m.id), "isAdmin": m.admin, "isSuperAdmin": m.super_admin
                })).collect::<Vec<_>>()
            })
        })
    }

    fn by_code(&self, code: &str) -> Option<(String, Group)> {
        let code = code
            .trim()
            .trim_start_matches("https://chat.whatsapp.com/")
            .trim_start_matches("chat.whatsapp.com/");
        self.groups
            .iter()
            .find(|(_, g)| g.invite_code == code)
            .map(|(id, g)| (id.clone(), g.clone()))
    }
}

fn digits(len: usize) -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| char::from(b'0' + rng.gen_range(0..10)))
        .collect()
}

fn invite_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..22)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// Seconds since the epoch as ISO-8601 (`2026-11-30T11:18:03.000Z`), as `Date.toISOString`.
fn iso(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The groups a request names (`groupId` in the body, or the path's `groupId`), each known
/// to the session; `None` when one is unknown.
fn known(req: &Req<'_>, ids: &[String]) -> Option<Vec<Group>> {
    req.book(|book| {
        ids.iter()
            .map(|id| book.groups.groups.get(id).cloned())
            .collect()
    })
}

fn path_group(req: &Req<'_>) -> Vec<String> {
    group_ids(Some(&Value::String(req.param("groupId").to_owned())))
}

/// `GET /api/{session}/all-groups`: the group chats.
pub(crate) fn all_groups(req: &Req<'_>) -> Response {
    let chats: Vec<Value> = super::chats::chat_list(req)
        .into_iter()
        .filter(|c| c.get("isGroup") == Some(&Value::Bool(true)))
        .map(|c| c.to_value())
        .collect();
    req.success(StatusCode::OK, chats)
}

/// `GET /api/{session}/all-broadcast-list`: the simulator has no broadcast lists.
pub(crate) fn all_broadcast_list(req: &Req<'_>) -> Response {
    req.success(StatusCode::OK, json!([]))
}

fn member_contact(req: &Req<'_>, id: &str) -> Value {
    let own = req.sim.own_id();
    let mut contact = contact_obj(id, id.split('@').next().unwrap_or_default(), true);
    if id == own {
        contact["isMe"] = Value::Bool(true);
        contact["isMyContact"] = Value::Bool(false);
        contact["name"] = Value::String(req.sim.config.own_name.clone());
        contact["pushname"] = contact["name"].clone();
        contact["formattedName"] = contact["name"].clone();
    }
    contact
}

/// `GET /api/{session}/group-members/{groupId}`: the participants as contacts.
pub(crate) fn group_members(req: &Req<'_>) -> Response {
    let Some(groups) = known(req, &path_group(req)) else {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on get group members",
        );
    };
    let members: Vec<Value> = groups
        .last()
        .map(|g| {
            g.participants
                .iter()
                .map(|m| member_contact(req, &m.id))
                .collect()
        })
        .unwrap_or_default();
    req.success(StatusCode::OK, members)
}

/// `GET /api/{session}/group-members-ids/{groupId}`.
pub(crate) fn group_members_ids(req: &Req<'_>) -> Response {
    let Some(groups) = known(req, &path_group(req)) else {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on get group members ids",
        );
    };
    let ids: Vec<Value> = groups
        .last()
        .map(|g| g.participants.iter().map(|m| wid(&m.id)).collect())
        .unwrap_or_default();
    req.success(StatusCode::OK, ids)
}

/// `GET /api/{session}/group-admins/{groupId}`: one list of admin ids per group.
pub(crate) fn group_admins(req: &Req<'_>) -> Response {
    let Some(groups) = known(req, &path_group(req)) else {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error retrieving group admin(s)",
        );
    };
    let admins: Vec<Value> = groups
        .iter()
        .map(|g| {
            Value::Array(
                g.participants
                    .iter()
                    .filter(|m| m.admin)
                    .map(|m| wid(&m.id))
                    .collect(),
            )
        })
        .collect();
    req.success(StatusCode::OK, admins)
}

/// `GET /api/{session}/group-info/{groupId}`: dates as ISO-8601 strings.
pub(crate) fn group_info(req: &Req<'_>) -> Response {
    let ids = path_group(req);
    let Some(group) = known(req, &ids).and_then(|g| g.last().cloned()) else {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on get group info");
    };
    let id = ids.last().cloned().unwrap_or_default();
    req.success(
        StatusCode::OK,
        json!({
            "id": id,
            "name": group.subject,
            "description": group.description,
            "subject": group.subject,
            "subjectUpdatedAt": iso(group.subject_time),
            "subjectUpdatedBy": group.subject_owner,
            "descriptionUpdatedAt": group.description_time.map(iso),
            "descriptionUpdatedBy": group.description_owner,
            "createdAt": iso(group.created),
            "lastActivityAt": iso(group.subject_time.max(group.description_time.unwrap_or_default())),
            "participants": group.participants.iter().map(|m| json!({"id": m.id, "isAdmin": m.admin})).collect::<Vec<_>>(),
        }),
    )
}

/// `GET /api/{session}/group-invite-link/{groupId}`.
pub(crate) fn group_invite_link(req: &Req<'_>) -> Response {
    let Some(group) = known(req, &path_group(req)).and_then(|g| g.last().cloned()) else {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on get group invite link",
        );
    };
    req.success(
        StatusCode::OK,
        format!("https://chat.whatsapp.com/{}", group.invite_code),
    )
}

/// `GET /api/{session}/group-revoke-link/{groupId}`: a new invite code; the old one stops
/// working. `"status":"Success"`, and 400 when it fails.
pub(crate) fn group_revoke_link(req: &Req<'_>) -> Response {
    let ids = path_group(req);
    let revoked = req.book(|book| {
        let mut link = None;
        for id in &ids {
            let group = book.groups.groups.get_mut(id)?;
            group.invite_code = invite_code();
            link = Some(format!("https://chat.whatsapp.com/{}", group.invite_code));
        }
        link
    });
    match revoked {
        Some(link) => req.json(
            StatusCode::OK,
            Obj::new().with("status", "Success").with("response", link),
        ),
        None => req.error(StatusCode::BAD_REQUEST, "Error on revoke group invite link"),
    }
}

/// `POST /api/{session}/create-group` (`name`: one group per `,`-separated name or array
/// entry; `participants`): 201 with each group's id (without `@g.us`) and the result per
/// participant. This account is the owner and super admin.
pub(crate) fn create_group(req: &Req<'_>) -> Response {
    let names = texts(req.body.get("name"));
    let participants: Vec<String> = texts(req.body.get("participants"))
        .iter()
        .map(|p| contact_id(p))
        .collect();
    if names.is_empty() {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error creating group(s)");
    }
    let own = req.sim.own_id();
    let now = Seconds::now().get();
    let mut infos = Vec::new();
    for name in names {
        let user = format!("120363{}", digits(12));
        let mut results = serde_json::Map::new();
        let mut members = vec![Member {
            id: own.clone(),
            admin: true,
            super_admin: true,
        }];
        for participant in &participants {
            let exists = !req
                .sim
                .config
                .unknown_numbers
                .contains(participant.split('@').next().unwrap_or_default());
            results.insert(
                participant.clone(),
                json!({
                    "wid": participant,
                    "code": if exists { 200 } else { 404 },
                    "invite_code": null,
                    "invite_code_exp": null,
                }),
            );
            if exists && !members.iter().any(|m| &m.id == participant) {
                members.push(Member {
                    id: participant.clone(),
                    admin: false,
                    super_admin: false,
                });
            }
        }
        let group = Group {
            subject: name.clone(),
            description: None,
            owner: own.clone(),
            created: now,
            subject_time: now,
            subject_owner: own.clone(),
            description_time: None,
            description_owner: None,
            participants: members,
            invite_code: invite_code(),
            announce: false,
            restrict: false,
            ephemeral: false,
            no_frequently_forwarded: false,
            subgroups: None,
        };
        req.book(|book| book.groups.groups.insert(format!("{user}@g.us"), group));
        infos.push(json!({"name": name, "id": user, "participants": results}));
    }
    req.success(
        StatusCode::CREATED,
        json!({
            "message": "Group(s) created successfully",
            "group": req.body.get("name").cloned().unwrap_or(Value::Null),
            "groupInfo": infos,
        }),
    )
}

/// `POST /api/{session}/leave-group` (`groupId`).
pub(crate) fn leave_group(req: &Req<'_>) -> Response {
    let ids = group_ids(req.body.get("groupId"));
    let own = req.sim.own_id();
    let left = req.book(|book| {
        ids.iter().all(|id| {
            book.groups.groups.get_mut(id).is_some_and(|g| {
                g.participants.retain(|m| m.id != own);
                true
            })
        })
    });
    if !left || ids.is_empty() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Erro ao sair do(s) grupo(s)",
        );
    }
    req.success(
        StatusCode::OK,
        json!({
            "messages": "Você saiu do grupo com sucesso",
            "group": req.body.get("groupId").cloned().unwrap_or(Value::Null),
        }),
    )
}

/// `POST /api/{session}/join-code` (`inviteCode`): joins the group of a known invite code.
pub(crate) fn join_code(req: &Req<'_>) -> Response {
    let code = req.text("inviteCode");
    if code.is_empty() {
        return req.missing(StatusCode::BAD_REQUEST, "Invitation Code is required");
    }
    let own = req.sim.own_id();
    let joined = req.book(|book| {
        let (id, _) = book.groups.by_code(&code)?;
        let group = book.groups.groups.get_mut(&id)?;
        if !group.participants.iter().any(|m| m.id == own) {
            group.participants.push(Member {
                id: own.clone(),
                admin: false,
                super_admin: false,
            });
        }
        Some(())
    });
    if joined.is_none() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The informed contact(s) did not join the group successfully",
        );
    }
    req.success(
        StatusCode::CREATED,
        json!({
            "message": "The informed contact(s) entered the group successfully",
            "contact": code,
        }),
    )
}

/// Changes the participants of every group of the body's `groupId`; `None` when a group is
/// unknown or `change` refuses.
fn change_members(
    req: &Req<'_>,
    change: impl Fn(&mut Group, &str) -> bool,
) -> Option<(Vec<String>, Vec<String>)> {
    let ids = group_ids(req.body.get("groupId"));
    let phones = req.phones();
    if ids.is_empty() || phones.is_empty() {
        return None;
    }
    req.book(|book| {
        for id in &ids {
            let group = book.groups.groups.get_mut(id)?;
            for phone in &phones {
                if !change(group, phone) {
                    return None;
                }
            }
        }
        Some(())
    })?;
    Some((ids, phones))
}

/// `POST /api/{session}/add-participant-group` (`groupId`, `phone`): 201 with the result per
/// number and group.
pub(crate) fn add_participant(req: &Req<'_>) -> Response {
    let unknown = &req.sim.config.unknown_numbers;
    let done = change_members(req, |group, phone| {
        // a number WhatsApp does not know is not added (the gate already answered its 400)
        let missing = unknown.contains(phone.split('@').next().unwrap_or_default());
        if !missing && !group.participants.iter().any(|m| m.id == phone) {
            group.participants.push(Member {
                id: phone.to_owned(),
                admin: false,
                super_admin: false,
            });
        }
        true
    });
    let Some((groups, phones)) = done else {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error adding participant(s)",
        );
    };
    let result: Vec<Value> = groups
        .iter()
        .map(|_| {
            Value::Object(
                phones
                    .iter()
                    .map(|p| {
                        (
                            p.clone(),
                            json!({"code": 200, "message": "OK", "invite_code": null, "invite_code_exp": null}),
                        )
                    })
                    .collect(),
            )
        })
        .collect();
    req.success(
        StatusCode::CREATED,
        json!({
            "message": "Addition to group attempted.",
            "participants": phones,
            "groups": groups,
            "result": result,
        }),
    )
}

/// `POST /api/{session}/remove-participant-group` (`groupId`, `phone`): 200.
pub(crate) fn remove_participant(req: &Req<'_>) -> Response {
    let done = change_members(req, |group, phone| {
        let before = group.participants.len();
        group.participants.retain(|m| m.id != phone);
        group.participants.len() < before
    });
    let Some((groups, phones)) = done else {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error removing participant(s)",
        );
    };
    let results: Vec<Value> = groups
        .iter()
        .map(|_| {
            Value::Object(
                phones
                    .iter()
                    .map(|p| (p.clone(), json!({"code": 200})))
                    .collect(),
            )
        })
        .collect();
    req.success(
        StatusCode::OK,
        json!({
            "message": "Participant(s) removed successfully",
            "participants": phones,
            "groups": results,
        }),
    )
}

fn set_admin(req: &Req<'_>, admin: bool, message: &str, failure: &str) -> Response {
    let done = change_members(req, |group, phone| {
        group
            .participants
            .iter_mut()
            .find(|m| m.id == phone)
            .map(|m| m.admin = admin)
            .is_some()
    });
    let Some((groups, phones)) = done else {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, failure);
    };
    req.success(
        StatusCode::CREATED,
        json!({"message": message, "participants": phones, "groups": groups}),
    )
}

/// `POST /api/{session}/promote-participant-group` (`groupId`, `phone`: members only).
pub(crate) fn promote_participant(req: &Req<'_>) -> Response {
    set_admin(
        req,
        true,
        "Successful promoted participant(s)",
        "Error promoting participant(s)",
    )
}

/// `POST /api/{session}/demote-participant-group` (`groupId`, `phone`: members only).
pub(crate) fn demote_participant(req: &Req<'_>) -> Response {
    set_admin(
        req,
        false,
        "Admin of participant(s) revoked successfully",
        "Error revoking participant's admin(s)",
    )
}

/// `POST /api/{session}/group-info-from-invite-link` (`invitecode`).
pub(crate) fn group_info_from_invite_link(req: &Req<'_>) -> Response {
    let code = req.text("invitecode");
    let Some((id, group)) = req.book(|book| book.groups.by_code(&code)) else {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on get group info from invite link",
        );
    };
    req.success(
        StatusCode::OK,
        json!({
            "announce": group.announce, "creation": group.created,
            "desc": group.description, "descOwner": group.description_owner,
            "descTime": group.description_time, "id": id,
            "noFrequentlyForwarded": group.no_frequently_forwarded, "owner": group.owner,
            "parent": group.subgroups.is_some(),
            "participants": group.participants.iter().map(|m| json!({
                "id": m.id, "isAdmin": m.admin, "isSuperAdmin": m.super_admin
            })).collect::<Vec<_>>(),
            "restrict": group.restrict, "size": group.participants.len(), "status": 200,
            "subject": group.subject, "subjectOwner": group.subject_owner,
            "subjectTime": group.subject_time,
        }),
    )
}

/// Applies `change` to every group of the body's `groupId`; answers the library's `true`, or
/// the controller's 500 with `failure`.
fn set_group(req: &Req<'_>, failure: &str, change: impl Fn(&mut Group)) -> Response {
    let ids = group_ids(req.body.get("groupId"));
    let done = !ids.is_empty()
        && req.book(|book| {
            ids.iter().all(|id| {
                book.groups.groups.get_mut(id).is_some_and(|g| {
                    change(g);
                    true
                })
            })
        });
    if !done {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, failure);
    }
    req.success(StatusCode::OK, true)
}

/// `POST /api/{session}/group-description` (`groupId`, `description`).
pub(crate) fn group_description(req: &Req<'_>) -> Response {
    let description = req.text("description");
    let own = req.sim.own_id();
    let now = Seconds::now().get();
    set_group(req, "Error on set group description", |g| {
        g.description = Some(description.clone());
        g.description_time = Some(now);
        g.description_owner = Some(own.clone());
    })
}

/// `POST /api/{session}/group-subject` (`groupId`, `title`).
pub(crate) fn group_subject(req: &Req<'_>) -> Response {
    let title = req.text("title");
    let own = req.sim.own_id();
    let now = Seconds::now().get();
    if title.is_empty() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on set group subject",
        );
    }
    set_group(req, "Error on set group subject", |g| {
        g.subject = title.clone();
        g.subject_time = now;
        g.subject_owner = own.clone();
    })
}

/// `POST /api/{session}/group-property` (`groupId`, `property`: `announcement`, `restrict`,
/// `ephemeral`, `no_frequently_forwarded`; `value`, default true).
pub(crate) fn group_property(req: &Req<'_>) -> Response {
    let value = !matches!(req.body.get("value"), Some(Value::Bool(false)));
    let property = req.text("property");
    if !matches!(
        property.as_str(),
        "announcement" | "restrict" | "ephemeral" | "no_frequently_forwarded"
    ) {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on set group property",
        );
    }
    set_group(req, "Error on set group property", |g| {
        match property.as_str() {
            "announcement" => g.announce = value,
            "restrict" => g.restrict = value,
            "ephemeral" => g.ephemeral = value,
            _ => g.no_frequently_forwarded = value,
        }
    })
}

/// `POST /api/{session}/messages-admins-only` (`groupId`, `value`, default true).
pub(crate) fn messages_admins_only(req: &Req<'_>) -> Response {
    let value = !matches!(req.body.get("value"), Some(Value::Bool(false)));
    set_group(req, "Error on set messages admins only", |g| {
        g.announce = value;
    })
}

/// `POST /api/{session}/change-privacy-group` (`groupId`, `status`: the **string** `"true"`
/// restricts the group settings to admins).
pub(crate) fn change_privacy_group(req: &Req<'_>) -> Response {
    let restrict = req.body.get("status") == Some(&json!("true"));
    let ids = texts(req.body.get("groupId"))
        .iter()
        .map(|g| contact_id(g).replace("@c.us", "@g.us"))
        .collect::<Vec<_>>();
    let done = !ids.is_empty()
        && req.book(|book| {
            ids.iter().all(|id| {
                book.groups.groups.get_mut(id).is_some_and(|g| {
                    g.restrict = restrict;
                    true
                })
            })
        });
    if !done {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error changing group privacy",
        );
    }
    req.success(
        StatusCode::OK,
        json!({"message": "Group privacy changed successfully"}),
    )
}

/// `POST /api/{session}/group-pic` (`groupId`, `path`; a multipart `file` is not read).
pub(crate) fn group_pic(req: &Req<'_>) -> Response {
    if !req.flag("path") {
        return req.missing(StatusCode::UNAUTHORIZED, "Sending the image is mandatory");
    }
    let ids = group_ids(req.body.get("groupId"));
    if ids.is_empty() || known(req, &ids).is_none() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error changing group photo",
        );
    }
    req.success(
        StatusCode::CREATED,
        json!({"message": "Group profile photo successfully changed"}),
    )
}

/// `GET /api/{session}/common-groups/{wid}`: a bare array of the groups both are members of.
pub(crate) fn common_groups(req: &Req<'_>) -> Response {
    let contact = contact_id(req.param("wid"));
    let common: Vec<Value> = req.book(|book| {
        book.groups
            .groups
            .iter()
            .filter(|(_, g)| g.participants.iter().any(|m| m.id == contact))
            .map(|(id, _)| wid(id))
            .collect()
    });
    json_text(StatusCode::OK, Value::Array(common).to_string())
}

/// `POST /api/{session}/create-community` (`name`, `description`, `groupIds`): a bare
/// `{wid, subGroups}`.
pub(crate) fn create_community(req: &Req<'_>) -> Response {
    let name = req.text("name");
    if name.is_empty() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on create community",
        );
    }
    let (linked, failed) = partition_known(req, &group_ids(req.body.get("groupIds")));
    let own = req.sim.own_id();
    let now = Seconds::now().get();
    let id = format!("120363{}@g.us", digits(12));
    let description = req.text("description");
    let community = Group {
        subject: name,
        description: (!description.is_empty()).then_some(description),
        owner: own.clone(),
        created: now,
        subject_time: now,
        subject_owner: own.clone(),
        description_time: None,
        description_owner: None,
        participants: vec![Member {
            id: own,
            admin: true,
            super_admin: true,
        }],
        invite_code: invite_code(),
        announce: true,
        restrict: true,
        ephemeral: false,
        no_frequently_forwarded: false,
        subgroups: Some(linked.clone()),
    };
    req.book(|book| book.groups.groups.insert(id.clone(), community));
    req.json(
        StatusCode::OK,
        Obj::new()
            .with("wid", wid(&id))
            .with("subGroups", subgroups_answer(&linked, &failed)),
    )
}

fn partition_known(req: &Req<'_>, ids: &[String]) -> (Vec<String>, Vec<String>) {
    req.book(|book| {
        ids.iter()
            .cloned()
            .partition(|id| book.groups.groups.contains_key(id))
    })
}

fn subgroups_answer(linked: &[String], failed: &[String]) -> Value {
    json!({
        "failedGroups": failed.iter().map(|g| json!({"error": "404", "jid": g})).collect::<Vec<_>>(),
        "linkedGroupJids": linked,
    })
}

/// The community of the body's `id`.
fn community_id(req: &Req<'_>) -> Option<String> {
    let id = group_ids(req.body.get("id")).into_iter().next()?;
    req.book(|book| {
        book.groups
            .groups
            .get(&id)
            .is_some_and(|g| g.subgroups.is_some())
    })
    .then_some(id)
}

/// `POST /api/{session}/deactivate-community` (`id`): the community goes; its groups stay.
pub(crate) fn deactivate_community(req: &Req<'_>) -> Response {
    let Some(id) = community_id(req) else {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on deactivate community",
        );
    };
    req.book(|book| book.groups.groups.remove(&id));
    json_text(StatusCode::OK, json!({"success": true}).to_string())
}

/// `POST /api/{session}/add-community-subgroup` and `remove-community-subgroup` (`id`,
/// `groupsIds`): a bare `{failedGroups, linkedGroupJids}`.
pub(crate) fn community_subgroups(req: &Req<'_>) -> Response {
    let add = crate::dispatch::slug(req.route) == "add-community-subgroup";
    let Some(id) = community_id(req) else {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            if add {
                "Error on add subgroup"
            } else {
                "Error on remove subgroup"
            },
        );
    };
    let (known, failed) = partition_known(req, &group_ids(req.body.get("groupsIds")));
    req.book(|book| {
        if let Some(list) = book
            .groups
            .groups
            .get_mut(&id)
            .and_then(|g| g.subgroups.as_mut())
        {
            for group in &known {
                list.retain(|g| g != group);
                if add {
                    list.push(group.clone());
                }
            }
        }
    });
    json_text(
        StatusCode::OK,
        subgroups_answer(&known, &failed).to_string(),
    )
}

fn community_admins(req: &Req<'_>, admin: bool) -> Option<Vec<String>> {
    let id = community_id(req)?;
    let people: Vec<String> = texts(req.body.get("participantsId"))
        .iter()
        .map(|p| contact_id(p))
        .collect();
    req.book(|book| {
        let group = book.groups.groups.get_mut(&id)?;
        for person in &people {
            match group.participants.iter_mut().find(|m| &m.id == person) {
                Some(member) => member.admin = admin,
                None if admin => group.participants.push(Member {
                    id: person.clone(),
                    admin,
                    super_admin: false,
                }),
                None => {}
            }
        }
        Some(())
    })?;
    Some(people)
}

/// `POST /api/{session}/promote-community-participant` (`id`, `participantsId`): an empty
/// 200 (the library answers nothing).
pub(crate) fn promote_community_participant(req: &Req<'_>) -> Response {
    match community_admins(req, true) {
        Some(_) => crate::routes::with_body(
            StatusCode::OK,
            "application/json; charset=utf-8",
            Vec::new(),
        ),
        None => req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on promote participant",
        ),
    }
}

/// `POST /api/{session}/demote-community-participant` (`id`, `participantsId`).
pub(crate) fn demote_community_participant(req: &Req<'_>) -> Response {
    match community_admins(req, false) {
        Some(people) => json_text(
            StatusCode::OK,
            json!({"participants": people, "success": true}).to_string(),
        ),
        None => req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on demote participant",
        ),
    }
}

/// `GET /api/{session}/community-participants/{id}`: a bare array of the members.
pub(crate) fn community_participants(req: &Req<'_>) -> Response {
    let id = group_ids(Some(&Value::String(req.param("id").to_owned())))
        .into_iter()
        .next()
        .unwrap_or_default();
    let members: Option<Vec<Value>> = req.book(|book| {
        book.groups.groups.get(&id).map(|g| {
            g.participants
                .iter()
                .map(|m| json!({"id": wid(&m.id), "isAdmin": m.admin, "isSuperAdmin": m.super_admin}))
                .collect()
        })
    });
    match members {
        Some(members) => json_text(StatusCode::OK, Value::Array(members).to_string()),
        None => req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on get community participants",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::iso;

    #[test]
    fn iso_dates_are_javascript_to_iso_string() {
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_700_000_000), "2023-11-14T22:13:20.000Z");
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00.000Z");
    }
}
