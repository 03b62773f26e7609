//! WhatsApp Business: catalog products, collections, cart, orders and the business profile.
//!
//! Read from server 2.10.4 (`src/controller/catalogController.ts`, `orderController.ts`,
//! `sessionController.ts#editBusinessProfile`), which passes the library's answers through; the
//! library (`@wppconnect-team/wppconnect` 2.2.7) hands them over from wa-js (`WPP.catalog.*`,
//! `WPP.order.get`, `WPP.profile.editBusinessProfile`). Two product shapes come back:
//! [`CatalogProduct`] (snake_case, as WhatsApp's catalog query answers: `get-products`,
//! `get-product-by-id`, the products of a [`Collection`]) and [`Product`] (wa-js's camelCase
//! `ProductModel`: `add-product`, `edit-product`, the image routes, `set-product-visibility`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ChatId;

/// A product as WhatsApp's catalog query answers it (`get-products`, `get-product-by-id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogProduct {
    /// The product id (digits, as a string).
    pub id: String,
    /// The seller's own code (SKU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retailer_id: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The product's link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// ISO currency code (`BRL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The price in thousandths of the currency unit, as a string (`"8890000"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    /// Whether it is hidden from customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_hidden: Option<bool>,
    /// `in stock`, `out of stock`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<String>,
    /// The picture's URLs (`{"key": "requested" | "full", "value": url}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_cdn_urls: Vec<ImageUrl>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One URL of a catalog product's picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageUrl {
    /// `requested` (the size asked for) or `full`.
    pub key: String,
    /// The URL.
    pub value: String,
}

/// A product as wa-js's `ProductModel` (camelCase): the answer of `add-product`,
/// `edit-product`, `change-product-image`, `add-product-image`, `remove-product-image` and
/// `set-product-visibility`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    /// The product id.
    pub id: String,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The price in thousandths of the currency unit.
    #[serde(
        rename = "priceAmount1000",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub price_amount_1000: Option<f64>,
    /// ISO currency code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The seller's own code (SKU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retailer_id: Option<String>,
    /// Whether it is hidden from customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_hidden: Option<bool>,
    /// The product's link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The main picture's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_cdn_url: Option<String>,
    /// The additional pictures' URLs (`remove-product-image` takes an index into this list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_image_cdn_url: Vec<String>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /api/{session}/add-product`. The server requires `name`, `image` and `price`
/// and defaults `currency` to `BRL`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddProduct {
    /// The name.
    pub name: String,
    /// The main picture: base64 or a `data:` URL.
    pub image: String,
    /// The price, in currency units (wa-js stores `price × 10000` as `priceAmount1000`).
    pub price: f64,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The product's link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The seller's own code (SKU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retailer_id: Option<String>,
    /// ISO currency code (the server's default: `BRL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Body of `POST /api/{session}/edit-product`: `{"id", "options": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditProduct {
    /// The product id.
    pub id: String,
    /// The fields to change (wa-js `editProductParams`).
    pub options: ProductChanges,
}

/// The fields `edit-product` changes; the ones left `None` are not sent and stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductChanges {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new main picture (base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// A new price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
    /// Hide or show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_hidden: Option<bool>,
    /// A new link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A new SKU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retailer_id: Option<String>,
}

/// Body of `change-product-image` and `add-product-image`: a product and a picture in base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductImage {
    /// The product id.
    pub id: String,
    /// The picture: base64 or a `data:` URL.
    pub base64: String,
}

/// Body of `remove-product-image`: a product and the index of an additional picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveProductImage {
    /// The product id.
    pub id: String,
    /// Index into [`Product::additional_image_cdn_url`] (the server refuses `0`).
    pub index: u32,
}

/// Answer of `POST /api/{session}/del-products` (wa-js `delProducts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedProducts {
    /// The ids it was asked to delete.
    #[serde(default)]
    pub products_ids: Vec<String>,
    /// `200` when WhatsApp deleted them, `500` when it failed (the HTTP answer is 201 either way).
    pub status: i64,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl DeletedProducts {
    /// Whether WhatsApp deleted them (`status` 200).
    #[must_use]
    pub fn is_deleted(&self) -> bool {
        self.status == 200
    }
}

