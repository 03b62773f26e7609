//! The one place that maps the server's routes to the simulator's handlers.
//!
//! The routes are the client's route table (`wppconnect_client::routes`, every route of
//! WPPConnect Server 2.10.4's `src/routes/index.ts`); [`TABLE`] gives each of them its access
//! rule (the server's middlewares: secret key in the path, token, token and connected-gate, or
//! nothing) and its handler in the area module that owns the route's state. A unit test fails
//! when a route of the client's table has no entry here.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use wppconnect_client::routes::{self, Route};

use crate::areas::{
    catalog, chats, contacts, groups, labels, messages, ops, session, Handler, Reply, Req,
};
use crate::routes::{authorize, check_session, Ctx};
use crate::state::Sim;

/// Which of the server's middlewares run before a route's controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// The secret key is a path segment; the controller compares it itself (each route has its
    /// own wrong-key answer).
    Secret,
    /// `verifyToken` only.
    Token,
    /// `verifyToken`, then the connected-gate (`statusConnection`): 404 `Disconnected` unless
    /// the session is connected, and 400 `O número … não existe.` for an unknown `phone`
    /// (the controller still runs, as on the real server).
    Gated,
    /// The connected-gate, where the controller itself reports unknown numbers per recipient
    /// (the sends: the other recipients still get the message).
    GatedSend,
    /// Under `/api` with no middleware at all (`set-limit`, `chatwoot`).
    Open,
    /// Outside `/api` (`/healthz`, `/metrics`, …).
    Public,
}

/// One route and what serves it.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) route: &'static Route,
    pub(crate) access: Access,
    pub(crate) handler: Handler,
}

macro_rules! table {
    ($($route:ident => $access:ident, $kind:ident($handler:path);)+) => {
        /// Every route of the client's table, with its access rule and its handler.
        pub(crate) static TABLE: &[Entry] = &[$(Entry {
            route: &routes::$route,
            access: Access::$access,
            handler: Handler::$kind($handler),
        }),+];
    };
}

