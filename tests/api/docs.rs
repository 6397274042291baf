use crate::support::*;

#[tokio::test]
async fn the_api_serves_its_openapi_document_and_a_self_contained_docs_page() {
    let app = TestApp::start().await;
    let doc = app.call("GET", "/openapi.json", None, None).await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.body["openapi"], "3.1.0");
    assert_eq!(doc.body, app::http::openapi::document(app::routes::ROUTES, app::routes::COMPONENTS));
    let login = &doc.body["paths"]["/auth/login"]["post"];
    assert_eq!(
        login["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/LoginInput"
    );
    let schema = &doc.body["components"]["schemas"]["LoginInput"];
    assert_eq!(schema["additionalProperties"], false, "unknown fields are refused, and the schema says so");
    assert_eq!(doc.body["paths"]["/users/{id}/gifts"]["post"]["parameters"][1]["name"], "Idempotency-Key");
    assert_eq!(doc.body["paths"]["/admin/users"]["get"]["x-roles"], serde_json::json!(["admin"]));

    let page = app.http.get(format!("{}/docs", app.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let html = page.text().await.unwrap();
    assert!(html.contains("fetch(\"openapi.json\")"), "it renders the document it is served beside");
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("<script src"),
        "nothing from a CDN"
    );
}

/// A create's body and its edit's are two schemas: the create's says what a new
/// record needs, and the API refuses a create without it, naming the field.
#[tokio::test]
async fn a_create_requires_what_a_new_record_needs_and_its_edit_requires_nothing() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let doc = app.call("GET", "/openapi.json", None, None).await.body;
    let schema = |op: &serde_json::Value| {
        let r = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str().unwrap_or_default();
        r.trim_start_matches("#/components/schemas/").to_string()
    };
    let mut pairs = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(create) = item.get("post").filter(|op| schema(op).starts_with("New")) else { continue };
        let new = schema(create);
        let edit = &doc["paths"][format!("{path}/{{id}}")]["patch"];
        let changes = &doc["components"]["schemas"][schema(edit)];
        assert_eq!(changes["required"], serde_json::Value::Null, "{path}: an edit changes what it names");
        let required: Vec<&str> = doc["components"]["schemas"][&new]["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f.as_str())
            .collect();
        assert!(!required.is_empty(), "{new}");
        // A catalog the apps read without signing in, or (tasks) the admin's own list.
        let public = path.trim_start_matches("/admin").to_string();
        let lister =
            if app.call("GET", &public, None, None).await.status == 404 { Some(admin.access.as_str()) } else { None };
        let list_path = if lister.is_some() { path.to_string() } else { public.clone() };
        let listed = app.call("GET", &list_path, lister, None).await;
        let listed = listed.body["items"].as_array().unwrap_or_else(|| panic!("{list_path}: {listed:?}")).len();
        for field in &required {
            let mut body = create["requestBody"]["content"]["application/json"]["example"].clone();
            body.as_object_mut().unwrap().remove(*field).expect("the recorded example gives it");
            let r = app.post(path, Some(&admin.access), body).await;
            assert_eq!(
                (r.status, r.body["message"].as_str().unwrap()),
                (400, &*format!("{field}: required")),
                "{path}"
            );
        }
        assert_eq!(
            app.call("GET", &list_path, lister, None).await.body["items"].as_array().unwrap().len(),
            listed,
            "{path}"
        );
        pairs += 1;
    }
    assert_eq!(pairs, 7, "gifts, coin packages, interests, avatars, FAQs, audio tracks, tasks");
}
