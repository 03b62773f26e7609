//! Users in the store (migration 0010): their password hashes, roles and granted sessions, and
//! the admin API: `GET /api/users`, `POST /api/users`, `PATCH /api/users/{name}`,
//! `DELETE /api/users/{name}`, and `GET /api/users/me` (the caller's own role and sessions).
//!
//! Names follow the session-name rule of the models ([`SessionName`]). The last admin can be
//! neither removed nor demoted. The SQL runs unchanged on SQLite and PostgreSQL.

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use wppconnect_models::SessionName;

use super::auth::hash_password;
use super::error::{ApiError, ApiJson};
use super::input;
use super::roles::{Access, Caller, Role};
use super::store::{Store, StoreError};
use super::AppState;

/// The shortest password an admin may set.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted (argon2 hashes anything, but a megabyte is not a password).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The most sessions one user may be granted.
pub const MAX_GRANTS: usize = 256;

/// A user as the API shows it (never the hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// The sessions granted, sorted (admins see every session whatever this holds).
    pub sessions: Vec<String>,
}

/// The user's access and token version (tokens of another version are refused), or `None`
/// for no such user.
///
/// # Errors
/// [`StoreError`], also for a role the store should not hold.
pub async fn access(store: &Store, name: &str) -> Result<Option<(Access, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT u.role, u.token_version, g.session FROM users AS u \
         LEFT JOIN user_sessions AS g ON g.user_name = u.name WHERE u.name = $1",
    )
    .bind(name)
    .fetch_all(store.pool())
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let role = role_of(&first.try_get::<String, _>("role")?)?;
    let token_version: i64 = first.try_get("token_version")?;
    let mut sessions = HashSet::new();
    for row in &rows {
        if let Some(session) = row.try_get::<Option<String>, _>("session")? {
            sessions.insert(session);
        }
    }
    Ok(Some((Access { role, sessions }, token_version)))
}

fn role_of(name: &str) -> Result<Role, StoreError> {
    Role::from_name(name).ok_or_else(|| {
        StoreError::from(sqlx::Error::Decode(
            format!("unknown role {name} in the users table").into(),
        ))
    })
}

/// The password hash and token version of a user, `None` for no such user.
///
/// # Errors
/// [`StoreError`].
pub async fn credentials(store: &Store, name: &str) -> Result<Option<(String, i64)>, StoreError> {
    let row = sqlx::query("SELECT password_hash, token_version FROM users WHERE name = $1")
        .bind(name)
        .fetch_optional(store.pool())
        .await?;
    Ok(row
        .map(|row| {
            Ok::<_, sqlx::Error>((row.try_get("password_hash")?, row.try_get("token_version")?))
        })
        .transpose()?)
}

/// How many users the store holds.
///
/// # Errors
/// [`StoreError`].
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(store.pool())
        .await?
        .try_get("n")?)
}

/// Adds the configured users (`name -> argon2 hash`) as admins, unless a user of that name is
/// stored already: the first start seeds them; later changes go through the API.
///
/// # Errors
/// [`StoreError`].
pub async fn seed(store: &Store, users: &HashMap<String, String>) -> Result<(), StoreError> {
    for (name, hash) in users {
        sqlx::query(
            "INSERT INTO users (name, password_hash, role, token_version, created_at) \
             VALUES ($1, $2, $3, 0, $4) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(hash)
        .bind(Role::Admin.as_str())
        .bind(wppconnect_models::Seconds::now().get())
        .execute(store.pool())
        .await?;
    }
    Ok(())
}

/// Every user, by name.
///
/// # Errors
/// [`StoreError`].
pub async fn list(store: &Store) -> Result<Vec<User>, StoreError> {
    let rows = sqlx::query(
        "SELECT u.name, u.role, g.session FROM users AS u \
         LEFT JOIN user_sessions AS g ON g.user_name = u.name ORDER BY u.name, g.session",
    )
    .fetch_all(store.pool())
    .await?;
    let mut users: Vec<User> = Vec::new();
    for row in &rows {
        let name: String = row.try_get("name")?;
        if users.last().is_none_or(|last| last.name != name) {
            users.push(User {
                name,
                role: role_of(&row.try_get::<String, _>("role")?)?,
                sessions: Vec::new(),
            });
        }
        if let (Some(user), Some(session)) = (
            users.last_mut(),
            row.try_get::<Option<String>, _>("session")?,
        ) {
            user.sessions.push(session);
        }
    }
    Ok(users)
}

/// One user, `None` for no such user.
///
/// # Errors
/// [`StoreError`].
pub async fn get_user(store: &Store, name: &str) -> Result<Option<User>, StoreError> {
    Ok(access(store, name).await?.map(|(access, _)| {
        let mut sessions: Vec<String> = access.sessions.into_iter().collect();
        sessions.sort();
        User {
            name: name.to_owned(),
            role: access.role,
            sessions,
        }
    }))
}

// The HTTP side.

/// The user routes.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/users", get(list_users).post(create_user))
        .route("/api/users/me", get(me))
        .route("/api/users/{name}", patch(update_user).delete(delete_user))
}

