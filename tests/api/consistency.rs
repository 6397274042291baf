//! One name per function everywhere: the route table, `functions/src/bin`,
//! `events/` and the templates (`template.yaml`, `stacks/`, both written by
//! `make template`) agree, and the template's table is the one `store::table`
//! creates.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use app::routes::{EVENT_FUNCTIONS, ROUTES, Trigger};
use serde_yaml::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn template() -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(root().join("template.yaml")).unwrap()).unwrap()
}

fn resource_name(function: &str) -> String {
    let pascal: String = function
        .split('-')
        .map(|p| {
            let mut c = p.chars();
            c.next().unwrap().to_uppercase().chain(c).collect::<String>()
        })
        .collect();
    format!("{pascal}Function")
}

fn all_functions() -> BTreeSet<&'static str> {
    ROUTES.iter().map(|r| r.name).chain(EVENT_FUNCTIONS.iter().map(|f| f.name)).collect()
}

fn files(dir: &str, ext: &str) -> BTreeSet<String> {
    std::fs::read_dir(root().join(dir))
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_str()?.strip_suffix(ext).map(String::from))
        .collect()
}

/// Every resource of the domains' stacks: (stack file, logical id, resource).
fn stack_resources() -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for stack in files("stacks", ".yaml") {
        let text = std::fs::read_to_string(root().join(format!("stacks/{stack}.yaml"))).unwrap();
        let t: Value = serde_yaml::from_str(&text).unwrap();
        for (k, r) in t["Resources"].as_mapping().unwrap() {
            out.push((stack.clone(), k.as_str().unwrap().to_string(), r.clone()));
        }
    }
    out
}

fn domain_of(function: &str) -> &'static str {
    ROUTES
        .iter()
        .find(|r| r.name == function)
        .map(|r| r.domain())
        .or_else(|| EVENT_FUNCTIONS.iter().find(|f| f.name == function).map(|f| f.domain))
        .unwrap()
}

#[test]
fn every_function_has_a_binary_an_event_and_a_sam_resource_and_nothing_else_does() {
    let names: BTreeSet<String> = all_functions().into_iter().map(String::from).collect();
    assert_eq!(ROUTES.len() + EVENT_FUNCTIONS.len(), names.len(), "duplicate function names");
    assert_eq!(files("functions/src/bin", ".rs"), names, "functions/src/bin");
    assert_eq!(files("events", ".json"), names, "events/");
    let resources = stack_resources();
    let sam: BTreeSet<String> = resources
        .iter()
        .filter(|(_, _, r)| r["Type"] == "AWS::Serverless::Function")
        .map(|(_, k, _)| k.clone())
        .collect();
    let expected: BTreeSet<String> = names.iter().map(|n| resource_name(n)).collect();
    assert_eq!(sam, expected, "SAM functions");
    for name in &names {
        let (stack, _, r) = resources.iter().find(|(_, k, _)| *k == resource_name(name)).unwrap();
        assert_eq!(stack, domain_of(name), "{name}: in its domain's stack");
        assert_eq!(r["Metadata"]["BuildMethod"], "rust-cargolambda", "{name}");
        assert_eq!(r["Metadata"]["BuildProperties"]["Binary"].as_str(), Some(name.as_str()), "{name}");
        let bin = std::fs::read_to_string(root().join(format!("functions/src/bin/{name}.rs"))).unwrap();
        assert!(bin.lines().count() <= 12, "{name}: binaries stay thin");
        // An HTTP function serves its own route's static (and links no other handler).
        if ROUTES.iter().any(|r| r.name == name) {
            let own = format!("run_http(&app::routes::{})", name.to_uppercase().replace('-', "_"));
            assert!(bin.contains(&own), "{name}: its binary calls {own}");
        }
    }
    // Every domain's stack is a nested stack of the root one.
    let t = template();
    for stack in files("stacks", ".yaml") {
        let id = format!("{}Stack", local::template::pascal(&stack));
        let url = &t["Resources"][id.as_str()]["Properties"]["TemplateURL"];
        assert_eq!(url.as_str(), Some(format!("stacks/{stack}.yaml").as_str()), "{id}");
    }
}

