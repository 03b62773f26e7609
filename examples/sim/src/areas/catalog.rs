//! Catalog, business and newsletters (the server's `catalogController.ts`,
//! `orderController.ts`, `newsletterController.ts` and `editBusinessProfile`): constructed
//! answers of the controllers' shapes, after the same middlewares. Nothing is kept: the
//! catalog always holds one demo product and one collection.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use wppconnect_models::Seconds;

use super::Req;
use crate::obj::Obj;
use crate::routes::json_text;

const PRODUCT_ID: &str = "7654321098765432";
const COLLECTION_ID: &str = "1234567890123456";

/// The demo product as get-products answers it (WhatsApp's catalog format, snake case).
fn product(id: &str) -> Value {
    json!({
        "id": id, "retailer_id": "SKU-001", "name": "Camiseta", "description": "Algodão",
        "url": "https://loja.example/camiseta", "currency": "BRL", "price": "89900000",
        "is_hidden": false, "max_available": 99, "availability": "in stock",
        "checkmark": false,
        "image_cdn_urls": [{"key": "full", "value": "https://mmg.whatsapp.net/p/1-full.jpg"}],
        "whatsapp_product_can_appeal": false
    })
}

/// A product as the library's product model answers changes to it (camel case).
fn product_model(req: &Req<'_>, id: &str) -> Value {
    let text = |key: &str, default: &str| {
        let value = req.text(key);
        if value.is_empty() {
            default.to_owned()
        } else {
            value
        }
    };
    json!({
        "id": id, "name": text("name", "Camiseta"), "description": text("description", "Algodão"),
        "priceAmount1000": req.body.get("price").and_then(Value::as_i64).unwrap_or(89_900) * 10,
        "currency": text("currency", "BRL"), "retailerId": text("retailerId", "SKU-001"),
        "isHidden": false, "url": text("url", "https://loja.example/camiseta"),
        "imageCdnUrl": "https://mmg.whatsapp.net/p/1.jpg", "additionalImageCdnUrl": [],
        "catalogWid": req.sim.own_id(), "reviewStatus": {"whatsapp": "APPROVED"},
        "availability": "in stock"
    })
}

/// `GET /api/{session}/get-products`.
pub(crate) fn get_products(req: &Req<'_>) -> Response {
    req.success(StatusCode::OK, json!([product(PRODUCT_ID)]))
}

/// `GET /api/{session}/get-product-by-id` (query `id`).
pub(crate) fn get_product_by_id(req: &Req<'_>) -> Response {
    let id = req.query("id").unwrap_or_else(|| PRODUCT_ID.to_owned());
    req.success(StatusCode::OK, product(&id))
}

/// `POST /api/{session}/add-product` (`name`, `image`, `price`, …): 201 with a new id.
pub(crate) fn add_product(req: &Req<'_>) -> Response {
    if req.text("name").is_empty() {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on add product");
    }
    let id = format!("76543210{}", Seconds::now().get() % 100_000_000);
    req.success(StatusCode::CREATED, product_model(req, &id))
}

/// `POST /api/{session}/edit-product` (`id`, `options`).
pub(crate) fn edit_product(req: &Req<'_>) -> Response {
    let id = req.text("id");
    if id.is_empty() {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on edit product");
    }
    req.success(StatusCode::CREATED, product_model(req, &id))
}

/// `POST /api/{session}/del-products` (`id`: one or a list).
pub(crate) fn del_products(req: &Req<'_>) -> Response {
    let ids = super::texts(req.body.get("id"));
    req.success(
        StatusCode::CREATED,
        json!({"productsIds": ids, "status": 200}),
    )
}

/// `POST /api/{session}/change-product-image`, `add-product-image`, `remove-product-image`
/// (`id`, `base64` / `index`): the product after the change.
pub(crate) fn product_image(req: &Req<'_>) -> Response {
    let id = req.text("id");
    if id.is_empty() {
        return req.error(StatusCode::INTERNAL_SERVER_ERROR, "Error on product image");
    }
    req.success(StatusCode::CREATED, product_model(req, &id))
}

/// `GET /api/{session}/get-collections`.
pub(crate) fn get_collections(req: &Req<'_>) -> Response {
    req.success(
        StatusCode::OK,
        json!([{
            "id": COLLECTION_ID, "name": "Verão",
            "products": [{"id": PRODUCT_ID, "name": "Camiseta", "price": "89900000", "currency": "BRL", "retailer_id": "SKU-001"}],
            "reviewStatus": "APPROVED", "totalItemsCount": 1
        }]),
    )
}

/// `POST /api/{session}/create-collection` (`name`, `products`).
pub(crate) fn create_collection(req: &Req<'_>) -> Response {
    let name = req.text("name");
    if name.is_empty() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on create collection",
        );
    }
    req.success(
        StatusCode::CREATED,
        json!({"id": COLLECTION_ID, "name": name}),
    )
}

