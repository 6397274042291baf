//! `make template`: the SAM templates, written from the route table. The root
//! stack (`template.yaml`) is `infra/root.yaml` (parameters, the table, the
//! API, buckets, queues, alarms: kept by hand) plus one nested stack per
//! domain (`stacks/<domain>.yaml`) holding that domain's functions. Each
//! function's policy, secrets and settings come from its route's `Needs`.
//! A test fails when the committed files differ from what this writes.
//!
//! Why nested stacks: the SAM transform makes five resources per HTTP function
//! (function, role, integration, route, permission); one stack would pass
//! CloudFormation's 500 at ~100 functions. A domain's stack stays under 200.

use std::collections::BTreeMap;
use std::fmt::Write;

use app::http::routes::{EventFunction, MediaUse, Needs, Queue, Route, Secret, TableUse, Trigger};
use app::routes::{EVENT_FUNCTIONS, ROUTES};

/// The hand-kept part of the root stack.
pub const ROOT: &str = include_str!("../../infra/root.yaml");

/// The files `make template` writes: (path from the repository root, text).
pub fn render() -> Vec<(String, String)> {
    let mut domains: BTreeMap<&str, (Vec<&Route>, Vec<&EventFunction>)> = BTreeMap::new();
    for r in ROUTES {
        domains.entry(r.domain()).or_default().0.push(r);
    }
    for f in EVENT_FUNCTIONS {
        domains.entry(f.domain).or_default().1.push(f);
    }
    let mut files = Vec::new();
    let mut root = String::from(ROOT);
    for (domain, (routes, events)) in &domains {
        let params = parameters(routes, events);
        files.push((format!("stacks/{domain}.yaml"), stack(domain, routes, events, &params)));
        root.push('\n');
        root.push_str(&nested(domain, &params));
    }
    files.insert(0, ("template.yaml".into(), root));
    files
}

