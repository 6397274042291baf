//! What a route is: name, method, path, access, handler and its contract.
//! Each domain declares its routes beside its use cases (`<domain>/routes.rs`);
//! the one table of them all is `crate::routes`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

pub use store::Family;
use store::Role;
pub use store::table::{GSI1, GSI2, GSI3, GSI4, GSI5, Index};

use crate::AppState;
use crate::http::output::OutputDoc;
pub use crate::http::schema::{BodySchema, Schemas, new_schema_of, schema_of};
use crate::http::{Ctx, Reply};
use crate::kernel::error::DomainResult;

pub type Handler = for<'a> fn(&'a AppState, &'a Ctx) -> Pin<Box<dyn Future<Output = DomainResult<Reply>> + Send + 'a>>;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Access {
    Public,
    /// A valid access token with one of these roles; empty means any role.
    Auth(&'static [Role]),
}

pub const ANY: Access = Access::Auth(&[]);
pub const ADMIN: Access = Access::Auth(&[Role::Admin]);
pub const HOST: Access = Access::Auth(&[Role::Host]);
pub const AGENCY: Access = Access::Auth(&[Role::Agency]);
pub const AGENCY_OR_ADMIN: Access = Access::Auth(&[Role::Agency, Role::Admin]);
/// Those paid money: hosts and agency owners (KYC, payout accounts, withdrawals).
pub const EARNER: Access = Access::Auth(&[Role::Host, Role::Agency]);

pub struct Route {
    pub name: &'static str,
    pub method: &'static str,
    /// API Gateway's path syntax: `/users/{id}/follow`.
    pub path: &'static str,
    pub access: Access,
    pub handler: Handler,
    /// The success statuses and body, read off the handler's output type.
    pub output: fn() -> OutputDoc,
    /// What the OpenAPI document says beyond the above (`crate::openapi`).
    pub api: Api,
    /// What its function may do in AWS (`make template` writes its policy from it).
    pub needs: Needs,
    /// The module that declares it (`app::gifts::routes`): its domain's stack.
    pub module: &'static str,
}

impl Route {
    /// The domain whose stack holds this route's function (`gifts`).
    pub fn domain(&self) -> &'static str {
        domain_of(self.module)
    }
}

/// `app::gifts::routes` → `gifts`; the table's own routes (the API document) → `api`.
pub fn domain_of(module: &'static str) -> &'static str {
    match module.split("::").collect::<Vec<_>>()[..] {
        [_, domain, "routes"] if domain != "routes" => domain,
        _ => "api",
    }
}

/// What a function may do in AWS beyond running and logging. `make template`
/// writes each function's IAM policy, secrets and settings from it, and in
/// tests and the dev server a use case that touches the table beyond
/// `table` fails (`store::actions`), so the policy cannot fall behind the code.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Needs {
    pub table: TableUse,
    /// The families of the partition keys it may touch (its policy's
    /// `dynamodb:LeadingKeys`; an index's keys for a query on one).
    pub keys: &'static [Family],
    /// The indexes it may query (its policy's index ARNs).
    pub indexes: &'static [&'static Index],
    /// SES: e-mails (codes, invitations).
    pub email: bool,
    /// SNS: SMS codes to phone numbers.
    pub sms: bool,
    pub media: MediaUse,
    /// Secrets read at init from Secrets Manager (names in the environment, never values).
    pub secrets: &'static [Secret],
    /// SQS queues of the root stack it sends messages to (their URLs in its environment).
    pub sends_to: &'static [Queue],
    /// SQS queues it reads and deletes messages from by itself (not as its trigger).
    pub reads_from: &'static [Queue],
    /// Reads the table's stream back (DescribeStream, GetShardIterator, GetRecords) by itself.
    pub reads_stream: bool,
    /// Publishes on the live channels (AppSync Events, `appsync:EventPublish`; `live::publish`).
    pub publishes: bool,
    pub memory_mb: u32,
    pub timeout_secs: u32,
}

