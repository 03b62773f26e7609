#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod api;
mod business;
pub mod chat;
mod client;
mod community;
mod config;
mod contact;
mod device;
mod error;
mod group;
mod group_admin;
mod ids;
mod inbox;
mod label;
pub mod message;
pub mod newsletter;
mod profile;
pub mod qr;
mod raw;
mod redact;
pub mod routes;
mod server_api;
pub mod session;
mod status;
mod upload;

#[doc(no_inline)]
pub use wppconnect_models as models;

pub use crate::api::WppApi;
pub use crate::business::AddProductRequest;
pub use crate::client::{Client, ClientBuilder, DEFAULT_DEADLINE, DEFAULT_TIMEOUT};
pub use crate::config::{RateLimit, RetryPolicy, SecretKey, Token};
pub use crate::error::{Error, Result, TimeoutKind};
pub use crate::ids::{IntoChat, IntoMessageId};
pub use crate::message::File;
pub use crate::raw::{RawRequest, RawResponse};
pub use crate::redact::{redact, Redactor, REDACTED};
pub use crate::server_api::WppServerApi;
pub use crate::session::{LoginUpdate, QrCodeImage, Session};
pub use crate::upload::{Multipart, Upload};

#[cfg(test)]
mod assertions {
    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn handles_can_go_anywhere() {
        assert_send_sync::<crate::Client>();
        assert_send_sync::<crate::Session>();
        assert_send_sync::<crate::Error>();
    }
}