/// The body of `POST /api/users`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    name: String,
    password: String,
    role: String,
    #[serde(default)]
    sessions: Vec<String>,
}

/// The body of `PATCH /api/users/{name}`: each field changes when present.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserChange {
    role: Option<String>,
    sessions: Option<Vec<String>>,
    password: Option<String>,
}

fn user_name(name: &str) -> Result<String, ApiError> {
    SessionName::new(name).map(String::from).map_err(|e| {
        ApiError::BadRequest(format!(
            "a user name {}",
            input::shorten(&e.to_string(), 200)
        ))
    })
}

fn role(name: &str) -> Result<Role, ApiError> {
    Role::from_name(name).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "role must be admin, agent or viewer, not {}",
            input::shorten(name, 40)
        ))
    })
}

fn sessions(list: &[String]) -> Result<Vec<String>, ApiError> {
    if list.len() > MAX_GRANTS {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_GRANTS} sessions may be granted"
        )));
    }
    let mut checked: Vec<String> = list
        .iter()
        .map(|name| input::session_name(name).map(String::from))
        .collect::<Result<_, _>>()?;
    checked.sort();
    checked.dedup();
    Ok(checked)
}

/// An argon2 hash of a new password, hashed on the blocking pool.
async fn new_hash(password: &str) -> Result<String, ApiError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::BadRequest(format!(
            "the password must be at least {MIN_PASSWORD_CHARS} characters long"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::BadRequest(format!(
            "the password must be at most {MAX_PASSWORD_BYTES} bytes long"
        )));
    }
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or(ApiError::Unavailable("passwords cannot be hashed now"))
}

async fn list_users(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(list(&state.store).await?))
}

async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<User>, ApiError> {
    get_user(&state.store, &caller.name)
        .await?
        .map(Json)
        .ok_or(ApiError::Unauthorized("invalid or expired token"))
}

