/// Settings read once per Lambda instance from the environment.
#[derive(Clone)]
pub struct Config {
    pub table: String,
    /// HMAC key for access tokens and cursors; from Secrets Manager in AWS.
    pub jwt_secret: Vec<u8>,
    pub email_from: String,
    pub app_name: String,
    pub access_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
}

pub const MIN_SECRET_LEN: usize = 32;

impl Config {
    pub fn new(table: impl Into<String>, jwt_secret: impl Into<Vec<u8>>) -> Self {
        Config {
            table: table.into(),
            jwt_secret: jwt_secret.into(),
            email_from: "no-reply@demo.local".into(),
            app_name: "Streamly".into(),
            access_ttl_secs: 15 * 60,
            refresh_ttl_secs: 30 * 24 * 3600,
        }
    }

    pub fn from_env() -> Result<Self, String> {
        let var = |k: &str| std::env::var(k).map_err(|_| format!("environment variable {k} is not set"));
        let secret = var("JWT_SECRET")?;
        if secret.len() < MIN_SECRET_LEN {
            return Err(format!("JWT_SECRET must be at least {MIN_SECRET_LEN} bytes"));
        }
        let mut c = Config::new(var("TABLE_NAME")?, secret.into_bytes());
        if let Ok(from) = var("EMAIL_FROM") {
            c.email_from = from;
        }
        if let Ok(name) = var("APP_NAME") {
            c.app_name = name;
        }
        Ok(c)
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("table", &self.table)
            .field("email_from", &self.email_from)
            .finish_non_exhaustive()
    }
}
