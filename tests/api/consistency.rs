//! One name per function everywhere: the route table, `functions/src/bin`,
//! `events/` and `template.yaml` agree, and the template's table is the one
//! `store::table` creates.

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

#[test]
fn every_function_has_a_binary_an_event_and_a_sam_resource_and_nothing_else_does() {
    let names: BTreeSet<String> = all_functions().into_iter().map(String::from).collect();
    assert_eq!(ROUTES.len() + EVENT_FUNCTIONS.len(), names.len(), "duplicate function names");
    assert_eq!(files("functions/src/bin", ".rs"), names, "functions/src/bin");
    assert_eq!(files("events", ".json"), names, "events/");
    let t = template();
    let sam: BTreeSet<String> = t["Resources"]
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == "AWS::Serverless::Function")
        .map(|(k, _)| k.as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = names.iter().map(|n| resource_name(n)).collect();
    assert_eq!(sam, expected, "SAM functions");
    for name in &names {
        let r = &t["Resources"][resource_name(name).as_str()];
        assert_eq!(r["Metadata"]["BuildMethod"], "rust-cargolambda", "{name}");
        assert_eq!(r["Metadata"]["BuildProperties"]["Binary"].as_str(), Some(name.as_str()), "{name}");
        assert_eq!(r["Properties"]["CodeUri"], "functions", "{name}");
        let bin = std::fs::read_to_string(root().join(format!("functions/src/bin/{name}.rs"))).unwrap();
        assert!(bin.lines().count() <= 12, "{name}: binaries stay thin");
        // An HTTP function serves its own route's static (and links no other handler).
        if ROUTES.iter().any(|r| r.name == name) {
            let own = format!("run_http(&app::routes::{})", name.to_uppercase().replace('-', "_"));
            assert!(bin.contains(&own), "{name}: its binary calls {own}");
        }
    }
}

#[test]
fn each_http_route_is_the_sam_event_of_its_function() {
    let t = template();
    for route in ROUTES {
        let events = t["Resources"][resource_name(route.name).as_str()]["Properties"]["Events"]
            .as_mapping()
            .cloned()
            .unwrap_or_default();
        let http: Vec<&Value> = events.values().filter(|e| e["Type"] == "HttpApi").collect();
        assert_eq!(http.len(), 1, "{}: one HttpApi event", route.name);
        assert_eq!(http[0]["Properties"]["Method"].as_str(), Some(route.method), "{}", route.name);
        assert_eq!(http[0]["Properties"]["Path"].as_str(), Some(route.path), "{}", route.name);
    }
    for f in EVENT_FUNCTIONS {
        let events = &t["Resources"][resource_name(f.name).as_str()]["Properties"]["Events"];
        let of_type = |ty: &str| events.as_mapping().and_then(|m| m.values().find(|e| e["Type"] == ty).cloned());
        match f.trigger {
            Trigger::Manual => assert!(events.is_null(), "{} has no trigger", f.name),
            Trigger::Schedule(rate) => {
                assert_eq!(of_type("Schedule").unwrap()["Properties"]["Schedule"].as_str(), Some(rate), "{}", f.name)
            }
            Trigger::TableStream => {
                let p =
                    of_type("DynamoDB").unwrap_or_else(|| panic!("{}: a DynamoDB stream event", f.name))["Properties"]
                        .clone();
                let stream = serde_yaml::to_string(&p["Stream"]).unwrap();
                assert!(
                    stream.contains("GetAtt") && stream.contains("Table.StreamArn"),
                    "{}: the table's stream",
                    f.name
                );
                assert_eq!(
                    p["FunctionResponseTypes"][0], "ReportBatchItemFailures",
                    "{}: partial batch failures",
                    f.name
                );
                let dlq = serde_yaml::to_string(&p["DestinationConfig"]["OnFailure"]["Destination"]).unwrap();
                assert!(dlq.contains("DeadLetterQueue"), "{}: a dead-letter queue", f.name);
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
        committed == app::http::openapi::document(app::routes::ROUTES),
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
    let doc = app::http::openapi::document(app::routes::ROUTES);
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