/// `send-gift` → `SendGift`.
pub fn pascal(name: &str) -> String {
    name.split(['-', '_'])
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// A parameter of a domain stack: its name, and the root's value for it.
struct Param {
    name: String,
    value: String,
}

const fn p(name: &'static str, value: &'static str) -> (&'static str, &'static str) {
    (name, value)
}

/// What every function's environment needs (the stack's Globals).
const COMMON: &[(&str, &str)] = &[
    p("TableName", "!Ref Table"),
    p("TableArn", "!GetAtt Table.Arn"),
    p("LogGroupName", "!Ref FunctionLogGroup"),
    p("JwtSecretArn", "!Ref JwtSecretArn"),
    p("EmailFrom", "!Ref EmailFrom"),
    p("AppName", "!Ref AppName"),
    p("MediaBucket", "!Ref MediaBucket"),
    p("MediaCdnUrl", "!Ref MediaCdnUrl"),
    p("CoinValueMinor", "!Ref CoinValueMinor"),
    p("SettlementCurrency", "!Ref SettlementCurrency"),
];

/// A secret group's secret (the root parameter holding its ARN), its
/// environment variables read from that secret (JSON key, or the whole
/// string), and its plain settings (variable, parameter).
struct SecretSpec {
    arn: &'static str,
    keys: &'static [(&'static str, Option<&'static str>)],
    settings: &'static [(&'static str, &'static str)],
}

const AGORA_APP: &[(&str, &str)] = &[("AGORA_APP_ID", "AgoraAppId")];

fn spec(s: Secret) -> SecretSpec {
    let (arn, keys, settings): (_, &'static [(&str, Option<&str>)], &'static [(&str, &str)]) = match s {
        Secret::PaymentKeys => (
            "PaymentsSecretArn",
            &[
                ("STRIPE_SECRET_KEY", Some("stripe_secret_key")),
                ("RAZORPAY_KEY_ID", Some("razorpay_key_id")),
                ("RAZORPAY_KEY_SECRET", Some("razorpay_key_secret")),
            ],
            &[("STRIPE_PUBLISHABLE_KEY", "StripePublishableKey"), ("STRIPE_API_VERSION", "StripeApiVersion")],
        ),
        Secret::StripeWebhook => {
            ("PaymentsSecretArn", &[("STRIPE_WEBHOOK_SECRET", Some("stripe_webhook_secret"))], &[])
        }
        Secret::RazorpayWebhook => {
            ("PaymentsSecretArn", &[("RAZORPAY_WEBHOOK_SECRET", Some("razorpay_webhook_secret"))], &[])
        }
        Secret::RazorpayX => (
            "PaymentsSecretArn",
            &[
                ("RAZORPAYX_KEY_ID", Some("razorpayx_key_id")),
                ("RAZORPAYX_KEY_SECRET", Some("razorpayx_key_secret")),
                ("RAZORPAYX_ACCOUNT_NUMBER", Some("razorpayx_account_number")),
            ],
            &[],
        ),
        Secret::RazorpayXWebhook => {
            ("PaymentsSecretArn", &[("RAZORPAYX_WEBHOOK_SECRET", Some("razorpayx_webhook_secret"))], &[])
        }
        Secret::AgoraTokens => ("AgoraSecretArn", &[("AGORA_APP_CERTIFICATE", Some("app_certificate"))], AGORA_APP),
        Secret::AgoraRest => (
            "AgoraSecretArn",
            &[("AGORA_CUSTOMER_ID", Some("customer_id")), ("AGORA_CUSTOMER_SECRET", Some("customer_secret"))],
            AGORA_APP,
        ),
        Secret::AgoraNcs => ("AgoraSecretArn", &[("AGORA_NCS_SECRET", Some("ncs_secret"))], AGORA_APP),
        Secret::Firebase => ("FirebaseSecretArn", &[("FIREBASE_SERVICE_ACCOUNT", None)], &[]),
        Secret::Apple => (
            "AppleSecretArn",
            &[("APPLE_PRIVATE_KEY", None)],
            &[
                ("APPLE_BUNDLE_ID", "AppleBundleId"),
                ("APPLE_APP_APPLE_ID", "AppleAppAppleId"),
                ("APPLE_ISSUER_ID", "AppleIssuerId"),
                ("APPLE_KEY_ID", "AppleKeyId"),
                ("APPLE_ENVIRONMENT", "AppleEnvironment"),
                ("APPLE_ROOT_CERTIFICATES", "AppleRootCertificatesParameter"),
            ],
        ),
        Secret::GooglePlay => (
            "GooglePlaySecretArn",
            &[("GOOGLE_PLAY_SERVICE_ACCOUNT", None)],
            &[
                ("GOOGLE_PLAY_PACKAGE_NAME", "GooglePlayPackageName"),
                ("GOOGLE_PLAY_PUSH_AUDIENCE", "GooglePlayPushAudience"),
                ("GOOGLE_PLAY_PUSH_EMAIL", "GooglePlayPushEmail"),
            ],
        ),
    };
    SecretSpec { arn, keys, settings }
}

/// A function of a stack, HTTP or not.
struct Function<'a> {
    name: &'static str,
    needs: Needs,
    route: Option<&'a Route>,
    event: Option<&'a EventFunction>,
}

