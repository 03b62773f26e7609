//! Users, password hashes (argon2) and JWT bearer tokens.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use jsonwebtoken::{decode, encode, DecodingKey, EncodingKey, Header, Validation};
use rand::distributions::{Alphanumeric, DistString};
use serde::{Deserialize, Serialize};

/// How long a login token is valid.
pub const TOKEN_TTL_SECS: i64 = 12 * 60 * 60;

/// A random string of `len` letters and digits (passwords, secrets).
#[must_use]
pub fn random_secret(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

/// Hashes a password with argon2id.
///
/// # Errors
/// When hashing fails (practically never).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A hash of a random password, verified against when the user does not exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&random_secret(20)).unwrap_or_default())
}

/// The JWT claims.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user name.
    pub sub: String,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Issued at, Unix seconds.
    pub iat: i64,
}

/// Users and the JWT keys. Its `Debug` shows neither hashes nor the secret.
#[derive(Clone)]
pub struct Auth {
    users: Arc<HashMap<String, String>>,
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Users as `name -> argon2 hash`, and the JWT secret.
    #[must_use]
    pub fn new(users: HashMap<String, String>, jwt_secret: &str) -> Self {
        Self {
            users: Arc::new(users),
            encoding: Arc::new(EncodingKey::from_secret(jwt_secret.as_bytes())),
            decoding: Arc::new(DecodingKey::from_secret(jwt_secret.as_bytes())),
        }
    }

    /// A token for the user when the password matches its hash.
    #[must_use]
    pub fn login(&self, username: &str, password: &str) -> Option<String> {
        let Some(hash) = self.users.get(username) else {
            // the same work for an unknown user, so timing does not tell which users exist
            let dummy = dummy_hash();
            if let Ok(parsed) = PasswordHash::new(dummy) {
                let _ = Argon2::default().verify_password(password.as_bytes(), &parsed);
            }
            return None;
        };
        let parsed = PasswordHash::new(hash).ok()?;
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .ok()?;
        let now = wppconnect_models::Seconds::now().get();
        let claims = Claims {
            sub: username.to_owned(),
            iat: now,
            exp: now + TOKEN_TTL_SECS,
        };
        encode(&Header::default(), &claims, &self.encoding).ok()
    }

    /// The claims of a valid, unexpired token.
    #[must_use]
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &Validation::default())
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_needs_the_right_password_and_tokens_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(!hash.contains("correct horse"));
        let auth = Auth::new(HashMap::from([("ana".to_owned(), hash)]), "jwt-secret");
        assert!(auth.login("ana", "wrong").is_none());
        assert!(auth.login("bob", "correct horse").is_none());
        let token = auth.login("ana", "correct horse").unwrap();
        assert_eq!(auth.verify(&token).unwrap().sub, "ana");
        assert!(auth.verify("not.a.token").is_none());
        let other = Auth::new(HashMap::new(), "another-secret");
        assert!(other.verify(&token).is_none(), "signed with another secret");
        assert!(!format!("{auth:?}").contains("argon2"));
    }
}