/// `POST /api/{session}/edit-collection` (`id`, `options`).
pub(crate) fn edit_collection(req: &Req<'_>) -> Response {
    let name = req
        .body
        .pointer("/options/name")
        .and_then(Value::as_str)
        .unwrap_or("Verão");
    req.success(
        StatusCode::CREATED,
        json!({"id": req.text("id"), "name": name}),
    )
}

/// `POST /api/{session}/del-collection` (`id`).
pub(crate) fn del_collection(req: &Req<'_>) -> Response {
    req.success(StatusCode::CREATED, "Collection deleted sucessful")
}

/// `POST /api/{session}/set-product-visibility` (`id`, `value`).
pub(crate) fn set_product_visibility(req: &Req<'_>) -> Response {
    let mut product = product(&req.text("id"));
    product["is_hidden"] = Value::Bool(req.body.get("value") == Some(&Value::Bool(true)));
    req.success(StatusCode::CREATED, product)
}

/// `POST /api/{session}/set-cart-enabled` (`enabled`).
pub(crate) fn set_cart_enabled(req: &Req<'_>) -> Response {
    req.success(StatusCode::CREATED, true)
}

/// `POST /api/{session}/edit-business-profile`: the library's profile, bare.
pub(crate) fn edit_business_profile(req: &Req<'_>) -> Response {
    let own = req.sim.own_id();
    let field = |key: &str| req.body.get(key).cloned().unwrap_or(Value::Null);
    req.json(
        StatusCode::OK,
        Obj::new()
            .with("id", crate::state::wid(&own))
            .with("address", field("adress"))
            .with("description", field("description"))
            .with("email", field("email"))
            .with("website", field("website"))
            .with("categories", json!([]))
            .with("businessHours", field("businessHours")),
    )
}

/// `GET /api/{session}/get-business-profiles-products` (query `phone`).
pub(crate) fn get_business_profiles_products(req: &Req<'_>) -> Response {
    let contact = super::contact_id(&req.query("phone").unwrap_or_default());
    req.json(
        StatusCode::OK,
        Obj::new().with("status", "Success").with(
            "response",
            json!({
                "message": "Information retrieved successfully.", "contact": contact,
                "session": req.session, "data": [[{"id": PRODUCT_ID, "name": "Camiseta"}]]
            }),
        ),
    )
}

/// `GET /api/{session}/get-order-by-messageId/{messageId}`.
pub(crate) fn get_order_by_message_id(req: &Req<'_>) -> Response {
    req.json(
        StatusCode::OK,
        Obj::new().with("status", "Success").with(
            "response",
            json!({
                "message": "Information retrieved successfully.", "contact": null,
                "session": req.session,
                "data": {
                    "id": req.param("messageId"), "products": [{"id": PRODUCT_ID, "name": "Camiseta", "price": 89_900_000, "quantity": 1, "currency": "BRL"}],
                    "itemCount": 1, "subtotal": "89900000", "tax": null, "total": "89900000",
                    "currency": "BRL", "createdAt": Seconds::now().get(), "sellerJid": req.sim.own_id()
                }
            }),
        ),
    )
}

/// A channel as the library answers create and edit.
fn newsletter(req: &Req<'_>, id: &str) -> Value {
    let code = id.split('@').next().unwrap_or_default();
    json!({
        "idJid": id, "inviteCode": code, "inviteLink": format!("https://whatsapp.com/channel/{code}"),
        "name": req.text("name"), "state": "ACTIVE", "subscribersCount": 0,
        "description": req.body.pointer("/options/description").cloned().unwrap_or(Value::Null),
        "timestamp": Seconds::now().get()
    })
}

/// `POST /api/{session}/newsletter` (`name`, `options`): 201, bare.
pub(crate) fn create_newsletter(req: &Req<'_>) -> Response {
    if req.text("name").is_empty() {
        return req.error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Error on create newsletter",
        );
    }
    let id = format!("120363{}@newsletter", Seconds::now().get());
    json_text(StatusCode::CREATED, newsletter(req, &id).to_string())
}

/// `PUT /api/{session}/newsletter/{id}` (`name`, `options`): 201, bare.
pub(crate) fn edit_newsletter(req: &Req<'_>) -> Response {
    json_text(
        StatusCode::CREATED,
        newsletter(req, req.param("id")).to_string(),
    )
}

/// `DELETE /api/{session}/newsletter/{id}`: 201 with a bare `true`.
pub(crate) fn delete_newsletter(_req: &Req<'_>) -> Response {
    json_text(StatusCode::CREATED, "true".to_owned())
}

/// `POST /api/{session}/mute-newsletter/{id}`: 201 with the channel's model, bare.
pub(crate) fn mute_newsletter(req: &Req<'_>) -> Response {
    let id = req.param("id");
    json_text(
        StatusCode::CREATED,
        json!({"id": id, "muted": true, "mute": {"expiration": -1}}).to_string(),
    )
}
