//! Password hashes (argon2), JWT bearer tokens and login throttling. The users themselves
//! (roles, grants) live in the store ([`super::users`]); the ones configured here seed it.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::State;
use axum::http::Extensions;
use axum::routing::post;
use axum::{Json, Router};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jsonwebtoken::{decode, encode, DecodingKey, EncodingKey, Header, Validation};
use rand::distributions::{Alphanumeric, DistString};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use super::error::{ApiError, ApiJson};
use super::store::Store;
use super::AppState;

/// How long a login token is valid.
pub const TOKEN_TTL_SECS: i64 = 12 * 60 * 60;

/// The shortest `JWT_SECRET` accepted, in bytes: HS256 needs a key at least as long as its
/// 256-bit hash to keep its strength.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// How far past its `exp` a token is still accepted, for clocks slightly apart.
pub const LEEWAY_SECS: u64 = 5;

/// The longest user name a login may carry; longer ones are refused before any work.
pub const MAX_USERNAME_BYTES: usize = 128;

/// A random string of `len` letters and digits (passwords, secrets).
#[must_use]
pub fn random_secret(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}

/// Refuses a JWT secret shorter than [`MIN_JWT_SECRET_BYTES`].
///
/// # Errors
/// A message for the operator, saying how long the secret must be (never the secret itself).
pub fn check_jwt_secret(secret: &str) -> Result<(), String> {
    if secret.len() < MIN_JWT_SECRET_BYTES {
        return Err(format!(
            "JWT_SECRET is {} bytes long; it must be at least {MIN_JWT_SECRET_BYTES} bytes \
             (e.g. `openssl rand -hex 32`), or unset for a random one",
            secret.len()
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id.
///
/// This is deliberately slow (tens of milliseconds): call it from the blocking pool in async code.
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
    /// The user's token version when it was issued: a password change bumps it, and the
    /// tokens of an older version are refused.
    #[serde(default)]
    pub ver: i64,
}

/// Why a login was not answered with a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginError {
    /// The user does not exist or the password is wrong (the same answer for both).
    WrongCredentials,
    /// Too many attempts for this user or from this address: try again after the delay.
    Throttled {
        /// How long to wait before the next attempt is accepted.
        retry_after: Duration,
    },
    /// The password could not be checked (the blocking pool is gone: the process is stopping).
    Unavailable,
}

/// The users to seed, the JWT keys and the login limits. Its `Debug` shows neither hashes nor
/// the secret. Once [attached](Auth::attach) to a store (as [`AppState::new`] does), logins
/// check the users stored there; before, the seed users.
#[derive(Clone)]
pub struct Auth {
    users: Arc<HashMap<String, String>>,
    store: Arc<std::sync::OnceLock<Store>>,
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
    limits: Arc<LoginLimits>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Users as `name -> argon2 hash` (seeded into the store as admins when it has no user of
    /// that name), and the JWT secret. The secret's length is checked where the configuration
    /// is read ([`check_jwt_secret`]), not here, so tests can use short ones.
    #[must_use]
    pub fn new(users: HashMap<String, String>, jwt_secret: &str) -> Self {
        Self {
            users: Arc::new(users),
            store: Arc::default(),
            encoding: Arc::new(EncodingKey::from_secret(jwt_secret.as_bytes())),
            decoding: Arc::new(DecodingKey::from_secret(jwt_secret.as_bytes())),
            limits: Arc::new(LoginLimits::new(LoginQuotas::default())),
        }
    }

    /// Replaces the login limits (the defaults are [`LoginQuotas::default`]).
    #[must_use]
    pub fn with_login_quotas(self, quotas: LoginQuotas) -> Self {
        Self {
            limits: Arc::new(LoginLimits::new(quotas)),
            ..self
        }
    }

    /// The configured users (`name -> argon2 hash`) the store is seeded with.
    #[must_use]
    pub fn seed_users(&self) -> &HashMap<String, String> {
        &self.users
    }

    /// Checks logins against the users of this store from now on (the first store attached
    /// stays).
    pub fn attach(&self, store: &Store) {
        let _ = self.store.set(store.clone());
    }

    /// A token for the user when the password matches its hash.
    ///
    /// Each attempt first counts against the limits of the user name and of the client's
    /// address (`None` when unknown: those share one limit); over either, the answer is
    /// [`LoginError::Throttled`] without checking the password. The argon2 check runs on the
    /// blocking pool, at most one per CPU at a time, so a flood of logins never stalls other
    /// requests nor takes the memory of hundreds of hashes at once.
    ///
    /// # Errors
    /// [`LoginError`].
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: Option<IpAddr>,
    ) -> Result<String, LoginError> {
        self.limits.check(username, address)?;
        let permit = Arc::clone(&self.limits.hashing)
            .acquire_owned()
            .await
            .map_err(|_| LoginError::Unavailable)?;
        let (hash, version) = match self.store.get() {
            Some(store) => super::users::credentials(store, username)
                .await
                .map_err(|_| LoginError::Unavailable)?
                .unzip(),
            None => (self.users.get(username).cloned(), None),
        };
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            // an unknown user costs the same work, so timing does not tell which users exist
            let known = hash.is_some();
            let hash = hash.as_deref().unwrap_or_else(|| dummy_hash());
            let verified = PasswordHash::new(hash).is_ok_and(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            });
            known && verified
        })
        .await
        .map_err(|_| LoginError::Unavailable)?;
        if !matches {
            return Err(LoginError::WrongCredentials);
        }
        let now = wppconnect_models::Seconds::now().get();
        let claims = Claims {
            sub: username.to_owned(),
            iat: now,
            exp: now + TOKEN_TTL_SECS,
            ver: version.unwrap_or_default(),
        };
        encode(&Header::default(), &claims, &self.encoding).map_err(|_| LoginError::Unavailable)
    }

    /// The claims of a token signed with this secret and unexpired ([`LEEWAY_SECS`] of leeway).
    /// Whether its user still exists, and may do what it asks, is the store's
    /// ([`super::roles::Caller`]).
    #[must_use]
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::default();
        validation.leeway = LEEWAY_SECS;
        decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims)
    }
}

