//! The session-name rule keeps a name one URL path segment: whatever the rule accepts, pushed
//! as a segment the way the client does (`url`'s `path_segments_mut().push`), stays exactly that
//! segment after the URL is written out and parsed again (which normalises it), and decodes back
//! to the same name.

use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use url::Url;
use wppconnect_models::SessionName;

const SECRET: &str = "THISISMYSECURETOKEN";

/// The URL of `generate-token` for `name`, built as the client builds it.
fn generate_token_url(name: &str) -> Url {
    let mut url = Url::parse("http://h/api/").unwrap();
    url.path_segments_mut()
        .unwrap()
        .pop_if_empty()
        .push(name)
        .push(SECRET)
        .push("generate-token");
    url
}

fn assert_one_segment(name: &SessionName) -> Result<(), TestCaseError> {
    let built = generate_token_url(name.as_str());
    // writing the URL out and parsing it again applies every normalisation of the URL standard
    let url = Url::parse(built.as_str()).unwrap();
    let segments: Vec<&str> = url.path_segments().unwrap().collect();
    prop_assert_eq!(segments.len(), 4, "{}", url);
    prop_assert_eq!(segments[0], "api");
    prop_assert_eq!(segments[2], SECRET);
    prop_assert_eq!(segments[3], "generate-token");
    // the client's encoding and the models' encoding agree, and the name round-trips
    prop_assert_eq!(segments[1], name.path_segment());
    let decoded = percent_decode_str(segments[1]).decode_utf8().unwrap();
    prop_assert_eq!(decoded.as_ref(), name.as_str());
    // a relative join of the encoded name cannot climb out of /api/ either
    let joined = Url::parse("http://h/api/")
        .unwrap()
        .join(&format!("{}/status-session", name.path_segment()))
        .unwrap();
    prop_assert_eq!(
        joined.path(),
        format!("/api/{}/status-session", name.path_segment())
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Names made of what the rule allows, and of the characters that are dangerous in a path.
    #[test]
    fn an_accepted_name_is_exactly_one_path_segment(
        name in prop_oneof![
            "[a-zA-Z0-9çãé._%;?#/\\\\:~ -]{0,50}",
            // short names of the dangerous characters, so `.`, `%2e` and `a.` come up often
            "[.%2eE/a]{1,4}",
        ]
    ) {
        if let Ok(name) = SessionName::new(name.as_str()) {
            assert_one_segment(&name)?;
        }
    }

    /// Names the rule accepts, to be sure the property is exercised on many of them.
    #[test]
    fn names_of_the_allowed_alphabet_are_one_path_segment(
        name in "[a-zA-Z0-9ç][a-zA-Z0-9çãé._-]{0,20}[a-zA-Z0-9_-]"
    ) {
        let Ok(name) = SessionName::new(name.as_str()) else {
            // only the Windows device names and the JavaScript property names are refused here
            return Ok(());
        };
        assert_one_segment(&name)?;
    }

    /// Any text at all: the rule never panics, and what it accepts is one segment.
    #[test]
    fn any_text_accepted_is_one_path_segment(name in "\\PC{0,60}") {
        if let Ok(name) = SessionName::new(name.as_str()) {
            assert_one_segment(&name)?;
        }
    }
}

/// Why the rule refuses `.`: the `url` crate drops it, and `generate-token`'s URL becomes
/// `/api/<SECRET_KEY>/generate-token`, which the server echoes back in its 404 page.
#[test]
fn a_dot_name_would_have_put_the_secret_key_where_the_session_goes() {
    assert_eq!(
        generate_token_url(".").path(),
        format!("/api/{SECRET}/generate-token")
    );
    assert_eq!(
        generate_token_url("..").path(),
        format!("/api/{SECRET}/generate-token")
    );
    assert!(SessionName::new(".").is_err());
    assert!(SessionName::new("..").is_err());
    for encoded in ["%2E", "%2e%2e", ".%2e", "%2e."] {
        assert!(SessionName::new(encoded).is_err(), "{encoded}");
    }
}