/// A queue of the root stack (`infra/root.yaml`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Queue {
    /// One message a window's shard for the `reconcile-shard` workers.
    Reconcile,
    /// Batches the aggregator gave up on (`redrive` replays them).
    AggregateDeadLetters,
}

impl Queue {
    /// Its resource in the root stack.
    pub const fn resource(self) -> &'static str {
        match self {
            Queue::Reconcile => "ReconcileQueue",
            Queue::AggregateDeadLetters => "AggregateDeadLetterQueue",
        }
    }
    /// The variable its URL is in (`Config`).
    pub const fn env(self) -> &'static str {
        match self {
            Queue::Reconcile => "RECONCILE_QUEUE_URL",
            Queue::AggregateDeadLetters => "AGGREGATE_DLQ_URL",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TableUse {
    /// Not at all (the API document).
    None,
    /// GetItem, BatchGetItem, Query: the table and its indexes.
    Read,
    /// Read and PutItem, UpdateItem, DeleteItem, ConditionCheckItem, BatchWriteItem.
    Write,
    /// Write and Scan (the full reconciliation).
    WriteAndScan,
}

impl TableUse {
    /// The DynamoDB operations (the SDK's names) this use allows.
    pub const fn operations(self) -> &'static [&'static str] {
        // Each use allows a prefix of this list: reads, then writes, then Scan.
        const ALL: &[&str] = &[
            "GetItem",
            "BatchGetItem",
            "Query",
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "BatchWriteItem",
            "TransactWriteItems",
            "Scan",
        ];
        match self {
            TableUse::None => &[],
            TableUse::Read => ALL.split_at(3).0,
            TableUse::Write => ALL.split_at(8).0,
            TableUse::WriteAndScan => ALL,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MediaUse {
    None,
    /// Presigned GETs of the media bucket.
    Read,
    /// Presigned PUTs, reads and deletes.
    Write,
}

/// A secret group: which Secrets Manager secret, which JSON keys, which
/// settings (plain, not secret) come with it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Secret {
    /// Stripe's and Razorpay's API keys (creating an order).
    PaymentKeys,
    StripeWebhook,
    RazorpayWebhook,
    /// RazorpayX Payouts' API keys and business account (withdrawals).
    RazorpayX,
    RazorpayXWebhook,
    /// The Agora certificate that signs RTC tokens.
    AgoraTokens,
    /// Agora's REST API credentials (banning rules: kicks, mutes, ends).
    AgoraRest,
    /// Agora's Notification Center signature secret.
    AgoraNcs,
    /// The Firebase service account (FCM, chat tokens).
    Firebase,
    /// The App Store In-App Purchase key.
    Apple,
    /// The Google Play service account.
    GooglePlay,
}

impl Needs {
    /// The default of a route: a GET reads the table, anything else writes it.
    pub const fn of_method(method: &str) -> Needs {
        let get = matches!(method.as_bytes(), b"GET");
        Needs {
            table: if get { TableUse::Read } else { TableUse::Write },
            keys: &[],
            indexes: &[],
            email: false,
            sms: false,
            media: MediaUse::None,
            secrets: &[],
            sends_to: &[],
            reads_from: &[],
            reads_stream: false,
            publishes: false,
            memory_mb: 256,
            timeout_secs: 10,
        }
    }
    pub const fn write() -> Needs {
        Needs::of_method("POST")
    }
    pub const fn read() -> Needs {
        Needs::of_method("GET")
    }
    pub const fn table(mut self, table: TableUse) -> Needs {
        self.table = table;
        self
    }
    pub const fn keys(mut self, keys: &'static [Family]) -> Needs {
        self.keys = keys;
        self
    }
    pub const fn indexes(mut self, indexes: &'static [&'static Index]) -> Needs {
        self.indexes = indexes;
        self
    }
    /// What the guard holds its function to off Lambda (`store::actions`).
    pub const fn allowance(&self) -> store::actions::Allowance {
        store::actions::Allowance { operations: self.table.operations(), keys: self.keys, indexes: self.indexes }
    }
    pub const fn email(mut self) -> Needs {
        self.email = true;
        self
    }
    pub const fn sms(mut self) -> Needs {
        self.sms = true;
        self
    }
    pub const fn media(mut self, media: MediaUse) -> Needs {
        self.media = media;
        self
    }
    pub const fn secrets(mut self, secrets: &'static [Secret]) -> Needs {
        self.secrets = secrets;
        self
    }
    pub const fn sends_to(mut self, queues: &'static [Queue]) -> Needs {
        self.sends_to = queues;
        self
    }
    pub const fn reads_from(mut self, queues: &'static [Queue]) -> Needs {
        self.reads_from = queues;
        self
    }
    pub const fn publishes(mut self) -> Needs {
        self.publishes = true;
        self
    }
    pub const fn reads_stream(mut self) -> Needs {
        self.reads_stream = true;
        self
    }
    pub const fn memory(mut self, mb: u32) -> Needs {
        self.memory_mb = mb;
        self
    }
    pub const fn timeout(mut self, secs: u32) -> Needs {
        self.timeout_secs = secs;
        self
    }
}

/// A route's contract beyond method, path, access and what its handler
/// answers: its request body and habits (Idempotency-Key, a webhook's
/// signature, links, its own error codes).
#[derive(Clone, Copy)]
pub struct Api {
    /// What the operation does, for people: the document's summary.
    pub says: &'static str,
    pub request: Option<BodySchema>,
    /// The body may be left out (defaults apply).
    pub optional_body: bool,
    pub idempotent: bool,
    /// A webhook: the provider's signature header.
    pub signature: Option<&'static str>,
    /// OpenAPI links from the success answer to the operations it leads to.
    pub links: &'static [Link],
    /// Error codes of its own (`already_following`, `host_busy`, ...) beside
    /// the generic ones every route may answer (`crate::openapi`).
    pub codes: &'static [&'static str],
    /// Query parameters beside `limit` and `cursor`: (name, JSON schema, description).
    pub query: &'static [(&'static str, &'static str, &'static str)],
}

