#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod macros;

pub mod answer;
pub mod business;
pub mod chat;
pub mod community;
pub mod contact;
pub mod device;
pub mod domain;
pub mod error;
pub mod event;
pub mod group;
pub mod head;
pub mod id;
pub mod label;
pub mod message;
pub mod newsletter;
pub mod profile;
pub mod session;
pub mod time;

pub use crate::answer::{Blocked, Confirmation, Health, PnLid};
pub use crate::chat::{Chat, Wrapped};
pub use crate::contact::{Contact, NumberStatus};
pub use crate::error::{ErrorBody, ErrorKind};
pub use crate::event::{Event, EventError, EventKind, UnknownEvent};
pub use crate::group::{CreatedGroups, GroupInfo};
pub use crate::head::EventHead;
pub use crate::id::{ChatId, ChatKind, IdError, MessageId, PhoneNumber, SessionName};
pub use crate::message::{Ack, Media, Message, MessageType};
pub use crate::profile::ProfilePic;
pub use crate::session::{SessionState, SessionStatus, StatusFind};
pub use crate::time::{Millis, Seconds};

#[cfg(test)]
mod assertions {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<crate::Event>();
        assert_send_sync::<crate::Message>();
        assert_send_sync::<crate::ErrorBody>();
        assert_send_sync::<crate::EventError>();
        assert_send_sync::<crate::ChatId>();
    }
}
