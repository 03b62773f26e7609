//! WhatsApp Business: catalog products, pictures, collections, visibility, cart, orders and the
//! business profile. Answers constructed from the server's catalogController.ts,
//! orderController.ts and sessionController.ts at 2.10.4 and wa-js's catalog functions (see
//! `fixtures/business/README.md`).

mod support;

use serde_json::{json, Value};
use support::{bearer, catch_all, client, server, SESSION};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use wppconnect_client::models::business::{CollectionChanges, EditBusinessProfile, ProductChanges};
use wppconnect_client::{Error, Session, WppApi};

fn fixture(name: &str) -> Value {
    let text = match name {
        "get-products" => include_str!("fixtures/business/get-products.json"),
        "get-product-by-id" => include_str!("fixtures/business/get-product-by-id.json"),
        "product" => include_str!("fixtures/business/product.json"),
        "del-products" => include_str!("fixtures/business/del-products.json"),
        "get-collections" => include_str!("fixtures/business/get-collections.json"),
        "create-collection" => include_str!("fixtures/business/create-collection.json"),
        "del-collection" => include_str!("fixtures/business/del-collection.json"),
        "get-business-profiles-products" => {
            include_str!("fixtures/business/get-business-profiles-products.json")
        }
        "get-order-by-messageId" => include_str!("fixtures/business/get-order-by-messageId.json"),
        "edit-business-profile" => include_str!("fixtures/business/edit-business-profile.json"),
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

/// A POST of `route` with exactly `body`, answered 201 with `answer`, expected once.
async fn post(server: &MockServer, route: &str, body: Value, answer: Value) {
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/{route}")))
        .and(bearer())
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .expect(1)
        .named(route)
        .mount(server)
        .await;
}

async fn session(server: &MockServer) -> Session {
    catch_all(server).await;
    client(server).session(SESSION).unwrap()
}

/// Whether the call was refused as invalid input.
fn invalid<T: std::fmt::Debug>(result: Result<T, Error>) -> bool {
    matches!(result, Err(Error::InvalidInput { .. }))
}

const PRODUCT: &str = "7654321098765432";
const PNG: &str = "iVBORw0KGgo=";

#[tokio::test]
async fn products_are_listed_and_read_with_the_business_in_the_query() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/get-products")))
        .and(bearer())
        .and(query_param("phone", "5511999999999@c.us"))
        .and(query_param("qnt", "20"))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("get-products")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/get-product-by-id")))
        .and(bearer())
        .and(query_param("phone", "5511999999999@c.us"))
        .and(query_param("id", PRODUCT))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("get-product-by-id")))
        .expect(1)
        .mount(&server)
        .await;
    let session = session(&server).await;

    let products = session
        .get_products("+55 11 99999-9999", Some(20))
        .await
        .unwrap();
    assert_eq!(products.len(), 1);
    assert_eq!(products[0].id, PRODUCT);
    assert_eq!(products[0].retailer_id.as_deref(), Some("SKU-001"));
    assert_eq!(products[0].price.as_deref(), Some("89900000"));
    assert_eq!(products[0].image_cdn_urls[1].key, "full");
    assert_eq!(products[0].extra["max_available"], 99);

    let product = WppApi::get_product_by_id(&session, "5511999999999", PRODUCT)
        .await
        .unwrap();
    assert_eq!(product.availability.as_deref(), Some("in stock"));
    assert_eq!(product.extra["checkmark"], false);
}

#[tokio::test]
async fn a_product_is_added_once_even_when_the_answer_is_a_502() {
    let server = server().await;
    // adding twice would make two products: a 502 is not repeated
    Mock::given(method("POST"))
        .and(path(format!("/api/{SESSION}/add-product")))
        .and(bearer())
        .and(body_json(
            json!({"name": "Boné", "image": PNG, "price": 30.0}),
        ))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    post(
        &server,
        "add-product",
        json!({"name": "Camiseta", "image": PNG, "price": 89.9, "description": "Algodão",
               "url": "https://loja.example/camiseta", "retailerId": "SKU-001", "currency": "BRL"}),
        fixture("product"),
    )
    .await;
    let session = session(&server).await;

    let err = session.add_product("Boné", PNG, 30.0).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    let product = session
        .add_product("Camiseta", PNG, 89.9)
        .description("Algodão")
        .url("https://loja.example/camiseta")
        .retailer_id("SKU-001")
        .currency("BRL")
        .await
        .unwrap();
    assert_eq!(product.id, PRODUCT);
    assert_eq!(product.price_amount_1000, Some(899_000.0));
    assert_eq!(product.additional_image_cdn_url.len(), 1);
    assert_eq!(product.extra["catalogWid"], "5511999999999@c.us");
}