/// A collection of the catalog (`get-collections`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    /// The collection id.
    pub id: String,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its first products (as many as `get-collections` was asked for).
    #[serde(default)]
    pub products: Vec<CatalogProduct>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /api/{session}/create-collection`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateCollection {
    /// The collection's name.
    pub name: String,
    /// The product ids it holds.
    pub products: Vec<String>,
}

/// Body of `POST /api/{session}/edit-collection`: `{"id", "options": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditCollection {
    /// The collection id.
    pub id: String,
    /// What changes.
    pub options: CollectionChanges,
}

/// What `edit-collection` changes (wa-js `paramsEditCollection`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionChanges {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Product ids to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products_to_add: Vec<String>,
    /// Product ids to take out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub products_to_remove: Vec<String>,
}

/// The wrapper of the order routes (`orderController.ts`): HTTP 201
/// `{"status":"Success","response":{"message","contact","session","data"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderAnswer<T> {
    /// `Information retrieved successfully.`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The business asked about (`get-business-profiles-products`), `null` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// The session name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The payload.
    pub data: T,
}

/// An order sent in a chat (`get-order-by-messageId`; wa-js `OrderModel`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// The order id.
    pub id: String,
    /// The ordered items as WhatsApp's order query gives them, kept as JSON.
    #[serde(default)]
    pub products: Vec<Value>,
    /// How many items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_count: Option<u32>,
    /// Subtotal in thousandths of the currency unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtotal: Option<Value>,
    /// Tax in thousandths of the currency unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<Value>,
    /// Total in thousandths of the currency unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Value>,
    /// ISO currency code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// When it was created (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// The seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_jid: Option<ChatId>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Body of `POST /api/{session}/edit-business-profile` (wa-js `BusinessProfileModel` input);
/// only the fields set are sent. The server passes the body as is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EditBusinessProfile {
    /// The address. The server's Swagger spells it `adress`; wa-js reads `address`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Web sites (wa-js turns each into `{"url": …}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<Vec<String>>,
    /// Categories (`{"id", "localized_display_name"}`), as WhatsApp takes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Value>,
    /// Opening hours, as WhatsApp takes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<Value>,
    /// Any other field to send.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The business profile after `edit-business-profile` (WhatsApp's `fetchBizProfile`, the bare
/// body of the answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessProfile {
    /// The account's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ChatId>,
    /// The address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Web sites (`{"url": …}`).
    #[serde(default)]
    pub website: Vec<Value>,
    /// Categories (`{"id", "localized_display_name"}`).
    #[serde(default)]
    pub categories: Vec<Value>,
    /// Every other field, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn request_bodies_use_the_servers_names() {
        let body = AddProduct {
            name: "Camiseta".to_owned(),
            image: "iVBOR".to_owned(),
            price: 89.9,
            description: None,
            url: None,
            retailer_id: Some("SKU1".to_owned()),
            currency: None,
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"name": "Camiseta", "image": "iVBOR", "price": 89.9, "retailerId": "SKU1"})
        );
        let edit = EditCollection {
            id: "7".to_owned(),
            options: CollectionChanges {
                products_to_add: vec!["1".to_owned()],
                ..CollectionChanges::default()
            },
        };
        assert_eq!(
            serde_json::to_value(&edit).unwrap(),
            json!({"id": "7", "options": {"productsToAdd": ["1"]}})
        );
    }

    #[test]
    fn products_keep_unknown_fields() {
        let product: Product = serde_json::from_value(
            json!({"id": "99", "priceAmount1000": 899000, "isHidden": true, "reviewStatus": "APPROVED"}),
        )
        .unwrap();
        assert_eq!(product.price_amount_1000, Some(899_000.0));
        assert_eq!(product.extra["reviewStatus"], "APPROVED");
        let again: Product =
            serde_json::from_value(serde_json::to_value(&product).unwrap()).unwrap();
        assert_eq!(again, product);
    }
}