fn functions<'a>(routes: &[&'a Route], events: &[&'a EventFunction]) -> Vec<Function<'a>> {
    let http = routes.iter().map(|r| Function { name: r.name, needs: r.needs, route: Some(*r), event: None });
    http.chain(events.iter().map(|e| Function { name: e.name, needs: e.needs, route: None, event: Some(*e) })).collect()
}

/// The parameters a domain's stack takes: the common ones, the API's id if
/// it has routes, the stream and queues its stream functions use, and the
/// secrets' and settings' parameters of its functions.
fn parameters(routes: &[&Route], events: &[&EventFunction]) -> Vec<Param> {
    let mut names: Vec<Param> =
        COMMON.iter().map(|(n, v)| Param { name: n.to_string(), value: v.to_string() }).collect();
    let mut add = |name: &str, value: String| {
        if !names.iter().any(|p| p.name == name) {
            names.push(Param { name: name.to_string(), value });
        }
    };
    if !routes.is_empty() {
        add("HttpApiId", "!Ref HttpApi".into());
    }
    for f in functions(routes, events) {
        for s in f.needs.secrets {
            let spec = spec(*s);
            add(spec.arn, format!("!Ref {}", spec.arn));
            for (_, param) in spec.settings {
                add(param, format!("!Ref {param}"));
            }
        }
        if f.needs.reads_stream {
            add("TableStreamArn", "!GetAtt Table.StreamArn".into());
        }
        if f.needs.publishes {
            add("EventApiId", "!GetAtt EventApi.ApiId".into());
            add("EventApiHttpDns", "!GetAtt EventApi.Dns.Http".into());
        }
        if let Some(EventFunction { trigger: Trigger::TableStream(t), .. }) = f.event {
            add("TableStreamArn", "!GetAtt Table.StreamArn".into());
            add(&format!("{}Arn", t.dead_letter_queue), format!("!GetAtt {}.Arn", t.dead_letter_queue));
        }
        for q in queues_of(&f) {
            add(&format!("{}Arn", q.resource()), format!("!GetAtt {}.Arn", q.resource()));
            if f.needs.sends_to.contains(&q) || f.needs.reads_from.contains(&q) {
                add(&format!("{}Url", q.resource()), format!("!Ref {}", q.resource()));
            }
        }
    }
    names
}

/// The queues a function sends to, reads, or is triggered by.
fn queues_of(f: &Function) -> Vec<Queue> {
    let mut out: Vec<Queue> = f.needs.sends_to.iter().chain(f.needs.reads_from).copied().collect();
    if let Some(EventFunction { trigger: Trigger::Queue { queue, .. }, .. }) = f.event
        && !out.contains(queue)
    {
        out.push(*queue);
    }
    out
}

fn nested(domain: &str, params: &[Param]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "  {}Stack:", pascal(domain));
    let _ = writeln!(s, "    Type: AWS::CloudFormation::Stack");
    let _ = writeln!(s, "    Properties:");
    let _ = writeln!(s, "      TemplateURL: stacks/{domain}.yaml");
    let _ = writeln!(s, "      Parameters:");
    for p in params {
        let _ = writeln!(s, "        {}: {}", p.name, p.value);
    }
    s
}