#[tokio::test]
async fn products_are_edited_pictured_hidden_and_deleted() {
    let server = server().await;
    post(
        &server,
        "edit-product",
        json!({"id": PRODUCT, "options": {"name": "Camiseta azul", "isHidden": false}}),
        fixture("product"),
    )
    .await;
    post(
        &server,
        "change-product-image",
        json!({"id": PRODUCT, "base64": PNG}),
        fixture("product"),
    )
    .await;
    post(
        &server,
        "add-product-image",
        json!({"id": PRODUCT, "base64": "data:image/png;base64,AAAA"}),
        fixture("product"),
    )
    .await;
    post(
        &server,
        "remove-product-image",
        json!({"id": PRODUCT, "index": 1}),
        fixture("product"),
    )
    .await;
    post(
        &server,
        "set-product-visibility",
        json!({"id": PRODUCT, "value": true}),
        fixture("product"),
    )
    .await;
    post(
        &server,
        "del-products",
        json!({"id": [PRODUCT, "7654321098765433"]}),
        fixture("del-products"),
    )
    .await;
    let session = session(&server).await;

    let changes = ProductChanges {
        name: Some("Camiseta azul".to_owned()),
        is_hidden: Some(false),
        ..ProductChanges::default()
    };
    let edited = session.edit_product(PRODUCT, changes).await.unwrap();
    assert_eq!(edited.extra["availability"], "in stock");
    session.change_product_image(PRODUCT, PNG).await.unwrap();
    session
        .add_product_image(PRODUCT, "data:image/png;base64,AAAA")
        .await
        .unwrap();
    session.remove_product_image(PRODUCT, 1).await.unwrap();
    let hidden = session.set_product_visibility(PRODUCT, true).await.unwrap();
    assert_eq!(hidden.id, PRODUCT);
    let deleted = session
        .del_products(&[PRODUCT, "7654321098765433"])
        .await
        .unwrap();
    assert!(deleted.is_deleted());
    assert_eq!(deleted.products_ids.len(), 2);
}

#[tokio::test]
async fn collections_are_listed_created_edited_and_deleted() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/{SESSION}/get-collections")))
        .and(bearer())
        .and(query_param("phone", "5511999999999@c.us"))
        .and(query_param("qnt", "5"))
        .and(query_param("max", "3"))
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("get-collections")))
        .expect(1)
        .mount(&server)
        .await;
    post(
        &server,
        "create-collection",
        json!({"name": "Verão", "products": [PRODUCT]}),
        fixture("create-collection"),
    )
    .await;
    post(
        &server,
        "edit-collection",
        json!({"id": "1234567890123456", "options": {"name": "Inverno", "productsToRemove": [PRODUCT]}}),
        fixture("create-collection"),
    )
    .await;
    post(
        &server,
        "del-collection",
        json!({"id": "1234567890123456"}),
        fixture("del-collection"),
    )
    .await;
    let session = session(&server).await;

    let collections = session
        .get_collections("5511999999999@c.us", Some(5), Some(3))
        .await
        .unwrap();
    assert_eq!(collections[0].name.as_deref(), Some("Verão"));
    assert_eq!(collections[0].products[0].id, PRODUCT);
    assert_eq!(collections[0].extra["totalItemsCount"], 1);
    let created = session
        .create_collection("Verão", &[PRODUCT])
        .await
        .unwrap();
    assert_eq!(created["id"], "1234567890123456");
    let changes = CollectionChanges {
        name: Some("Inverno".to_owned()),
        products_to_remove: vec![PRODUCT.to_owned()],
        ..CollectionChanges::default()
    };
    session
        .edit_collection("1234567890123456", changes)
        .await
        .unwrap();
    let text = session.del_collection("1234567890123456").await.unwrap();
    assert_eq!(text, "Collection deleted sucessful");
}