/// How many login attempts are allowed: a burst, then one more per period. Counted per user
/// name and per client address separately; every attempt counts, right or wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginQuotas {
    /// Attempts a user name may make at once.
    pub per_user_burst: NonZeroU32,
    /// Then one more attempt per this period.
    pub per_user_period: Duration,
    /// Attempts one address may make at once.
    pub per_address_burst: NonZeroU32,
    /// Then one more attempt per this period.
    pub per_address_period: Duration,
}

impl Default for LoginQuotas {
    /// 5 attempts per user name, then one every 12 s (5 a minute); 20 per address, then one
    /// every 3 s (20 a minute).
    fn default() -> Self {
        Self {
            per_user_burst: NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN),
            per_user_period: Duration::from_secs(12),
            per_address_burst: NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN),
            per_address_period: Duration::from_secs(3),
        }
    }
}

/// Keyed `governor` limiters for logins, and the permits for concurrent argon2 checks.
struct LoginLimits {
    users: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<Option<IpAddr>>,
    hashing: Arc<Semaphore>,
}

/// Past this many tracked keys, the ones back at their full burst are forgotten.
const RETAIN_ABOVE: usize = 10_000;

impl LoginLimits {
    fn new(quotas: LoginQuotas) -> Self {
        let quota = |burst, period: Duration| {
            Quota::with_period(period.max(Duration::from_millis(1)))
                .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
                .allow_burst(burst)
        };
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self {
            users: RateLimiter::keyed(quota(quotas.per_user_burst, quotas.per_user_period)),
            addresses: RateLimiter::keyed(quota(
                quotas.per_address_burst,
                quotas.per_address_period,
            )),
            hashing: Arc::new(Semaphore::new(cpus)),
        }
    }

    /// Counts one attempt; the wait when over a limit (the address first, so one address
    /// trying many names is stopped without touching their limits).
    fn check(&self, username: &str, address: Option<IpAddr>) -> Result<(), LoginError> {
        if self.users.len() > RETAIN_ABOVE || self.addresses.len() > RETAIN_ABOVE {
            self.users.retain_recent();
            self.addresses.retain_recent();
        }
        let now = DefaultClock::default().now();
        self.addresses
            .check_key(&address)
            .map_err(|not_until| LoginError::Throttled {
                retry_after: not_until.wait_time_from(now),
            })?;
        self.users
            .check_key(&username.to_owned())
            .map_err(|not_until| LoginError::Throttled {
                retry_after: not_until.wait_time_from(now),
            })
    }
}

