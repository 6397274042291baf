//! Fixed demo data so a person can try the API at once. Passwords can be
//! overridden by environment (`DEMO_ADMIN_PASSWORD`, `DEMO_HOST_PASSWORD`,
//! `DEMO_USER_PASSWORD`).

use app::accounts::{self, BootstrapAdminInput, RegisterInput};
use app::catalog::{self as packages, PackageChanges};
use app::gifts::{self, GiftChanges};
use app::http::idempotency::Idem;
use app::kernel::validate::New;
use app::wallet::{self, GrantInput};
use app::{AppState, DomainError};

pub const ADMIN_EMAIL: &str = "admin@demo.local";
pub const AGENCY_EMAIL: &str = "agency@demo.local";
pub const AGENCY_CODE: &str = "DEMO01";
pub const AGENCY_COMMISSION: i64 = 10;
pub const HOST_EMAILS: [&str; 2] = ["host1@demo.local", "host2@demo.local"];
pub const USER_EMAILS: [&str; 2] = ["user1@demo.local", "user2@demo.local"];
pub const HOST_CALL_PRICE: i64 = 60;
pub const USER_START_COINS: i64 = 1000;
/// (coins, bonus, price in paise): INR packages.
pub const PACKAGES: [(i64, i64, i64); 3] = [(100, 0, 9_900), (500, 50, 44_900), (1200, 200, 99_900)];
pub const GIFTS: [(&str, i64); 4] = [("Rose", 1), ("Heart", 10), ("Car", 500), ("Castle", 1000)];
/// Gifts bought with bonus coins only (check-in, tasks, offers): they pay the host only `bonus_host_rate_bps`.
pub const BONUS_GIFTS: [(&str, i64); 2] = [("Clover", 5), ("Lollipop", 20)];
/// The demo's tasks: (title, period, kind, target, bonus coins).
pub const TASKS: [(&str, &str, &str, i64, i64); 3] = [
    ("Send 3 gifts today", "daily", "send_gifts", 3, 10),
    ("Watch live rooms for 10 minutes", "daily", "watch_minutes", 10, 5),
    ("Follow a host", "once", "follow_new_host", 1, 5),
];
pub const INTERESTS: [&str; 5] = ["Music", "Dance", "Gaming", "Travel", "Cooking"];
pub const FAQS: [(&str, &str); 3] = [
    ("How do I buy coins?", "Open Wallet, pick a coin package and pay with your card or UPI."),
    ("How are video calls billed?", "Per started minute, at the host's price, paid in advance minute by minute."),
    ("How do I become a host?", "Apply with your agency's code; the agency approves your application."),
];

pub struct DemoPasswords {
    pub admin: String,
    pub agency: String,
    pub host: String,
    pub user: String,
}