table! {
    // ---- session (areas/session.rs)
    GENERATE_TOKEN => Secret, Now(session::generate_token);
    SHOW_ALL_SESSIONS => Secret, Now(session::show_all_sessions);
    START_ALL => Secret, Now(session::start_all);
    CLEAR_SESSION_DATA => Secret, Now(session::clear_session_data);
    CHECK_CONNECTION_SESSION => Token, Now(session::check_connection);
    QRCODE_SESSION => Token, Now(session::qrcode);
    START_SESSION => Token, Later(session::start);
    LOGOUT_SESSION => Gated, Now(session::logout);
    CLOSE_SESSION => Token, Now(session::close);
    STATUS_SESSION => Token, Now(session::status);
    // ---- messages (areas/messages.rs)
    SEND_MESSAGE => GatedSend, Now(messages::send);
    EDIT_MESSAGE => Gated, Now(messages::edit_message);
    SEND_IMAGE => GatedSend, Now(messages::send);
    SEND_STICKER => GatedSend, Now(messages::send);
    SEND_STICKER_GIF => GatedSend, Now(messages::send);
    SEND_REPLY => GatedSend, Now(messages::send);
    SEND_FILE => GatedSend, Now(messages::send);
    SEND_FILE_BASE64 => GatedSend, Now(messages::send);
    SEND_VOICE => GatedSend, Now(messages::send);
    SEND_VOICE_BASE64 => GatedSend, Now(messages::send);
    SEND_LINK_PREVIEW => GatedSend, Now(messages::send);
    SEND_LOCATION => GatedSend, Now(messages::send);
    SEND_MENTIONED => GatedSend, Now(messages::send);
    SEND_BUTTONS => GatedSend, Now(messages::send);
    SEND_LIST_MESSAGE => GatedSend, Now(messages::send);
    SEND_ORDER_MESSAGE => GatedSend, Now(messages::send);
    SEND_POLL_MESSAGE => GatedSend, Now(messages::send);
    SEND_PIX_KEY => GatedSend, Now(messages::send);
    CONTACT_VCARD => GatedSend, Now(messages::send);
    SEND_LINK_CATALOG => GatedSend, Now(messages::send);
    SEND_STATUS => Gated, Now(messages::send_status);
    SEND_TEXT_STORIE => Gated, Now(messages::storie);
    SEND_IMAGE_STORIE => Gated, Now(messages::storie);
    SEND_VIDEO_STORIE => Gated, Now(messages::storie);
    MESSAGE_BY_ID => Gated, Now(messages::message_by_id);
    DELETE_MESSAGE => Gated, Now(messages::delete_message);
    REACT_MESSAGE => Gated, Now(messages::react_message);
    FORWARD_MESSAGES => Gated, Now(messages::forward_messages);
    STAR_MESSAGE => Gated, Now(messages::star_message);
    REACTIONS => Gated, Now(messages::reactions);
    VOTES => Gated, Now(messages::votes);
    GET_MEDIA_BY_MESSAGE => Token, Now(messages::get_media_by_message);
    DOWNLOAD_MEDIA => Gated, Now(messages::download_media);
    // ---- chats (areas/chats.rs)
    ALL_CHATS => Gated, Now(chats::all_chats);
    LIST_CHATS => Gated, Now(chats::list_chats);
    ALL_CHATS_ARCHIVED => Gated, Now(chats::all_chats_archived);
    ALL_CHATS_WITH_MESSAGES => Gated, Now(chats::all_chats_with_messages);
    ALL_MESSAGES_IN_CHAT => Gated, Now(chats::all_messages_in_chat);
    ALL_NEW_MESSAGES => Gated, Now(chats::all_new_messages);
    UNREAD_MESSAGES => Gated, Now(chats::unread_messages);
    ALL_UNREAD_MESSAGES => Gated, Now(chats::all_unread_messages);
    CHAT_BY_ID => Gated, Now(chats::chat_by_id);
    CHAT_IS_ONLINE => Gated, Now(chats::chat_is_online);
    LAST_SEEN => Gated, Now(chats::last_seen);
    LIST_MUTES => Gated, Now(chats::list_mutes);
    LOAD_MESSAGES_IN_CHAT => Gated, Now(chats::load_messages_in_chat);
    GET_MESSAGES => Gated, Now(chats::get_messages);
    ARCHIVE_CHAT => Gated, Now(chats::archive_chat);
    ARCHIVE_ALL_CHATS => Gated, Now(chats::archive_all_chats);
    CLEAR_CHAT => Gated, Now(chats::clear_chat);
    CLEAR_ALL_CHATS => Gated, Now(chats::clear_all_chats);
    DELETE_CHAT => Gated, Now(chats::delete_chat);
    DELETE_ALL_CHATS => Gated, Now(chats::delete_all_chats);
    MARK_UNSEEN => Gated, Now(chats::mark_unseen);
    PIN_CHAT => Gated, Now(chats::pin_chat);
    SEND_MUTE => Gated, Now(chats::send_mute);
    SEND_SEEN => Gated, Now(chats::send_seen);
    CHAT_STATE => Gated, Now(chats::chat_state);
    TEMPORARY_MESSAGES => Gated, Now(chats::temporary_messages);
    TYPING => Gated, Now(chats::typing);
    RECORDING => Gated, Now(chats::recording);
    // ---- groups and communities (areas/groups.rs)
    ALL_BROADCAST_LIST => Gated, Now(groups::all_broadcast_list);
    ALL_GROUPS => Gated, Now(groups::all_groups);
    GROUP_MEMBERS => Gated, Now(groups::group_members);
    COMMON_GROUPS => Gated, Now(groups::common_groups);
    GROUP_ADMINS => Gated, Now(groups::group_admins);
    GROUP_INFO => Gated, Now(groups::group_info);
    GROUP_INVITE_LINK => Gated, Now(groups::group_invite_link);
    GROUP_REVOKE_LINK => Gated, Now(groups::group_revoke_link);
    GROUP_MEMBERS_IDS => Gated, Now(groups::group_members_ids);
    CREATE_GROUP => Gated, Now(groups::create_group);
    LEAVE_GROUP => Gated, Now(groups::leave_group);
    JOIN_CODE => Gated, Now(groups::join_code);
    ADD_PARTICIPANT_GROUP => Gated, Now(groups::add_participant);
    REMOVE_PARTICIPANT_GROUP => Gated, Now(groups::remove_participant);
    PROMOTE_PARTICIPANT_GROUP => Gated, Now(groups::promote_participant);
    DEMOTE_PARTICIPANT_GROUP => Gated, Now(groups::demote_participant);
    GROUP_INFO_FROM_INVITE_LINK => Gated, Now(groups::group_info_from_invite_link);
    GROUP_DESCRIPTION => Gated, Now(groups::group_description);
    GROUP_PROPERTY => Gated, Now(groups::group_property);
    GROUP_SUBJECT => Gated, Now(groups::group_subject);
    MESSAGES_ADMINS_ONLY => Gated, Now(groups::messages_admins_only);
    GROUP_PIC => Gated, Now(groups::group_pic);
    CHANGE_PRIVACY_GROUP => Gated, Now(groups::change_privacy_group);
    CREATE_COMMUNITY => Gated, Now(groups::create_community);
    DEACTIVATE_COMMUNITY => Gated, Now(groups::deactivate_community);
    ADD_COMMUNITY_SUBGROUP => Gated, Now(groups::community_subgroups);
    REMOVE_COMMUNITY_SUBGROUP => Gated, Now(groups::community_subgroups);
    PROMOTE_COMMUNITY_PARTICIPANT => Gated, Now(groups::promote_community_participant);
    DEMOTE_COMMUNITY_PARTICIPANT => Gated, Now(groups::demote_community_participant);
    COMMUNITY_PARTICIPANTS => Gated, Now(groups::community_participants);
    // ---- contacts and profile (areas/contacts.rs)
    CHECK_NUMBER_STATUS => Gated, Now(contacts::check_number_status);
    ALL_CONTACTS => Gated, Now(contacts::all_contacts);
    CONTACT => Gated, Now(contacts::contact);
    CONTACT_PN_LID => Gated, Now(contacts::contact_pn_lid);
    PROFILE => Gated, Now(contacts::profile);
    PROFILE_PIC => Gated, Now(contacts::profile_pic);
    PROFILE_STATUS => Gated, Now(contacts::profile_status);
    BLOCKLIST => Gated, Now(contacts::blocklist);
    BLOCK_CONTACT => Gated, Now(contacts::block_contact);
    UNBLOCK_CONTACT => Gated, Now(contacts::unblock_contact);
    SET_PROFILE_PIC => Gated, Now(contacts::set_profile_pic);
    SET_PROFILE_STATUS => Gated, Now(contacts::set_profile_status);
    CHANGE_USERNAME => Gated, Now(contacts::change_username);
    // ---- labels (areas/labels.rs)
    ADD_NEW_LABEL => Gated, Now(labels::add_new_label);
    ADD_OR_REMOVE_LABEL => Gated, Now(labels::add_or_remove_labels);
    GET_ALL_LABELS => Gated, Now(labels::get_all_labels);
    DELETE_ALL_LABELS => Gated, Now(labels::delete_all_labels);
    DELETE_LABEL => Gated, Now(labels::delete_label);
    // ---- catalog, business, newsletters (areas/catalog.rs)
    GET_PRODUCTS => Gated, Now(catalog::get_products);
    GET_PRODUCT_BY_ID => Gated, Now(catalog::get_product_by_id);
    ADD_PRODUCT => Gated, Now(catalog::add_product);
    EDIT_PRODUCT => Gated, Now(catalog::edit_product);
    DEL_PRODUCTS => Gated, Now(catalog::del_products);
    CHANGE_PRODUCT_IMAGE => Gated, Now(catalog::product_image);
    ADD_PRODUCT_IMAGE => Gated, Now(catalog::product_image);
    REMOVE_PRODUCT_IMAGE => Gated, Now(catalog::product_image);
    GET_COLLECTIONS => Gated, Now(catalog::get_collections);
    CREATE_COLLECTION => Gated, Now(catalog::create_collection);
    EDIT_COLLECTION => Gated, Now(catalog::edit_collection);
    DEL_COLLECTION => Gated, Now(catalog::del_collection);
    SET_PRODUCT_VISIBILITY => Gated, Now(catalog::set_product_visibility);
    SET_CART_ENABLED => Gated, Now(catalog::set_cart_enabled);
    EDIT_BUSINESS_PROFILE => Gated, Now(catalog::edit_business_profile);
    GET_BUSINESS_PROFILES_PRODUCTS => Gated, Now(catalog::get_business_profiles_products);
    GET_ORDER_BY_MESSAGE_ID => Gated, Now(catalog::get_order_by_message_id);
    CREATE_NEWSLETTER => Gated, Now(catalog::create_newsletter);
    EDIT_NEWSLETTER => Gated, Now(catalog::edit_newsletter);
    DELETE_NEWSLETTER => Gated, Now(catalog::delete_newsletter);
    MUTE_NEWSLETTER => Gated, Now(catalog::mute_newsletter);
    // ---- device, presence and operations (areas/ops.rs)
    GET_PLATFORM_FROM_MESSAGE => Token, Now(ops::get_platform_from_message);
    SUBSCRIBE_PRESENCE => Token, Now(ops::subscribe_presence);
    SET_ONLINE_PRESENCE => Token, Now(ops::set_online_presence);
    GET_BATTERY_LEVEL => Gated, Now(ops::get_battery_level);
    HOST_DEVICE => Gated, Now(ops::host_device);
    GET_PHONE_NUMBER => Gated, Now(ops::get_phone_number);
    REJECT_CALL => Gated, Now(ops::reject_call);
    BACKUP_SESSIONS => Secret, Now(ops::backup_sessions);
    RESTORE_SESSIONS => Secret, Now(ops::restore_sessions);
    TAKE_SCREENSHOT => Token, Now(ops::take_screenshot);
    SET_LIMIT => Open, Now(ops::set_limit);
    CHATWOOT => Open, Later(ops::chatwoot);
    API_DOCS => Public, Now(ops::api_docs_redirect);
    HEALTHZ => Public, Later(ops::healthz);
    UNHEALTHY => Public, Now(ops::unhealthy);
    METRICS => Public, Later(ops::metrics);
}

