//! Fixed demo data so a person can try the API at once. Passwords can be
//! overridden by environment (`DEMO_ADMIN_PASSWORD`, `DEMO_HOST_PASSWORD`,
//! `DEMO_USER_PASSWORD`).

use app::accounts::{self, BootstrapAdminInput, RegisterInput};
use app::gifts::{self, GiftInput};
use app::packages::{self, PackageInput};
use app::wallet::{self, GrantInput, Idem};
use app::{ApiError, AppState};

pub const ADMIN_EMAIL: &str = "admin@demo.local";
pub const HOST_EMAILS: [&str; 2] = ["host1@demo.local", "host2@demo.local"];
pub const USER_EMAILS: [&str; 2] = ["user1@demo.local", "user2@demo.local"];
pub const HOST_CALL_PRICE: i64 = 60;
pub const USER_START_COINS: i64 = 1000;
/// (coins, bonus, price in paise): INR packages.
pub const PACKAGES: [(i64, i64, i64); 3] = [(100, 0, 9_900), (500, 50, 44_900), (1200, 200, 99_900)];
pub const GIFTS: [(&str, i64); 4] = [("Rose", 1), ("Heart", 10), ("Car", 500), ("Castle", 1000)];

pub struct DemoPasswords {
    pub admin: String,
    pub host: String,
    pub user: String,
}

impl DemoPasswords {
    pub fn from_env() -> Self {
        let var = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
        DemoPasswords {
            admin: var("DEMO_ADMIN_PASSWORD", "demo-admin-pass"),
            host: var("DEMO_HOST_PASSWORD", "demo-host-pass"),
            user: var("DEMO_USER_PASSWORD", "demo-user-pass"),
        }
    }
}

fn display_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    let mut c = local.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// Creates an account unless its login is taken; answers its id either way.
async fn ensure_account(state: &AppState, email: &str, password: &str) -> Result<String, ApiError> {
    let input =
        RegisterInput { email: Some(email.into()), phone: None, password: password.into(), name: display_name(email) };
    match accounts::register(state, input).await {
        Ok(s) => Ok(s.account.id),
        Err(e) if e.code == "account_exists" => {
            let a = state
                .db
                .find_account_by_login(email)
                .await?
                .ok_or_else(|| ApiError::internal("login without account"))?;
            Ok(a.id)
        }
        Err(e) => Err(e),
    }
}

/// Loads the demo accounts; running it again changes nothing.
pub async fn load(state: &AppState, pw: &DemoPasswords) -> Result<(), ApiError> {
    let admin =
        BootstrapAdminInput { email: ADMIN_EMAIL.into(), password: pw.admin.clone(), name: Some("Admin".into()) };
    match accounts::bootstrap_admin(state, admin).await {
        Ok(_) => {}
        Err(e) if e.code == "admin_exists" => {}
        Err(e) => return Err(e),
    }
    for email in HOST_EMAILS {
        let id = ensure_account(state, email, &pw.host).await?;
        state.db.make_host(&id, HOST_CALL_PRICE, true).await?;
    }
    if state.db.list_catalog::<store::Gift>(store::Catalog::Gift, true, 1, None).await?.items.is_empty() {
        for (name, price) in GIFTS {
            let image_key = format!("gifts/{}.png", name.to_lowercase());
            let input = GiftInput {
                name: Some(name.into()),
                price_coins: Some(price),
                image_key: Some(image_key),
                animation_key: None,
                active: None,
            };
            gifts::create_gift(state, input).await?;
        }
    }
    if state.db.list_catalog::<store::CoinPackage>(store::Catalog::CoinPackage, true, 1, None).await?.items.is_empty() {
        for (coins, bonus, price) in PACKAGES {
            let input = PackageInput {
                coins: Some(coins),
                bonus_coins: Some(bonus),
                price_minor: Some(price),
                currency: Some("INR".into()),
                active: None,
            };
            packages::create_coin_package(state, input).await?;
        }
    }
    let admin_id = state.db.find_account_by_login(ADMIN_EMAIL).await?.map(|a| a.id).unwrap_or_default();
    for email in USER_EMAILS {
        let id = ensure_account(state, email, &pw.user).await?;
        // Starting coins are a ledgered grant like any other; the key makes a rerun grant nothing.
        let idem = Idem { account_id: admin_id.clone(), key: format!("demo-start-coins-{id}") };
        let grant = GrantInput { amount: USER_START_COINS, reason: "Demo starting coins".into() };
        wallet::grant_coins(state, &admin_id, &id, grant, Some(&idem)).await?;
    }
    Ok(())
}

pub fn logins_text(pw: &DemoPasswords) -> String {
    let mut s = String::from("Demo logins (POST /auth/login {\"login\", \"password\"}):\n");
    s += &format!("  admin  {ADMIN_EMAIL:<20} {}\n", pw.admin);
    for e in HOST_EMAILS {
        s += &format!("  host   {e:<20} {}  (call price {HOST_CALL_PRICE} coins/min, online)\n", pw.host);
    }
    for e in USER_EMAILS {
        s += &format!("  user   {e:<20} {}  ({USER_START_COINS} coins)\n", pw.user);
    }
    s
}
