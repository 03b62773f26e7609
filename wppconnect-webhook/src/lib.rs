#![doc = include_str!("../README.md")]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod awaited;
mod dedupe;
mod hub;
mod outcome;
mod router;
mod serve;

#[doc(no_inline)]
pub use wppconnect_models as models;

pub use crate::awaited::{AwaitedHandler, HandlerError, HandlerFuture, Received, ReceivedHandler};
pub use crate::hub::{incoming_message, EventHub, EventStream, Lagged};
pub use crate::outcome::{Outcome, Report};
pub use crate::router::{
    Webhook, WebhookBuilder, DEFAULT_BODY_LIMIT, DEFAULT_CAPACITY, DEFAULT_HEADER,
    DEFAULT_QUERY_PARAM,
};
pub use crate::serve::{serve, serve_on};

/// The guide: pointing WPPConnect Server at the router, securing it, the delivery modes, consuming
/// events, logs and scaling. Its snippets are doctests.
#[doc = include_str!("../docs/guide.md")]
pub mod guide {}

#[cfg(test)]
mod assertions {
    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_stream_bounds<T: futures::Stream + Unpin + Send + 'static>() {}

    #[test]
    fn public_types_have_the_promised_bounds() {
        assert_send_sync::<crate::EventHub>();
        assert_send_sync::<crate::WebhookBuilder>();
        assert_send_sync::<crate::Report>();
        fn assert_send<T: Send + 'static>() {}
        assert_send::<crate::HandlerError>();
        assert_send::<crate::HandlerFuture>();
        assert_stream_bounds::<crate::EventStream>();
    }
}