/// The entry of the route matching a request path (split on `/`, without the leading empty
/// segment), as Express's router matches: literal segments equal, parameters non-empty. A
/// `HEAD` matches the `GET` routes. Among several candidates the one with the most literal
/// segments wins (`contact/pn-lid/{pnLid}` over nothing: they differ in length anyway).
pub(crate) fn find(method: &str, segments: &[&str]) -> Option<&'static Entry> {
    let method = if method == "HEAD" { "GET" } else { method };
    TABLE
        .iter()
        .filter(|entry| entry.route.method().as_str() == method)
        .filter(|entry| {
            let templates: Vec<&str> = entry.route.path().split('/').skip(1).collect();
            templates.len() == segments.len()
                && templates.iter().zip(segments).all(|(template, given)| {
                    match template.strip_prefix(':') {
                        Some(_) => !given.is_empty(),
                        None => template == given,
                    }
                })
        })
        .max_by_key(|entry| {
            entry
                .route
                .path()
                .split('/')
                .filter(|s| !s.is_empty() && !s.starts_with(':'))
                .count()
        })
}

/// The last literal segment of a route (`group-info`): what a stall fault names.
pub(crate) fn slug(route: &Route) -> &'static str {
    route
        .path()
        .rsplit('/')
        .find(|s| !s.is_empty() && !s.starts_with(':'))
        .unwrap_or_default()
}

