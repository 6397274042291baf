use crate::support::*;

#[tokio::test]
async fn the_api_serves_its_openapi_document_and_a_self_contained_docs_page() {
    let app = TestApp::start().await;
    let doc = app.call("GET", "/openapi.json", None, None).await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.body["openapi"], "3.1.0");
    assert_eq!(doc.body, app::http::openapi::document(app::routes::ROUTES));
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