/// An OpenAPI link: `operation` (a route name) with its parameters taken from
/// this answer, e.g. `("id", "$response.body#/id")`. Schemathesis's stateful
/// phase follows them (register → follow → gift).
#[derive(Clone, Copy)]
pub struct Link {
    pub operation: &'static str,
    pub parameters: &'static [(&'static str, &'static str)],
}

/// Links to operations whose `{id}` is the answer's `pointer`.
macro_rules! links_by_id {
    ($pointer:literal: $($op:literal),+) => {
        &[$($crate::http::routes::Link { operation: $op, parameters: &[("id", $pointer)] }),+]
    };
}
pub(crate) use links_by_id;

impl Default for Api {
    fn default() -> Api {
        Api::new()
    }
}

impl Api {
    pub const fn new() -> Api {
        Api {
            says: "",
            request: None,
            optional_body: false,
            idempotent: false,
            signature: None,
            links: &[],
            codes: &[],
            query: &[],
        }
    }
    pub const fn says(mut self, says: &'static str) -> Api {
        self.says = says;
        self
    }
    pub const fn query(mut self, params: &'static [(&'static str, &'static str, &'static str)]) -> Api {
        self.query = params;
        self
    }
    pub const fn codes(mut self, codes: &'static [&'static str]) -> Api {
        self.codes = codes;
        self
    }
    pub const fn links(mut self, links: &'static [Link]) -> Api {
        self.links = links;
        self
    }
    pub const fn body(mut self, schema: BodySchema) -> Api {
        self.request = Some(schema);
        self
    }
    pub const fn optional_body(mut self) -> Api {
        self.optional_body = true;
        self
    }
    pub const fn idempotent(mut self) -> Api {
        self.idempotent = true;
        self
    }
    pub const fn signed(mut self, header: &'static str) -> Api {
        self.signature = Some(header);
        self
    }
}