/// The request as the router hands it over.
#[derive(Debug)]
pub(crate) struct Incoming {
    pub(crate) headers: HeaderMap,
    pub(crate) query: Option<String>,
    pub(crate) body: Value,
    /// The decoded path parameters, by name.
    pub(crate) params: Vec<(&'static str, String)>,
    /// The raw body's length.
    pub(crate) body_len: usize,
}

/// Runs the route's middlewares, then its handler.
pub(crate) async fn run(sim: &Arc<Sim>, entry: &'static Entry, incoming: Incoming) -> Response {
    let mut ctx = Ctx::new(&incoming.headers);
    let param = |name: &str| {
        incoming
            .params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let session = match entry.access {
        Access::Token | Access::Gated | Access::GatedSend => {
            let segment = param("session").unwrap_or_default();
            let session = match authorize(sim, &segment, &incoming.headers, &ctx) {
                Ok(session) => session,
                Err(response) => return *response,
            };
            if sim.faults().stalls(slug(entry.route)) {
                sim.stall().await;
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            ctx.session_key = sim.session_key(&session);
            let gated = matches!(entry.access, Access::Gated | Access::GatedSend);
            if gated && !sim.is_connected(&session) {
                return ctx.disconnected();
            }
            session
        }
        Access::Secret | Access::Open => {
            let session = param("session").unwrap_or_default();
            if !session.is_empty() {
                if let Err(response) = check_session(sim, &session) {
                    return *response;
                }
            }
            if sim.faults().stalls(slug(entry.route)) {
                sim.stall().await;
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            session
        }
        Access::Public => String::new(),
    };
    let multipart = incoming
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with("multipart/form-data"))
        && incoming.body_len > 0;
    let req = Req {
        sim,
        multipart,
        ctx,
        route: entry.route,
        session,
        params: incoming.params,
        query: incoming.query,
        body: incoming.body,
    };
    // the gate's existence check: 400 for an unknown number, after which the controller still
    // runs (its own answer is lost, its effect is not)
    let missing = (entry.access == Access::Gated)
        .then(|| req.unknown_recipient())
        .flatten();
    let reply = match entry.handler {
        Handler::Now(handler) => handler(&req),
        Handler::Later(handler) => match handler(&req) {
            Reply::Now(response) => response,
            Reply::Stall => {
                sim.stall().await;
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            }
            Reply::WaitForCode { phone } => {
                let answer = sim.wait_for_code(&req.session, phone.as_deref()).await;
                req.ctx.json(StatusCode::OK, answer)
            }
        },
    };
    match missing {
        Some(user) => messages::number_missing(&req.ctx, &user),
        None => reply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_of_the_client_table_has_exactly_one_entry() {
        for route in routes::ALL {
            let entries = TABLE.iter().filter(|e| e.route == route).count();
            assert_eq!(entries, 1, "{route}");
        }
        assert_eq!(TABLE.len(), routes::ALL.len());
    }

    #[test]
    fn paths_find_their_route() {
        let found = |method: &str, path: &str| {
            let segments: Vec<&str> = path.split('/').skip(1).collect();
            find(method, &segments).map(|e| e.route.name())
        };
        assert_eq!(
            found("PUT", "/api/main/delete-label/7"),
            Some("DELETE_LABEL")
        );
        assert_eq!(
            found("GET", "/api/main/contact/pn-lid/1@lid"),
            Some("CONTACT_PN_LID")
        );
        assert_eq!(found("GET", "/api/main/contact/5511"), Some("CONTACT"));
        assert_eq!(
            found("POST", "/api/main/key/generate-token"),
            Some("GENERATE_TOKEN")
        );
        assert_eq!(
            found("GET", "/api/key/show-all-sessions"),
            Some("SHOW_ALL_SESSIONS")
        );
        assert_eq!(
            found("DELETE", "/api/main/newsletter/1"),
            Some("DELETE_NEWSLETTER")
        );
        assert_eq!(found("HEAD", "/healthz"), Some("HEALTHZ"));
        assert_eq!(found("GET", "/api/main/nope"), None);
        assert_eq!(found("GET", "/api/main/group-info/"), None);
        assert_eq!(found("POST", "/api/main/status-session"), None);
    }
}
