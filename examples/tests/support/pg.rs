//! The store suite on both databases: a test body takes a [`TestDb`] and runs once on SQLite
//! and once on PostgreSQL (a fresh database of its own, dropped at the end), through
//! [`on_both!`](crate::on_both).

use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::Connection;
use wppconnect_examples::backend::Store;

/// The PostgreSQL server's URL when `WPP_TEST_POSTGRES` is unset: a role that may create
/// databases (`.ci/services` makes it).
const DEFAULT_SERVER: &str = "postgres://wpp:wpp@127.0.0.1:5432/postgres";

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The PostgreSQL server the tests use (`WPP_TEST_POSTGRES`).
pub(crate) fn server_url() -> String {
    std::env::var("WPP_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_SERVER.to_owned())
}

async fn admin() -> sqlx::PgConnection {
    let url = server_url();
    match sqlx::PgConnection::connect(&url).await {
        Ok(conn) => conn,
        Err(error) => panic!(
            "PostgreSQL at {} is unreachable ({error}): run `. .ci/services` first",
            wppconnect_examples::backend::store::redacted_url(&url)
        ),
    }
}

/// A fresh PostgreSQL database, named uniquely (pid + counter), dropped on drop.
pub(crate) struct PgDb {
    name: String,
    /// `postgres://…/<name>`.
    pub(crate) url: String,
}

impl PgDb {
    pub(crate) async fn new(tag: &str) -> Self {
        let tag: String = tag
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(24)
            .collect::<String>()
            .to_ascii_lowercase();
        let name = format!(
            "wpp_test_{}_{}_{tag}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = admin().await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let _ = conn.close().await;
        let mut url = url::Url::parse(&server_url()).unwrap();
        url.set_path(&name);
        Self {
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        // on a thread of its own: the test's runtime may be the current-thread one
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut conn = admin().await;
                // an autovacuum worker (the server's own role) may be on the database: FORCE
                // cannot end it, so try again until it is done (a long deadline stops a hang)
                let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
                loop {
                    let dropped =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await;
                    match dropped {
                        Ok(_) => break,
                        Err(error) if std::time::Instant::now() < deadline => {
                            tracing::debug!(%error, "the test database is busy; dropping it again");
                            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        }
                        Err(error) => panic!("could not drop {name}: {error}"),
                    }
                }
                let _ = conn.close().await;
            });
        })
        .join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("the test database {} was not dropped", self.name);
        }
    }
}

/// The database a test body runs on.
pub(crate) enum TestDb {
    /// SQLite: a database file in a temporary directory (removed at the end).
    Sqlite(super::TempDb),
    /// PostgreSQL: a database of its own (dropped at the end).
    Postgres(PgDb),
}

impl TestDb {
    pub(crate) fn sqlite(tag: &str) -> Self {
        Self::Sqlite(super::TempDb::new(tag))
    }

    pub(crate) async fn postgres(tag: &str) -> Self {
        Self::Postgres(PgDb::new(tag).await)
    }

    /// The database's URL, for [`Store::open`] or `DATABASE_URL`.
    pub(crate) fn url(&self) -> &str {
        match self {
            Self::Sqlite(db) => &db.url,
            Self::Postgres(db) => &db.url,
        }
    }

    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// A store on the database (migrated).
    pub(crate) async fn store(&self) -> Store {
        Store::open(self.url()).await.unwrap()
    }
}

/// For each `async fn name(db: TestDb)` named, a module `name` with two tests: `sqlite` and
/// `postgres`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name($crate::support::pg::TestDb::sqlite(stringify!($name))).await;
            }

            #[tokio::test]
            async fn postgres() {
                super::$name($crate::support::pg::TestDb::postgres(stringify!($name)).await).await;
            }
        }
    )*};
}