/// Functions without an HTTP route: invoked by hand, by a schedule, or by the table's stream.
pub struct EventFunction {
    pub name: &'static str,
    pub trigger: Trigger,
    /// The domain whose stack holds it.
    pub domain: &'static str,
    pub needs: Needs,
    /// What the template says about it.
    pub doc: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Trigger {
    Manual,
    /// An EventBridge schedule: `rate(1 minute)`.
    Schedule(&'static str),
    /// New items on the table's DynamoDB stream.
    TableStream(StreamTrigger),
    /// Messages on one of the root stack's SQS queues, `batch_size` an invocation.
    Queue {
        queue: Queue,
        batch_size: u32,
    },
    /// The Lambda authorizer of the root stack's AppSync Event API (`EventApi`).
    EventsAuthorizer,
}

/// How a function reads the table's stream: which records reach it and what
/// happens to a batch it cannot apply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StreamTrigger {
    /// EventBridge-style filter patterns on the records (any one matches).
    pub filters: &'static [&'static str],
    pub batch_size: u32,
    pub window_secs: u32,
    pub parallelization: u32,
    pub retries: u32,
    /// `TRIM_HORIZON` (every record still on the stream) or `LATEST`.
    pub starting_position: &'static str,
    /// Split a failing batch to find the record that fails.
    pub bisect: bool,
    /// Where a batch goes after its retries: the root stack's queue of this name.
    pub dead_letter_queue: &'static str,
}

macro_rules! route {
    ($name:literal, $method:literal, $path:literal, $access:expr, $f:path, $api:expr) => {
        $crate::http::routes::route!(
            $name,
            $method,
            $path,
            $access,
            $f,
            $api,
            $crate::http::routes::Needs::of_method($method)
        )
    };
    ($name:literal, $method:literal, $path:literal, $access:expr, $f:path, $api:expr, $needs:expr) => {{
        fn h<'a>(
            s: &'a $crate::AppState,
            c: &'a $crate::http::Ctx,
        ) -> ::std::pin::Pin<
            Box<
                dyn ::std::future::Future<Output = $crate::kernel::error::DomainResult<$crate::http::Reply>>
                    + Send
                    + 'a,
            >,
        > {
            Box::pin(async move { $f(s, c).await.map($crate::http::Output::into_reply) })
        }
        fn output() -> $crate::http::output::OutputDoc {
            $crate::http::output::doc_of($f)
        }
        $crate::http::routes::Route {
            name: $name,
            method: $method,
            path: $path,
            access: $access,
            handler: h,
            output,
            api: $api,
            needs: $needs,
            module: module_path!(),
        }
    }};
}
pub(crate) use route;

/// Matches a request path against the table (as API Gateway does): literal
/// segments beat `{params}`. Answers the route and its path parameters.
pub fn find(table: &[&'static Route], method: &str, path: &str) -> Option<(&'static Route, HashMap<String, String>)> {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(usize, &'static Route, HashMap<String, String>)> = None;
    for route in table.iter().filter(|r| r.method.eq_ignore_ascii_case(method)) {
        let pattern: Vec<&str> = route.path.split('/').collect();
        if pattern.len() != segs.len() {
            continue;
        }
        let mut params = HashMap::new();
        let mut literals = 0;
        let matched = pattern.iter().zip(&segs).all(|(p, s)| {
            if let Some(name) = p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                params.insert(name.to_string(), s.to_string());
                !s.is_empty()
            } else {
                literals += 1;
                p == s
            }
        });
        if matched && best.as_ref().is_none_or(|(l, _, _)| literals > *l) {
            best = Some((literals, *route, params));
        }
    }
    best.map(|(_, r, p)| (r, p))
}