async fn create_user(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(new): ApiJson<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let name = user_name(&new.name)?;
    let role = role(&new.role)?;
    let grants = sessions(&new.sessions)?;
    let hash = new_hash(&new.password).await?;
    let mut tx = state.store.pool().begin().await.map_err(StoreError::from)?;
    let inserted = sqlx::query(
        "INSERT INTO users (name, password_hash, role, token_version, created_at) \
         VALUES ($1, $2, $3, 0, $4) ON CONFLICT (name) DO NOTHING",
    )
    .bind(&name)
    .bind(&hash)
    .bind(role.as_str())
    .bind(wppconnect_models::Seconds::now().get())
    .execute(&mut *tx)
    .await
    .map_err(StoreError::from)?;
    if inserted.rows_affected() == 0 {
        return Err(ApiError::Conflict(format!("a user {name} exists already")));
    }
    // grants left by a user of this name deleted earlier are not inherited
    sqlx::query("DELETE FROM user_sessions WHERE user_name = $1")
        .bind(&name)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    for session in &grants {
        sqlx::query("INSERT INTO user_sessions (user_name, session) VALUES ($1, $2)")
            .bind(&name)
            .bind(session)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(user = %name, %role, "user added");
    let user = refreshed(&state, &name).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// The user as stored now, also given to the push filters.
async fn refreshed(state: &AppState, name: &str) -> Result<User, ApiError> {
    state.roles.changed(name);
    match access(&state.store, name).await? {
        Some((access, _)) => {
            state.roles.remember(name, access);
        }
        None => state.roles.forget(name),
    }
    get_user(&state.store, name)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no user {name}")))
}

/// Refuses to leave the store without an admin: the change must be undone.
fn last_admin(name: &str) -> ApiError {
    ApiError::Conflict(format!(
        "{name} is the last admin: make another user admin first"
    ))
}

async fn update_user(
    State(state): State<AppState>,
    _caller: Caller,
    Path(name): Path<String>,
    ApiJson(change): ApiJson<UserChange>,
) -> Result<Json<User>, ApiError> {
    let name = user_name(&name)?;
    let role = change.role.as_deref().map(role).transpose()?;
    let grants = change.sessions.as_deref().map(sessions).transpose()?;
    let hash = match &change.password {
        Some(password) => Some(new_hash(password).await?),
        None => None,
    };
    let mut tx = state.store.pool().begin().await.map_err(StoreError::from)?;
    // a write first, so the transaction holds the write lock from its start (SQLite would
    // refuse a read transaction that turns into a write after another commit); it also ends
    // the tokens issued before a new password
    let found = sqlx::query("UPDATE users SET token_version = token_version + $1 WHERE name = $2")
        .bind(i64::from(hash.is_some()))
        .bind(&name)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    if found.rows_affected() == 0 {
        return Err(ApiError::NotFound(format!("no user {name}")));
    }
    if let Some(role) = role {
        // one statement: the count and the change cannot be split by another demotion
        let changed = sqlx::query(
            "UPDATE users SET role = $1 WHERE name = $2 AND ($1 = $3 OR role <> $3 \
             OR (SELECT COUNT(*) FROM users WHERE role = $3) > 1)",
        )
        .bind(role.as_str())
        .bind(&name)
        .bind(Role::Admin.as_str())
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        if changed.rows_affected() == 0 {
            return Err(last_admin(&name));
        }
    }
    if let Some(grants) = &grants {
        sqlx::query("DELETE FROM user_sessions WHERE user_name = $1")
            .bind(&name)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        for session in grants {
            sqlx::query("INSERT INTO user_sessions (user_name, session) VALUES ($1, $2)")
                .bind(&name)
                .bind(session)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
        }
    }
    if let Some(hash) = &hash {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE name = $2")
            .bind(hash)
            .bind(&name)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    tracing::info!(user = %name, role = ?role, grants = grants.is_some(), password = hash.is_some(), "user changed");
    Ok(Json(refreshed(&state, &name).await?))
}

async fn delete_user(
    State(state): State<AppState>,
    _caller: Caller,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    let name = user_name(&name)?;
    let mut tx = state.store.pool().begin().await.map_err(StoreError::from)?;
    let deleted = sqlx::query(
        "DELETE FROM users WHERE name = $1 AND (role <> $2 \
         OR (SELECT COUNT(*) FROM users WHERE role = $2) > 1)",
    )
    .bind(&name)
    .bind(Role::Admin.as_str())
    .execute(&mut *tx)
    .await
    .map_err(StoreError::from)?;
    if deleted.rows_affected() == 0 {
        let exists = sqlx::query("SELECT name FROM users WHERE name = $1")
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)?
            .is_some();
        return Err(if exists {
            last_admin(&name)
        } else {
            ApiError::NotFound(format!("no user {name}"))
        });
    }
    sqlx::query("DELETE FROM user_sessions WHERE user_name = $1")
        .bind(&name)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    tx.commit().await.map_err(StoreError::from)?;
    state.roles.forget(&name);
    state.roles.changed(&name);
    tracing::info!(user = %name, "user removed");
    Ok(StatusCode::NO_CONTENT)
}
