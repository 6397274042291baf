//! The local stack itself: DynamoDB's per-item serialisability, without which
//! every concurrency test in this suite would prove nothing.

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

use crate::support::TestApp;

#[tokio::test]
async fn fifty_concurrent_conditional_transactions_on_one_item_let_exactly_the_affordable_number_win() {
    let app = TestApp::start().await;
    let affordable = 17;
    // Several rounds: an unserialised server lets an extra one through only now and then.
    for _ in 0..5 {
        one_round(&app, affordable).await;
    }
}

async fn one_round(app: &TestApp, affordable: usize) {
    let (client, table) = (&app.state.db.client, &app.state.db.table);
    let key = |k: &str| AttributeValue::S(k.into());
    client
        .put_item()
        .table_name(table)
        .item("pk", key("STACK#self-test"))
        .item("sk", key("ITEM"))
        .item("coins", AttributeValue::N(affordable.to_string()))
        .send()
        .await
        .unwrap();
    let attempts = (0..50).map(|_| async {
        let update = Update::builder()
            .table_name(table)
            .key("pk", key("STACK#self-test"))
            .key("sk", key("ITEM"))
            .update_expression("SET coins = coins - :one")
            .condition_expression("coins >= :one")
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .build()
            .unwrap();
        client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(update).build())
            .send()
            .await
            .map_err(|e| {
                let refused = e.as_service_error().is_some_and(|s| s.is_transaction_canceled_exception());
                assert!(refused, "only a failed condition may refuse: {e:?}");
            })
            .is_ok()
    });
    let wins = futures::future::join_all(attempts).await.into_iter().filter(|won| *won).count();
    assert_eq!(wins, affordable);
    let item = client
        .get_item()
        .table_name(table)
        .key("pk", key("STACK#self-test"))
        .key("sk", key("ITEM"))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert_eq!(item.item().unwrap()["coins"], AttributeValue::N("0".into()));
}
