//! The families of partition keys (the table's and the indexes'): what comes
//! before a key's first `#`, or the whole key when it has none. A function's
//! IAM policy names the families it may touch (`dynamodb:LeadingKeys`), and
//! off Lambda the guard (`crate::core::actions`) refuses any other.

macro_rules! families {
    ($($variant:ident = $prefix:literal),* $(,)?) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        pub enum Family { $($variant),* }

        impl Family {
            pub const ALL: &[Family] = &[$(Family::$variant),*];
            /// What its keys start with (before the `#`).
            pub const fn prefix(self) -> &'static str {
                match self { $(Family::$variant => $prefix),* }
            }
        }
    };
}

families! {
    Account = "ACCOUNT",
    Accounts = "ACCOUNTS",
    Agencies = "AGENCIES",
    Agency = "AGENCY",
    AgencyCode = "AGENCYCODE",
    AgencyInvite = "AGENCYINVITE",
    AgoraNotice = "AGORANOTICE",
    AgoraSeq = "AGORASEQ",
    Audio = "AUDIO",
    Audit = "AUDIT",
    Avatar = "AVATAR",
    Battle = "PK",
    Blocks = "BLOCKS",
    Board = "BOARD",
    BonusDue = "BONUSDUE",
    Broadcasts = "BROADCASTS",
    Call = "CALL",
    Calls = "CALLS",
    Catalog = "CATALOG",
    Channel = "CHANNEL",
    ChannelLog = "CHANLOG",
    Chat = "CHAT",
    CommentId = "COMMENTID",
    Event = "EVENT",
    Events = "EVENTS",
    Faq = "FAQ",
    FeedOf = "FEEDOF",
    Followers = "FOLLOWERS",
    Following = "FOLLOWING",
    Gift = "GIFT",
    HostApp = "HOSTAPP",
    HostApps = "HOSTAPPS",
    Hosts = "HOSTS",
    Idempotency = "IDEM",
    Interest = "INTEREST",
    Kyc = "KYC",
    KycQueue = "KYCQ",
    Leaderboard = "LB",
    Login = "LOGIN",
    MyApps = "MYAPPS",
    OfferFingerprint = "OFFERFP",
    OpenBattles = "PKS",
    Package = "PACKAGE",
    Page = "PAGE",
    PaymentRef = "PAYREF",
    PkBoard = "PKBOARD",
    PkGifter = "PKGIFTER",
    PkGifters = "PK_GIFTERS",
    PkInvite = "PKINVITE",
    PkInvitesTo = "PKINVITES_TO",
    PkPair = "PKPAIR",
    PkQueue = "PKQUEUE",
    Post = "POST",
    Posts = "POSTS",
    PostsBy = "POSTS_BY",
    PushToken = "PUSHTOKEN",
    Rate = "RATE",
    Recharge = "RECHARGE",
    Recharges = "RECHARGES",
    Reconcile = "RECONCILE",
    Refresh = "REFRESH",
    RefundEvent = "REFUNDEVT",
    Report = "REPORT",
    ReportOpen = "REPORTOPEN",
    Reports = "REPORTS",
    Room = "ROOM",
    RoomGifter = "ROOMGIFTER",
    RoomGifters = "ROOM_GIFTERS",
    RoomViewers = "ROOMVIEWERS",
    Rooms = "ROOMS",
    Settings = "SETTINGS",
    Settlement = "SETTLEMENT",
    Settlements = "SETTLEMENTS",
    SettlementsOfAgency = "SETTLEMENTS_OF_AGENCY",
    SettlementsOfHost = "SETTLEMENTS_OF_HOST",
    Singleton = "SINGLETON",
    Stats = "STATS",
    Statement = "STATEMENT",
    StatementsOf = "STATEMENTS_OF",
    StoreCheckpoint = "STORECHECKPOINT",
    StoreMessage = "STOREMSG",
    StoreProduct = "STOREPRODUCT",
    SubAgencies = "SUBAGENCIES",
    Unconsumed = "UNCONSUMED",
    VipReminders = "VIPREMIND",
    Withdrawal = "WITHDRAWAL",
    Withdrawals = "WITHDRAWALS",
    WithdrawalsOf = "WITHDRAWALS_OF",
}

impl Family {
    /// The family of a partition key value, if it is one of ours.
    pub fn of(key: &str) -> Option<Family> {
        let prefix = key.split('#').next().unwrap_or_default();
        Family::ALL.iter().copied().find(|f| f.prefix() == prefix)
    }
}