#[tokio::test]
async fn the_cart_is_switched_on() {
    let server = server().await;
    post(
        &server,
        "set-cart-enabled",
        json!({"enabled": true}),
        // WhatsApp's updateCartEnabled is Promise<void>: `response` is absent from the JSON
        json!({"status": "success", "session": SESSION}),
    )
    .await;
    let session = session(&server).await;
    session.set_cart_enabled(true).await.unwrap();
}

#[tokio::test]
async fn orders_and_business_products_are_read() {
    let server = server().await;
    let message = "false_5511999999999@c.us_3EB0C767D71D8A4BD7A5";
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/get-order-by-messageId/{message}"
        )))
        .and(bearer())
        .respond_with(ResponseTemplate::new(201).set_body_json(fixture("get-order-by-messageId")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/{SESSION}/get-business-profiles-products"
        )))
        .and(bearer())
        .and(query_param("phone", "5511999999999@c.us"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(fixture("get-business-profiles-products")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let session = session(&server).await;

    let order = session.get_order_by_message_id(message).await.unwrap();
    assert_eq!(order.id, "998877665544");
    assert_eq!(order.item_count, Some(1));
    assert_eq!(order.products[0]["quantity"], 2);
    assert_eq!(order.created_at, Some(1_732_900_000));
    assert_eq!(
        order.seller_jid.as_ref().map(|id| id.as_str()),
        Some("5511999999999@c.us")
    );
    assert_eq!(order.extra["token"], "opaque");

    let answer = session
        .get_business_profiles_products("5511999999999")
        .await
        .unwrap();
    assert_eq!(answer.len(), 2);
    assert_eq!(answer[0].id, "7654321098765432");
    assert_eq!(answer[0].name.as_deref(), Some("Camiseta"));
    assert_eq!(answer[0].price_amount_1000, Some(49_900_000.0));
    assert_eq!(answer[1].is_hidden, Some(true));
    assert_eq!(answer[1].extra["reviewStatus"], "APPROVED");
}

#[tokio::test]
async fn the_business_profile_is_edited_and_answered_bare() {
    let server = server().await;
    post(
        &server,
        "edit-business-profile",
        json!({"address": "Av. Nossa Senhora de Copacabana, 315", "email": "contato@loja.example",
               "website": ["https://loja.example"]}),
        fixture("edit-business-profile"),
    )
    .await;
    let session = session(&server).await;
    let edit = EditBusinessProfile {
        address: Some("Av. Nossa Senhora de Copacabana, 315".to_owned()),
        email: Some("contato@loja.example".to_owned()),
        website: Some(vec!["https://loja.example".to_owned()]),
        ..EditBusinessProfile::default()
    };
    let profile = session.edit_business_profile(&edit).await.unwrap();
    assert_eq!(
        profile.id.as_ref().map(|id| id.as_str()),
        Some("5511999999999@c.us")
    );
    assert_eq!(profile.website[0]["url"], "https://loja.example");
    assert_eq!(
        profile.extra["businessHours"]["timezone"],
        "America/Sao_Paulo"
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let server = server().await;
    let session = session(&server).await;
    let before = server.received_requests().await.unwrap().len();

    assert!(invalid(session.get_products("not a number", None).await));
    assert!(invalid(
        session.get_product_by_id("5511999999999", " ").await
    ));
    assert!(invalid(session.add_product("", PNG, 1.0).await));
    assert!(invalid(session.add_product("Boné", PNG, 0.0).await));
    assert!(invalid(session.add_product("Boné", PNG, f64::NAN).await));
    assert!(invalid(
        session.edit_product("", ProductChanges::default()).await
    ));
    assert!(invalid(session.del_products(&[]).await));
    assert!(invalid(session.change_product_image(PRODUCT, "").await));
    assert!(invalid(session.remove_product_image(PRODUCT, 0).await));
    assert!(invalid(session.create_collection("Verão", &[]).await));
    assert!(invalid(session.del_collection("").await));
    assert!(invalid(session.set_product_visibility(" ", true).await));
    assert!(invalid(session.get_order_by_message_id("3EB0C767").await));
    assert!(invalid(
        session
            .edit_business_profile(&EditBusinessProfile::default())
            .await
    ));

    assert_eq!(server.received_requests().await.unwrap().len(), before);
}