#[test]
fn each_http_route_is_an_api_route_to_its_function() {
    let resources = stack_resources();
    let find = |id: &str| resources.iter().find(|(_, k, _)| k == id).map(|(_, _, r)| r.clone());
    for route in ROUTES {
        let function = resource_name(route.name);
        let base = function.trim_end_matches("Function");
        let r = find(&format!("{base}Route")).unwrap_or_else(|| panic!("{}: an API route", route.name));
        assert_eq!(r["Properties"]["RouteKey"].as_str(), Some(format!("{} {}", route.method, route.path).as_str()));
        let target = serde_yaml::to_string(&r["Properties"]["Target"]).unwrap();
        assert!(target.contains(&format!("integrations/${{{base}Integration}}")), "{}: {target}", route.name);
        let i = find(&format!("{base}Integration")).unwrap();
        let uri = serde_yaml::to_string(&i["Properties"]["IntegrationUri"]).unwrap();
        assert!(uri.contains(&format!("{function}.Arn")), "{}: {uri}", route.name);
        assert!(find(&format!("{base}Permission")).is_some(), "{}: API Gateway may invoke it", route.name);
    }
    for f in EVENT_FUNCTIONS {
        let r = find(&resource_name(f.name)).unwrap();
        let events = &r["Properties"]["Events"];
        let of_type = |ty: &str| events.as_mapping().and_then(|m| m.values().find(|e| e["Type"] == ty).cloned());
        match f.trigger {
            Trigger::Manual => assert!(events.is_null(), "{} has no trigger", f.name),
            Trigger::Schedule(rate) => {
                assert_eq!(of_type("Schedule").unwrap()["Properties"]["Schedule"].as_str(), Some(rate), "{}", f.name)
            }
            Trigger::TableStream(_) => {
                let p =
                    of_type("DynamoDB").unwrap_or_else(|| panic!("{}: a DynamoDB stream event", f.name))["Properties"]
                        .clone();
                let stream = serde_yaml::to_string(&p["Stream"]).unwrap();
                assert!(stream.contains("TableStreamArn"), "{}: the table's stream", f.name);
                assert_eq!(
                    p["FunctionResponseTypes"][0], "ReportBatchItemFailures",
                    "{}: partial batch failures",
                    f.name
                );
                let dlq = serde_yaml::to_string(&p["DestinationConfig"]["OnFailure"]["Destination"]).unwrap();
                assert!(dlq.contains("DeadLetterQueue"), "{}: a dead-letter queue", f.name);
            }
            Trigger::EventsAuthorizer => {
                assert!(events.is_null(), "{}: AppSync invokes it", f.name);
                let base = resource_name(f.name);
                assert!(find(&format!("{base}AppSyncPermission")).is_some(), "{}: AppSync may invoke it", f.name);
                let root = local::template::ROOT;
                assert!(root.contains(&format!("Outputs.{base}Arn")), "{}: the Event API's authorizer", f.name);
            }
            Trigger::Queue { queue, batch_size } => {
                let p = of_type("SQS").unwrap_or_else(|| panic!("{}: an SQS event", f.name))["Properties"].clone();
                let q = serde_yaml::to_string(&p["Queue"]).unwrap();
                assert!(q.contains(queue.resource()), "{}: its queue, {q}", f.name);
                assert_eq!(p["BatchSize"].as_u64(), Some(u64::from(batch_size)), "{}", f.name);
                assert!(
                    local::template::ROOT.contains(&format!("  {}:\n    Type: AWS::SQS::Queue", queue.resource())),
                    "{}",
                    f.name
                );
            }
        }
    }
}