impl DemoPasswords {
    pub fn from_env() -> Self {
        let var = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
        DemoPasswords {
            admin: var("DEMO_ADMIN_PASSWORD", "demo-admin-pass"),
            agency: var("DEMO_AGENCY_PASSWORD", "demo-agency-pass"),
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
async fn ensure_account(state: &AppState, email: &str, password: &str) -> Result<String, DomainError> {
    let input =
        RegisterInput { email: Some(email.into()), phone: None, password: password.into(), name: display_name(email) };
    match accounts::register(state, input).await {
        Ok(s) => {
            // The demo addresses receive nothing: verified, so every flow (password reset) works.
            state.db.set_email_verified(&s.account.id).await?;
            Ok(s.account.id)
        }
        Err(e) if e.code == "account_exists" => {
            let a = state
                .db
                .find_account_by_login(email)
                .await?
                .ok_or_else(|| DomainError::internal("login without account"))?;
            Ok(a.id)
        }
        Err(e) => Err(e),
    }
}

/// Loads the demo accounts; running it again changes nothing.
pub async fn load(state: &AppState, pw: &DemoPasswords) -> Result<(), DomainError> {
    let admin =
        BootstrapAdminInput { email: ADMIN_EMAIL.into(), password: pw.admin.clone(), name: Some("Admin".into()) };
    match accounts::bootstrap_admin(state, admin).await {
        Ok(_) => {}
        Err(e) if e.code == "admin_exists" => {}
        Err(e) => return Err(e),
    }
    // The demo settles today's gifts: no clawback hold until an admin sets one.
    let settings = state.db.get_settings().await?;
    if settings.updated_at == 0 {
        state.db.put_settings(&store::Settings { clawback_hold_days: 0, updated_at: state.now(), ..settings }).await?;
    }
    let agency = ensure_agency(state, &pw.agency).await?;
    for email in HOST_EMAILS {
        let id = ensure_account(state, email, &pw.host).await?;
        join_agency(state, &agency, &id, email).await?;
        state.db.set_call_settings(&id, HOST_CALL_PRICE, true).await?;
    }
    if state.db.list_catalog::<store::Gift>(store::Catalog::Gift, true, 1, None).await?.items.is_empty() {
        let bonus = BONUS_GIFTS.iter().map(|g| (g, "bonus"));
        for ((name, price), currency) in GIFTS.iter().map(|g| (g, "coins")).chain(bonus) {
            let image_key = format!("gifts/{}.png", name.to_lowercase());
            let input = GiftChanges {
                name: Some(name.to_string()),
                price_coins: Some(*price),
                image_key: Some(image_key),
                animation_key: None,
                active: None,
                currency: Some(currency.into()),
                min_wealth_level: None,
            };
            gifts::create_gift(state, New::check(input)?).await?;
        }
    }
    let tasks = state.db.get_tasks().await?;
    if tasks.tasks.is_empty() {
        let now = state.now();
        let task = |i: usize, (title, period, kind, target, reward): (&str, &str, &str, i64, i64)| store::Task {
            id: format!("01JDEMOTASK00000000000000{i}"),
            period: period.into(),
            kind: kind.into(),
            target,
            reward_bonus_coins: reward,
            active: true,
            title: title.into(),
            created_at: now,
            updated_at: now,
        };
        let all = store::Tasks { tasks: TASKS.into_iter().enumerate().map(|(i, t)| task(i, t)).collect(), version: 1 };
        state.db.put_tasks(&all, tasks.version).await?;
    }
    if state.db.list_catalog::<store::CoinPackage>(store::Catalog::CoinPackage, true, 1, None).await?.items.is_empty() {
        for (coins, bonus, price) in PACKAGES {
            let input = PackageChanges {
                coins: Some(coins),
                bonus_coins: Some(bonus),
                price_minor: Some(price),
                currency: Some("INR".into()),
                active: None,
                // The same product ids in both stores (the local stand-ins sell them).
                google_product_id: Some(format!("coins_{coins}")),
                apple_product_id: Some(format!("coins_{coins}")),
            };
            packages::create_coin_package(state, New::check(input)?).await?;
        }
    }
    load_master_data(state).await?;
    let admin_id = state.db.find_account_by_login(ADMIN_EMAIL).await?.map(|a| a.id).unwrap_or_default();
    for email in USER_EMAILS {
        let id = ensure_account(state, email, &pw.user).await?;
        // Starting coins are a ledgered grant like any other; the key makes a rerun grant nothing.
        let idem =
            Idem { account_id: admin_id.clone(), key: format!("demo-start-coins-{id}"), request_hash: "demo".into() };
        let grant = GrantInput { amount: USER_START_COINS, reason: "Demo starting coins".into() };
        wallet::grant_coins(state, &admin_id, &id, grant, Some(&idem)).await?;
    }
    Ok(())
}

/// The demo agency (code DEMO01), owned by agency@demo.local.
async fn ensure_agency(state: &AppState, password: &str) -> Result<store::Agency, DomainError> {
    if let Some(a) = state.db.agency_by_code(AGENCY_CODE).await? {
        return Ok(a);
    }
    let owner = ensure_account(state, AGENCY_EMAIL, password).await?;
    let input = app::agencies::AgencyInput {
        name: "Demo Agency".into(),
        owner_email: AGENCY_EMAIL.into(),
        commission_percent: Some(AGENCY_COMMISSION),
        code: Some(AGENCY_CODE.into()),
    };
    // Invited and accepted the way a real owner does, with the e-mailed code.
    let invited = app::agencies::create_agency(state, input).await?;
    app::agencies::accept_agency_invitation(state, &owner, &invited.code).await
}

/// Makes the account a host of the agency the way real hosts become one: an
/// application with the agency's code, approved.
async fn join_agency(state: &AppState, agency: &store::Agency, id: &str, email: &str) -> Result<(), DomainError> {
    let account = state.db.get_account(id).await?.ok_or_else(|| DomainError::internal("demo host vanished"))?;
    if account.agency_id.is_some() {
        return Ok(());
    }
    let input = app::agencies::ApplicationInput {
        agency_code: agency.code.clone(),
        display_name: display_name(email),
        about: "Demo host".into(),
        country: "IN".into(),
        languages: vec!["en".into(), "hi".into()],
    };
    let mut application = app::agencies::create_host_application(state, id, input).await?;
    application.status = "approved".into();
    application.decided_at = Some(state.now());
    application.decided_by = Some(agency.owner_id.clone());
    state.db.approve_application(&application, &account.name, HOST_CALL_PRICE).await?;
    Ok(())
}

/// Interests, avatars, FAQs and the two pages, once.
async fn load_master_data(state: &AppState) -> Result<(), DomainError> {
    use app::catalog::{
        self as masterdata, Avatar, AvatarChanges, Faq, FaqChanges, Interest, InterestChanges, PageInput,
    };
    use store::Catalog;
    if state.db.list_catalog::<Interest>(Catalog::Interest, true, 1, None).await?.items.is_empty() {
        for name in INTERESTS {
            let input = InterestChanges { name: Some(name.into()), icon_key: None, active: None };
            masterdata::create::<Interest>(state, New::check(input)?).await?;
        }
        for i in 1..=4 {
            let input = AvatarChanges { image_key: Some(format!("avatars/{i}.png")), active: None };
            masterdata::create::<Avatar>(state, New::check(input)?).await?;
        }
        for (i, (q, a)) in FAQS.iter().enumerate() {
            let input = FaqChanges {
                question: Some((*q).into()),
                answer: Some((*a).into()),
                position: Some(i as i64),
                active: None,
            };
            masterdata::create::<Faq>(state, New::check(input)?).await?;
        }
        for (slug, title) in [("terms", "Terms and conditions"), ("privacy", "Privacy policy")] {
            let body = format!("{title} of the demo app: be kind, be safe, respect others.");
            masterdata::put_page(state, None, slug, PageInput { title: title.into(), body }).await?;
        }
    }
    Ok(())
}

pub fn logins_text(pw: &DemoPasswords) -> String {
    let mut s = String::from("Demo logins (POST /auth/login {\"login\", \"password\"}):\n");
    s += &format!("  admin  {ADMIN_EMAIL:<20} {}\n", pw.admin);
    s += &format!("  agency {AGENCY_EMAIL:<20} {}  (code {AGENCY_CODE}, {AGENCY_COMMISSION}% commission)\n", pw.agency);
    for e in HOST_EMAILS {
        s += &format!("  host   {e:<20} {}  (call price {HOST_CALL_PRICE} coins/min, online)\n", pw.host);
    }
    for e in USER_EMAILS {
        s += &format!("  user   {e:<20} {}  ({USER_START_COINS} coins)\n", pw.user);
    }
    s
}