// The HTTP side: the extractors every protected route uses, and `POST /api/auth/login`.

/// The login route.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/api/auth/login", post(login))
}

/// The authenticated caller of a route: [`Caller`](super::roles::Caller) (its old name, kept
/// for route modules that still take `_user: AuthUser`).
#[allow(unused_imports)]
pub(super) use super::roles::Caller as AuthUser;

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    extensions: Extensions,
    ApiJson(login): ApiJson<Login>,
) -> Result<Json<Value>, ApiError> {
    if login.username.len() > MAX_USERNAME_BYTES {
        return Err(ApiError::BadRequest(format!(
            "the user name is longer than {MAX_USERNAME_BYTES} bytes"
        )));
    }
    // present when served with `into_make_service_with_connect_info` (as `run` does); without
    // it every client shares one per-address limit
    let address = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    let token = match state
        .auth
        .login(&login.username, &login.password, address)
        .await
    {
        Ok(token) => token,
        Err(LoginError::WrongCredentials) => {
            return Err(ApiError::Unauthorized("wrong user name or password"))
        }
        Err(LoginError::Throttled { retry_after }) => {
            tracing::warn!(?address, "login throttled");
            return Err(ApiError::TooManyRequests(retry_after));
        }
        Err(LoginError::Unavailable) => {
            return Err(ApiError::Unavailable("logins are unavailable"))
        }
    };
    Ok(Json(json!({"token": token, "expiresIn": TOKEN_TTL_SECS})))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a-jwt-secret-of-at-least-32-bytes!";

    fn token(auth: &Auth, sub: &str, exp_offset: i64) -> String {
        let now = wppconnect_models::Seconds::now().get();
        let claims = Claims {
            sub: sub.to_owned(),
            iat: now,
            exp: now + exp_offset,
            ver: 0,
        };
        encode(&Header::default(), &claims, &auth.encoding).unwrap()
    }

    #[tokio::test]
    async fn login_needs_the_right_password_and_tokens_verify() {
        let hash = hash_password("correct horse").unwrap();
        assert!(!hash.contains("correct horse"));
        let auth = Auth::new(HashMap::from([("ana".to_owned(), hash)]), SECRET);
        assert_eq!(
            auth.login("ana", "wrong", None).await,
            Err(LoginError::WrongCredentials)
        );
        assert_eq!(
            auth.login("bob", "correct horse", None).await,
            Err(LoginError::WrongCredentials)
        );
        let token = auth.login("ana", "correct horse", None).await.unwrap();
        assert_eq!(auth.verify(&token).unwrap().sub, "ana");
        assert!(auth.verify("not.a.token").is_none());
        let other = Auth::new(HashMap::new(), "another-secret-of-at-least-32-bytes");
        assert!(other.verify(&token).is_none(), "signed with another secret");
        assert!(!format!("{auth:?}").contains("argon2"));
    }

    #[test]
    fn expired_tokens_are_refused() {
        let users = HashMap::from([("ana".to_owned(), "$argon2id$unused".to_owned())]);
        let auth = Auth::new(users, SECRET);
        assert!(auth.verify(&token(&auth, "ana", 60)).is_some());
        assert!(
            auth.verify(&token(&auth, "ana", -30)).is_none(),
            "30 s past exp is beyond the leeway"
        );
    }

    #[tokio::test]
    async fn once_attached_logins_check_the_store_s_users() {
        let store = Store::open("sqlite::memory:").await.unwrap();
        let seed = HashMap::from([("ana".to_owned(), hash_password("correct horse").unwrap())]);
        let auth = Auth::new(seed, SECRET);
        auth.attach(&store);
        assert_eq!(
            auth.login("ana", "correct horse", None).await,
            Err(LoginError::WrongCredentials),
            "not seeded into the store yet"
        );
        super::super::users::seed(&store, auth.seed_users())
            .await
            .unwrap();
        assert!(auth.login("ana", "correct horse", None).await.is_ok());
    }

    #[test]
    fn short_jwt_secrets_are_refused_with_the_length_needed() {
        let error = check_jwt_secret("a").unwrap_err();
        assert!(error.contains("at least 32 bytes"), "{error}");
        assert!(check_jwt_secret(SECRET).is_ok());
    }
}