#[test]
fn the_committed_templates_are_the_ones_make_template_writes() {
    let written = local::template::render();
    for (path, text) in &written {
        let committed = std::fs::read_to_string(root().join(path)).unwrap_or_default();
        assert!(committed == *text, "{path} is stale: run `make template`");
    }
    let stacks: BTreeSet<String> =
        written.iter().filter_map(|(p, _)| p.strip_prefix("stacks/")).map(String::from).collect();
    assert_eq!(files("stacks", "").into_iter().collect::<BTreeSet<_>>(), stacks, "stacks/ holds only generated stacks");
}

#[test]
fn every_operation_says_what_it_does_in_a_sentence_of_its_own() {
    let mut seen = BTreeSet::new();
    for r in ROUTES.iter() {
        let says = r.api.says;
        assert!((12..=100).contains(&says.len()), "{}: `.says(...)` is its summary: {says:?}", r.name);
        assert!(!says.ends_with('.') && says.starts_with(|c: char| c.is_uppercase()), "{}: {says:?}", r.name);
        assert!(seen.insert(says), "{}: another operation says {says:?}", r.name);
    }
}

#[test]
fn every_change_an_admin_or_agency_may_make_can_write_its_audit_line() {
    use app::http::routes::{Access, TableUse};
    use store::Role;
    for r in ROUTES.iter().filter(|r| r.method != "GET") {
        let audited = match r.access {
            Access::Public => false,
            Access::Auth(roles) => roles.is_empty() || roles.iter().any(|x| matches!(x, Role::Admin | Role::Agency)),
        };
        if audited {
            assert_ne!(r.needs.table, TableUse::Read, "{}: an admin's or agency's call is audited (a PutItem)", r.name);
            assert_ne!(r.needs.table, TableUse::None, "{}", r.name);
        }
    }
}

#[test]
fn no_stack_nears_the_resource_limit_and_no_secret_is_in_an_environment() {
    for (path, text) in local::template::render() {
        // After SAM's transform: a function adds its role, a schedule its rule
        // and permission, a stream its event source mapping.
        let t: Value = serde_yaml::from_str(&text).unwrap();
        let res = t["Resources"].as_mapping().unwrap();
        let functions = res.values().filter(|r| r["Type"] == "AWS::Serverless::Function").count();
        let schedules = text.matches("Type: Schedule").count();
        let streams = text.matches("Type: DynamoDB\n").count();
        let total = res.len() + functions + 2 * schedules + streams;
        assert!(
            total <= 200,
            "{path}: {total} resources after the transform (CloudFormation allows 500; stay under 200)"
        );
        assert!(!text.contains("{{resolve:secretsmanager"), "{path}: a secret resolved into the template");
        for r in res.values() {
            let vars = r["Properties"]["Environment"]["Variables"].as_mapping().cloned().unwrap_or_default();
            for (k, _) in vars {
                let k = k.as_str().unwrap();
                assert!(
                    !(k.contains("SECRET") && k != "SECRETS") && !k.contains("PRIVATE_KEY"),
                    "{path}: {k} in an environment"
                );
            }
        }
    }
}

#[test]
fn every_http_event_parses_as_an_api_gateway_v2_request_for_its_route() {
    for route in ROUTES {
        let text = std::fs::read_to_string(root().join(format!("events/{}.json", route.name))).unwrap();
        let ev: aws_lambda_events::apigw::ApiGatewayV2httpRequest =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("events/{}.json: {e}", route.name));
        assert_eq!(
            ev.route_key.as_deref(),
            Some(format!("{} {}", route.method, route.path).as_str()),
            "{}",
            route.name
        );
        assert_eq!(ev.request_context.http.method.as_str(), route.method, "{}", route.name);
        let raw = ev.raw_path.unwrap();
        let (found, params) =
            app::routes::find(route.method, &raw).unwrap_or_else(|| panic!("{}: {raw} matches no route", route.name));
        assert_eq!(found.name, route.name);
        for (k, v) in params {
            assert_eq!(ev.path_parameters.get(&k), Some(&v), "{}: pathParameters", route.name);
        }
    }
    let admin = std::fs::read_to_string(root().join("events/bootstrap-admin.json")).unwrap();
    let _: app::accounts::BootstrapAdminInput = serde_json::from_str(&admin).expect("bootstrap-admin event");
}