/// `SECRETS`: `VAR=arn#key,...`, read at init (`integrations::secrets`).
fn secrets_env(secrets: &[Secret]) -> String {
    let mut entries = vec!["JWT_SECRET=${JwtSecretArn}#jwt_secret".to_string()];
    for s in secrets {
        let spec = spec(*s);
        for (var, key) in spec.keys {
            let entry = match key {
                Some(k) => format!("{var}=${{{}}}#{k}", spec.arn),
                None => format!("{var}=${{{}}}", spec.arn),
            };
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
    }
    entries.join(",")
}

fn stack(domain: &str, routes: &[&Route], events: &[&EventFunction], params: &[Param]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Written by `make template` from the route table (shared/app/src/{domain}/routes.rs");
    let _ = writeln!(s, "# and shared/app/src/routes.rs); do not edit: change the routes' needs.");
    let _ = writeln!(s, "AWSTemplateFormatVersion: '2010-09-09'");
    let _ = writeln!(s, "Transform: AWS::Serverless-2016-10-31");
    let _ = writeln!(s, "Description: Streamly's {domain} functions (a nested stack of template.yaml).");
    let _ = writeln!(s);
    let _ = writeln!(s, "Parameters:");
    for p in params {
        let _ = writeln!(s, "  {}:", p.name);
        let _ = writeln!(s, "    Type: String");
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Globals:");
    let _ = writeln!(s, "  Function:");
    let _ = writeln!(s, "    Runtime: provided.al2023");
    let _ = writeln!(s, "    Architectures:");
    let _ = writeln!(s, "      - arm64");
    let _ = writeln!(s, "    Handler: bootstrap");
    let _ = writeln!(s, "    CodeUri: ../functions");
    let _ = writeln!(s, "    MemorySize: 256");
    let _ = writeln!(s, "    Timeout: 10");
    let _ = writeln!(s, "    LoggingConfig:");
    let _ = writeln!(s, "      LogFormat: JSON");
    let _ = writeln!(s, "      LogGroup: !Ref LogGroupName");
    let _ = writeln!(s, "    Environment:");
    let _ = writeln!(s, "      Variables:");
    for (k, v) in [
        ("TABLE_NAME", "!Ref TableName"),
        ("EMAIL_FROM", "!Ref EmailFrom"),
        ("APP_NAME", "!Ref AppName"),
        ("RUST_LOG", "info"),
        ("MEDIA_BUCKET", "!Ref MediaBucket"),
        ("MEDIA_CDN_URL", "!Ref MediaCdnUrl"),
        ("COIN_VALUE_MINOR", "!Ref CoinValueMinor"),
        ("SETTLEMENT_CURRENCY", "!Ref SettlementCurrency"),
        ("CALL_GRACE_SECS", "'20'"),
        ("SMS_HOURLY_BUDGET", "'1000'"),
    ] {
        let _ = writeln!(s, "        {k}: {v}");
    }
    let _ = writeln!(s, "        SECRETS: !Sub '{}'", secrets_env(&[]));
    let _ = writeln!(s);
    let _ = writeln!(s, "Resources:");
    let mut outputs = Vec::new();
    let mut arns = Vec::new();
    for f in functions(routes, events) {
        function(&mut s, &f);
        if f.event.is_some() {
            outputs.push(format!("{}Function", pascal(f.name)));
        }
        if let Some(EventFunction { trigger: Trigger::EventsAuthorizer, .. }) = f.event {
            arns.push(format!("{}Function", pascal(f.name)));
        }
    }
    if !outputs.is_empty() {
        let _ = writeln!(s, "Outputs:");
        for o in outputs {
            let _ = writeln!(s, "  {o}:");
            let _ = writeln!(s, "    Value: !Ref {o}");
        }
        for a in arns {
            let _ = writeln!(s, "  {a}Arn:");
            let _ = writeln!(s, "    Value: !GetAtt {a}.Arn");
        }
    }
    s
}

fn function(s: &mut String, f: &Function) {
    let id = format!("{}Function", pascal(f.name));
    let n = f.needs;
    if let Some(e) = f.event {
        for line in wrap(e.doc, 76) {
            let _ = writeln!(s, "  # {line}");
        }
    }
    let _ = writeln!(s, "  {id}:");
    let _ = writeln!(s, "    Type: AWS::Serverless::Function");
    let _ = writeln!(s, "    Metadata:");
    let _ = writeln!(s, "      BuildMethod: rust-cargolambda");
    let _ = writeln!(s, "      BuildProperties:");
    let _ = writeln!(s, "        Binary: {}", f.name);
    let _ = writeln!(s, "    Properties:");
    if n.memory_mb != 256 {
        let _ = writeln!(s, "      MemorySize: {}", n.memory_mb);
    }
    if n.timeout_secs != 10 {
        let _ = writeln!(s, "      Timeout: {}", n.timeout_secs);
    }
    let queue_urls: Vec<Queue> = n.sends_to.iter().chain(n.reads_from).copied().collect();
    if !n.secrets.is_empty() || !queue_urls.is_empty() || n.publishes {
        let _ = writeln!(s, "      Environment:");
        let _ = writeln!(s, "        Variables:");
    }
    if !n.secrets.is_empty() {
        let _ = writeln!(s, "          SECRETS: !Sub '{}'", secrets_env(n.secrets));
        // Several groups bring the same setting (Agora's app id): each once, in order.
        let mut settings: Vec<(&str, &str)> = Vec::new();
        for setting in n.secrets.iter().flat_map(|x| spec(*x).settings.iter().copied()) {
            if !settings.contains(&setting) {
                settings.push(setting);
            }
        }
        for (var, param) in settings {
            let _ = writeln!(s, "          {var}: !Ref {param}");
        }
    }
    if n.publishes {
        let _ = writeln!(s, "          EVENTS_HTTP_URL: !Sub 'https://${{EventApiHttpDns}}'");
        let _ = writeln!(s, "          EVENTS_SIGNING: iam");
    }
    let mut written: Vec<Queue> = Vec::new();
    for q in queue_urls {
        if !written.contains(&q) {
            written.push(q);
            let _ = writeln!(s, "          {}: !Ref {}Url", q.env(), q.resource());
        }
    }
    let _ = writeln!(s, "      Policies:");
    let _ = writeln!(s, "        - Statement:");
    let ops = n.table.operations();
    if !ops.is_empty() {
        // Only the items whose partition key (an index's, for a query on one)
        // is of the function's families, and only its indexes.
        let _ = writeln!(s, "            - Effect: Allow");
        let _ = writeln!(s, "              Action:");
        for op in dynamodb_actions(n.table).into_iter().filter(|op| *op != "Scan") {
            let _ = writeln!(s, "                - dynamodb:{op}");
        }
        let _ = writeln!(s, "              Resource:");
        let _ = writeln!(s, "                - !Ref TableArn");
        for ix in n.indexes {
            let _ = writeln!(s, "                - !Sub '${{TableArn}}/index/{}'", ix.name);
        }
        let _ = writeln!(s, "              Condition:");
        let _ = writeln!(s, "                ForAllValues:StringLike:");
        let _ = writeln!(s, "                  dynamodb:LeadingKeys:");
        for f in n.keys {
            let _ = writeln!(s, "                    - '{}'", f.prefix());
            let _ = writeln!(s, "                    - '{}#*'", f.prefix());
        }
        if ops.contains(&"Scan") {
            // A Scan names no key, so LeadingKeys cannot hold it (docs/permissions.md).
            let _ = writeln!(s, "            - Effect: Allow");
            let _ = writeln!(s, "              Action: dynamodb:Scan");
            let _ = writeln!(s, "              Resource: !Ref TableArn");
        }
    }
    let mut arns: Vec<&str> = vec!["JwtSecretArn"];
    for x in n.secrets {
        let arn = spec(*x).arn;
        if !arns.contains(&arn) {
            arns.push(arn);
        }
    }
    let _ = writeln!(s, "            # Its secrets, read once at init (never in its environment).");
    let _ = writeln!(s, "            - Effect: Allow");
    let _ = writeln!(s, "              Action: secretsmanager:GetSecretValue");
    let _ = writeln!(s, "              Resource:");
    for a in arns {
        let _ = writeln!(s, "                - !Ref {a}");
    }
    if n.email {
        let _ = writeln!(s, "            - Effect: Allow");
        let _ = writeln!(s, "              Action: ses:SendEmail");
        let _ = writeln!(
            s,
            "              Resource: !Sub 'arn:${{AWS::Partition}}:ses:${{AWS::Region}}:${{AWS::AccountId}}:identity/*'"
        );
    }
    if n.sms {
        let _ = writeln!(s, "            # SMS to a phone number has no resource ARN to scope to.");
        let _ = writeln!(s, "            - Effect: Allow");
        let _ = writeln!(s, "              Action: sns:Publish");
        let _ = writeln!(s, "              Resource: '*'");
    }
    match n.media {
        MediaUse::None => {}
        MediaUse::Read => {
            let _ = writeln!(s, "            - Effect: Allow");
            let _ = writeln!(s, "              Action: s3:GetObject");
            let _ = writeln!(s, "              Resource: !Sub 'arn:${{AWS::Partition}}:s3:::${{MediaBucket}}/*'");
        }
        MediaUse::Write => {
            let _ = writeln!(s, "            - Effect: Allow");
            let _ = writeln!(s, "              Action:");
            let _ = writeln!(s, "                - s3:GetObject");
            let _ = writeln!(s, "                - s3:PutObject");
            let _ = writeln!(s, "                - s3:DeleteObject");
            let _ = writeln!(s, "              Resource: !Sub 'arn:${{AWS::Partition}}:s3:::${{MediaBucket}}/*'");
        }
    }
    if let Some(EventFunction { trigger: Trigger::TableStream(t), .. }) = f.event {
        let _ = writeln!(s, "            - Effect: Allow");
        let _ = writeln!(s, "              Action: sqs:SendMessage");
        let _ = writeln!(s, "              Resource: !Ref {}Arn", t.dead_letter_queue);
    }
    for q in n.sends_to {
        let _ = writeln!(s, "            - Effect: Allow");
        let _ = writeln!(s, "              Action: sqs:SendMessage");
        let _ = writeln!(s, "              Resource: !Ref {}Arn", q.resource());
    }
    if n.publishes {
        let _ = writeln!(s, "            - Effect: Allow");
        let _ = writeln!(s, "              Action: appsync:EventPublish");
        let _ = writeln!(
            s,
            "              Resource: !Sub 'arn:${{AWS::Partition}}:appsync:${{AWS::Region}}:${{AWS::AccountId}}:apis/${{EventApiId}}/*'"
        );
    }
    if n.reads_stream {
        let _ = writeln!(s, "            - Effect: Allow");
        let _ = writeln!(s, "              Action:");
        let _ = writeln!(s, "                - dynamodb:DescribeStream");
        let _ = writeln!(s, "                - dynamodb:GetShardIterator");
        let _ = writeln!(s, "                - dynamodb:GetRecords");
        let _ = writeln!(s, "              Resource: !Ref TableStreamArn");
    }
    for q in n.reads_from {
        let _ = writeln!(s, "            - Effect: Allow");
        let _ = writeln!(s, "              Action:");
        let _ = writeln!(s, "                - sqs:ReceiveMessage");
        let _ = writeln!(s, "                - sqs:DeleteMessage");
        let _ = writeln!(s, "                - sqs:GetQueueAttributes");
        let _ = writeln!(s, "              Resource: !Ref {}Arn", q.resource());
    }
    if let Some(r) = f.route {
        let _ = writeln!(s);
        http_route(s, &id, r);
        let _ = writeln!(s);
        return;
    }
    match f.event.map(|e| e.trigger) {
        Some(Trigger::Schedule(rate)) => {
            let _ = writeln!(s, "      Events:");
            let _ = writeln!(s, "        Schedule:");
            let _ = writeln!(s, "          Type: Schedule");
            let _ = writeln!(s, "          Properties:");
            let _ = writeln!(s, "            Schedule: {rate}");
        }
        Some(Trigger::TableStream(t)) => {
            let _ = writeln!(s, "      Events:");
            let _ = writeln!(s, "        Stream:");
            let _ = writeln!(s, "          Type: DynamoDB");
            let _ = writeln!(s, "          Properties:");
            let _ = writeln!(s, "            Stream: !Ref TableStreamArn");
            let _ = writeln!(s, "            StartingPosition: {}", t.starting_position);
            let _ = writeln!(s, "            BatchSize: {}", t.batch_size);
            let _ = writeln!(s, "            MaximumBatchingWindowInSeconds: {}", t.window_secs);
            if t.parallelization != 1 {
                let _ = writeln!(s, "            ParallelizationFactor: {}", t.parallelization);
            }
            let _ = writeln!(s, "            MaximumRetryAttempts: {}", t.retries);
            if t.bisect {
                let _ = writeln!(s, "            BisectBatchOnFunctionError: true");
            }
            let _ = writeln!(s, "            FunctionResponseTypes:");
            let _ = writeln!(s, "              - ReportBatchItemFailures");
            let _ = writeln!(s, "            FilterCriteria:");
            let _ = writeln!(s, "              Filters:");
            for f in t.filters {
                let _ = writeln!(s, "                - Pattern: '{f}'");
            }
            let _ = writeln!(s, "            DestinationConfig:");
            let _ = writeln!(s, "              OnFailure:");
            let _ = writeln!(s, "                Type: SQS");
            let _ = writeln!(s, "                Destination: !Ref {}Arn", t.dead_letter_queue);
        }
        Some(Trigger::EventsAuthorizer) => {
            // AppSync calls it for every connect and subscribe (the API is in the root stack).
            let _ = writeln!(s);
            let _ = writeln!(s, "  {id}AppSyncPermission:");
            let _ = writeln!(s, "    Type: AWS::Lambda::Permission");
            let _ = writeln!(s, "    Properties:");
            let _ = writeln!(s, "      Action: lambda:InvokeFunction");
            let _ = writeln!(s, "      FunctionName: !GetAtt {id}.Arn");
            let _ = writeln!(s, "      Principal: appsync.amazonaws.com");
            let _ = writeln!(s, "      SourceAccount: !Ref AWS::AccountId");
        }
        Some(Trigger::Queue { queue, batch_size }) => {
            // SAM gives the function the poller's permissions on the queue.
            let _ = writeln!(s, "      Events:");
            let _ = writeln!(s, "        Queue:");
            let _ = writeln!(s, "          Type: SQS");
            let _ = writeln!(s, "          Properties:");
            let _ = writeln!(s, "            Queue: !Ref {}Arn", queue.resource());
            let _ = writeln!(s, "            BatchSize: {batch_size}");
        }
        _ => {}
    }
    let _ = writeln!(s);
}

/// IAM's names for what a table use allows. A transaction needs the action of
/// each of its items (there is no TransactWriteItems action); a condition
/// check needs ConditionCheckItem.
fn dynamodb_actions(table: TableUse) -> Vec<&'static str> {
    table
        .operations()
        .iter()
        .flat_map(|op| match *op {
            "TransactWriteItems" => vec!["ConditionCheckItem"],
            other => vec![other],
        })
        .collect()
}

/// The API's route to the function: an integration, the route, and API
/// Gateway's permission to invoke it (SAM's HttpApi event wants the API in
/// the same template; it is the root stack's).
fn http_route(s: &mut String, id: &str, r: &Route) {
    let base = id.trim_end_matches("Function");
    let source =
        r.path.split('/').map(|seg| if seg.starts_with('{') { "*" } else { seg }).collect::<Vec<_>>().join("/");
    let _ = writeln!(s, "  {base}Integration:");
    let _ = writeln!(s, "    Type: AWS::ApiGatewayV2::Integration");
    let _ = writeln!(s, "    Properties:");
    let _ = writeln!(s, "      ApiId: !Ref HttpApiId");
    let _ = writeln!(s, "      IntegrationType: AWS_PROXY");
    let _ = writeln!(s, "      IntegrationUri: !GetAtt {id}.Arn");
    let _ = writeln!(s, "      PayloadFormatVersion: '2.0'");
    let _ = writeln!(s);
    let _ = writeln!(s, "  {base}Route:");
    let _ = writeln!(s, "    Type: AWS::ApiGatewayV2::Route");
    let _ = writeln!(s, "    Properties:");
    let _ = writeln!(s, "      ApiId: !Ref HttpApiId");
    let _ = writeln!(s, "      RouteKey: '{} {}'", r.method, r.path);
    let _ = writeln!(s, "      Target: !Sub 'integrations/${{{base}Integration}}'");
    let _ = writeln!(s);
    let _ = writeln!(s, "  {base}Permission:");
    let _ = writeln!(s, "    Type: AWS::Lambda::Permission");
    let _ = writeln!(s, "    Properties:");
    let _ = writeln!(s, "      Action: lambda:InvokeFunction");
    let _ = writeln!(s, "      FunctionName: !Ref {id}");
    let _ = writeln!(s, "      Principal: apigateway.amazonaws.com");
    let _ = writeln!(
        s,
        "      SourceArn: !Sub 'arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{HttpApiId}}/*/{}{}'",
        r.method, source
    );
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("a line");
        if !last.is_empty() && last.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}