#[test]
fn the_template_table_is_the_table_the_code_creates() {
    use store::table;
    let t = template();
    let p = &t["Resources"]["Table"]["Properties"];
    assert_eq!(p["BillingMode"], "PAY_PER_REQUEST");
    let attrs: Vec<(&str, &str)> = p["AttributeDefinitions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| (a["AttributeName"].as_str().unwrap(), a["AttributeType"].as_str().unwrap()))
        .collect();
    assert_eq!(attrs, table::attributes());
    let key = |ks: &Value| -> Vec<(String, String)> {
        ks.as_sequence()
            .unwrap()
            .iter()
            .map(|k| (k["AttributeName"].as_str().unwrap().into(), k["KeyType"].as_str().unwrap().into()))
            .collect()
    };
    let pair = |pk: &str, sk: &str| vec![(pk.to_string(), "HASH".to_string()), (sk.to_string(), "RANGE".to_string())];
    assert_eq!(key(&p["KeySchema"]), pair(table::PK, table::SK));
    let gsis = p["GlobalSecondaryIndexes"].as_sequence().unwrap();
    assert_eq!(gsis.len(), table::INDEXES.len());
    for (g, ix) in gsis.iter().zip(table::INDEXES) {
        assert_eq!(g["IndexName"].as_str(), Some(ix.name));
        assert_eq!(key(&g["KeySchema"]), pair(ix.pk, ix.sk));
        assert_eq!(g["Projection"]["ProjectionType"], "ALL");
    }
    assert_eq!(p["TimeToLiveSpecification"]["AttributeName"].as_str(), Some(table::TTL_ATTRIBUTE));
    assert_eq!(p["StreamSpecification"]["StreamViewType"].as_str(), Some(table::STREAM_VIEW));
}

#[test]
fn route_matching_prefers_literal_segments_and_rejects_unknown_paths() {
    let (r, params) = app::routes::find("DELETE", "/users/abc/follow").unwrap();
    assert_eq!((r.name, params["id"].as_str()), ("unfollow-user", "abc"));
    assert_eq!(app::routes::find("GET", "/me").unwrap().0.name, "get-me");
    assert!(app::routes::find("GET", "/users//follow").is_none());
    assert!(app::routes::find("PUT", "/users/abc/follow").is_none());
    assert!(app::routes::find("GET", "/nowhere").is_none());
}

#[test]
fn the_committed_openapi_json_is_the_generated_document_and_lists_every_http_function() {
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("openapi.json")).expect("openapi.json")).unwrap();
    assert!(
        committed == app::http::openapi::document(app::routes::ROUTES, app::routes::COMPONENTS),
        "openapi.json is stale: run `make openapi`"
    );
    let mut documented = BTreeSet::new();
    for (path, item) in committed["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            documented.insert((method.to_uppercase(), path.clone(), op["operationId"].as_str().unwrap().to_string()));
        }
    }
    let routes: BTreeSet<_> =
        ROUTES.iter().map(|r| (r.method.to_string(), r.path.to_string(), r.name.to_string())).collect();
    assert_eq!(documented, routes, "one operation per route, named as the function");
    // And every HTTP function of the template is one of them.
    let t = template();
    for (name, res) in t["Resources"].as_mapping().unwrap() {
        let Some(api) = res["Properties"]["Events"]["Api"]["Properties"].as_mapping() else { continue };
        let (method, path) =
            (api[&Value::from("Method")].as_str().unwrap(), api[&Value::from("Path")].as_str().unwrap());
        assert!(
            documented.iter().any(|(m, p, _)| m == method && p == path),
            "{} {method} {path} is not in openapi.json",
            name.as_str().unwrap()
        );
    }
}

#[test]
fn every_success_body_in_the_document_is_a_declared_type() {
    let doc = app::http::openapi::document(app::routes::ROUTES, app::routes::COMPONENTS);
    let untyped = serde_json::json!({"type": "object"});
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["operationId"] == "get-openapi" {
                continue; // the document itself
            }
            for (status, r) in op["responses"].as_object().unwrap() {
                let Some(content) = r.get("content").and_then(|c| c.get("application/json")) else { continue };
                let schema = &content["schema"];
                let items = &schema["properties"]["items"]["items"];
                assert!(*schema != untyped && *items != untyped, "{method} {path} {status}: the answer is not typed");
            }
        }
    }
}

#[test]
fn every_request_and_success_body_has_an_example_recorded_from_the_api() {
    let doc = app::http::openapi::document(app::routes::ROUTES, app::routes::COMPONENTS);
    let mut missing = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let id = op["operationId"].as_str().unwrap();
            if op["tags"][0] == "webhooks" || op["tags"].is_null() {
                continue; // a provider's signed event; the document itself
            }
            let request = &op["requestBody"]["content"]["application/json"];
            if request.is_object() && request["example"].is_null() {
                missing.push(format!("{id} request"));
            }
            let shown =
                op["responses"].as_object().unwrap().iter().any(|(status, r)| {
                    !status.starts_with('2') || r["content"]["application/json"]["example"].is_object()
                });
            let has_body = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .any(|(status, r)| status.starts_with('2') && r["content"]["application/json"].is_object());
            if has_body && !shown {
                missing.push(format!("{id} response"));
            }
        }
    }
    assert!(missing.is_empty(), "no example (a test that calls it, then `make examples`): {missing:?}");
}

/// jsonwebtoken has no crypto of its own here (its provider is ours, on
/// ring) and panics without one installed: every token goes through
/// `integrations::jwt`, which installs it.
#[test]
fn tokens_are_signed_and_checked_only_through_integrations_jwt() {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|x| x == "rs") && !path.ends_with("integrations/src/jwt.rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                if ["jsonwebtoken::encode", "jsonwebtoken::decode(", "jsonwebtoken::decode::<"]
                    .iter()
                    .any(|c| text.contains(c))
                {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    let mut found = Vec::new();
    for dir in ["shared", "functions", "local/src", "tests"] {
        walk(&root().join(dir), &mut found);
    }
    // This file names the calls it looks for.
    found.retain(|f| !f.ends_with("consistency.rs"));
    assert!(found.is_empty(), "jsonwebtoken called directly in {found:?}");
}

#[test]
fn every_function_that_touches_the_table_names_its_key_families_and_they_are_sorted() {
    use app::http::routes::TableUse;
    use app::routes::EVENT_FUNCTIONS;
    let all = ROUTES.iter().map(|r| (r.name, r.needs)).chain(EVENT_FUNCTIONS.iter().map(|f| (f.name, f.needs)));
    for (name, needs) in all {
        if needs.table == TableUse::None {
            assert!(needs.keys.is_empty() && needs.indexes.is_empty(), "{name}: families without a table use");
            continue;
        }
        assert!(!needs.keys.is_empty(), "{name}: its policy would grant no key (give its needs .keys(...))");
        assert!(needs.keys.windows(2).all(|w| w[0] < w[1]), "{name}: families sorted, each once");
    }
}

#[test]
fn a_signed_in_call_may_read_its_session_and_an_admins_change_may_write_its_audit_line() {
    use app::http::routes::{Access, Family};
    use store::Role;
    for r in ROUTES.iter() {
        let Access::Auth(roles) = r.access else { continue };
        // On a cold instance, authentication reads the session under ACCOUNT#id.
        assert!(r.needs.keys.contains(&Family::Account), "{}: authentication reads the caller's session", r.name);
        let audited = roles.is_empty() || roles.iter().any(|x| matches!(x, Role::Admin | Role::Agency));
        if audited && r.method != "GET" {
            assert!(r.needs.keys.contains(&Family::Audit), "{}: an admin's or agency's call writes AUDIT", r.name);
        }
    }
}
