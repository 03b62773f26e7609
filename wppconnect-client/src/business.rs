//! WhatsApp Business: the catalog (products, pictures, collections, visibility, cart), orders
//! and the business profile.
//!
//! Reads and the two routes that set a state to a given value (`set-product-visibility`,
//! `set-cart-enabled`) are retried; creating, editing and deleting are never retried once they
//! may have reached the server.
//!
//! Two quirks of server 2.10.4 worth knowing: its catalog handlers answer a missing argument
//! with **401** (`{"message": "… was not informed"}`), which comes back as [`Error::Api`] with
//! status 401 (not [`Error::Unauthorized`]); and they test arguments with `!value`, so a
//! `false` (`set-product-visibility`, `set-cart-enabled`) or an index `0`
//! (`remove-product-image`) is refused the same way.

use std::future::IntoFuture;

use serde::de::IgnoredAny;
use serde_json::Value;
use wppconnect_models::business::{
    AddProduct, BusinessProfile, CatalogProduct, Collection, CollectionChanges, CreateCollection,
    DeletedProducts, EditBusinessProfile, EditCollection, EditProduct, Order, OrderAnswer, Product,
    ProductChanges, ProductImage, RemoveProductImage,
};
use wppconnect_models::Wrapped;

use crate::chat::chat_id;
use crate::error::{Error, Result};
use crate::ids::{IntoChat, IntoMessageId};
use crate::routes;
use crate::session::{BoxFuture, Session};

/// A non-empty id, trimmed.
fn required<'a>(value: &'a str, what: &str) -> Result<&'a str> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(format!("the {what} is empty")));
    }
    Ok(value)
}

impl Session {
    /// `GET /api/{session}/get-products`: the products of a business's catalog (`count`, the
    /// server's `qnt`, defaults to 10 in the library). A read: retried when it fails.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// for product in session.get_products("5511999999999", Some(20)).await? {
    ///     println!("{} {:?} {:?}", product.id, product.name, product.price);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad number; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "get-products")]
    pub async fn get_products(
        &self,
        business: impl IntoChat,
        count: Option<u32>,
    ) -> Result<Vec<CatalogProduct>> {
        let business = business.into_chat();
        let business = business.as_str();
        let id = chat_id(business)?;
        let mut call = self
            .call(&routes::GET_PRODUCTS, &[])?
            .query("phone", id.as_str());
        if let Some(count) = count {
            call = call.query("qnt", count);
        }
        let answer: Wrapped<Vec<CatalogProduct>> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/get-product-by-id`: one product of a business's catalog.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad number or an empty id; [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "get-product-by-id")]
    pub async fn get_product_by_id(
        &self,
        business: impl IntoChat,
        product_id: &str,
    ) -> Result<CatalogProduct> {
        let business = business.into_chat();
        let business = business.as_str();
        let id = chat_id(business)?;
        let product_id = required(product_id, "product id")?;
        let call = self
            .call(&routes::GET_PRODUCT_BY_ID, &[])?
            .query("phone", id.as_str())
            .query("id", product_id);
        let answer: Wrapped<CatalogProduct> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/add-product`: adds a product to this account's catalog; the
    /// description, link, SKU and currency are setters. Never retried once it may have reached
    /// the server (it would add a second product).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session, png_base64: String) -> wppconnect_client::Result<()> {
    /// let product = session
    ///     .add_product("Camiseta", png_base64, 89.9)
    ///     .description("Algodão")
    ///     .retailer_id("SKU-001")
    ///     .currency("BRL")
    ///     .await?;
    /// println!("created {}", product.id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name or picture, or a price that is not positive;
    /// [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "add-product")]
    pub fn add_product(
        &self,
        name: impl Into<String>,
        image_base64: impl Into<String>,
        price: f64,
    ) -> AddProductRequest {
        AddProductRequest {
            session: self.clone(),
            body: AddProduct {
                name: name.into(),
                image: image_base64.into(),
                price,
                description: None,
                url: None,
                retailer_id: None,
                currency: None,
            },
        }
    }

    /// Sends a built [`AddProduct`] body (what [`AddProductRequest`] sends).
    ///
    /// # Errors
    /// As [`Session::add_product`].
    pub async fn add_product_body(&self, body: &AddProduct) -> Result<Product> {
        if body.name.trim().is_empty() || body.image.trim().is_empty() {
            return Err(Error::invalid("the product's name or picture is empty"));
        }
        // the server refuses a zero price (`!price`); a negative or NaN one makes no sense
        if !body.price.is_finite() || body.price <= 0.0 {
            return Err(Error::invalid("the product's price must be positive"));
        }
        let call = self.call(&routes::ADD_PRODUCT, &[])?.body_of(body)?;
        let answer: Wrapped<Product> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/edit-product`: changes the fields set in `changes`. Never retried
    /// once it may have reached the server.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// use wppconnect_client::models::business::ProductChanges;
    /// let changes = ProductChanges { name: Some("Camiseta azul".into()), ..Default::default() };
    /// session.edit_product("7654321098765432", changes).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "edit-product")]
    pub async fn edit_product(&self, product_id: &str, changes: ProductChanges) -> Result<Product> {
        let body = EditProduct {
            id: required(product_id, "product id")?.to_owned(),
            options: changes,
        };
        let call = self.call(&routes::EDIT_PRODUCT, &[])?.body_of(&body)?;
        let answer: Wrapped<Product> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/del-products`: deletes products. Check
    /// [`DeletedProducts::is_deleted`]: the server answers 201 even when WhatsApp refused.
    /// Never retried once it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for no id or an empty one; [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "del-products")]
    pub async fn del_products(&self, product_ids: &[&str]) -> Result<DeletedProducts> {
        if product_ids.is_empty() {
            return Err(Error::invalid("no product id"));
        }
        let ids = product_ids
            .iter()
            .map(|id| required(id, "product id"))
            .collect::<Result<Vec<_>>>()?;
        let call = self
            .call(&routes::DEL_PRODUCTS, &[])?
            .json(serde_json::json!({ "id": ids }));
        let answer: Wrapped<DeletedProducts> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/change-product-image`: replaces the main picture (base64 or a
    /// `data:` URL). Never retried once it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id or picture; [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "change-product-image")]
    pub async fn change_product_image(
        &self,
        product_id: &str,
        image_base64: &str,
    ) -> Result<Product> {
        self.product_image(&routes::CHANGE_PRODUCT_IMAGE, product_id, image_base64)
            .await
    }

    /// `POST /api/{session}/add-product-image`: adds an additional picture (base64 or a
    /// `data:` URL). Never retried once it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id or picture; [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "add-product-image")]
    pub async fn add_product_image(&self, product_id: &str, image_base64: &str) -> Result<Product> {
        self.product_image(&routes::ADD_PRODUCT_IMAGE, product_id, image_base64)
            .await
    }

    async fn product_image(
        &self,
        route: &'static routes::Route,
        product_id: &str,
        image_base64: &str,
    ) -> Result<Product> {
        let body = ProductImage {
            id: required(product_id, "product id")?.to_owned(),
            base64: required(image_base64, "picture")?.to_owned(),
        };
        let call = self.call(route, &[])?.body_of(&body)?;
        let answer: Wrapped<Product> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/remove-product-image`: removes the additional picture at `index`
    /// of [`Product::additional_image_cdn_url`]. Server 2.10.4 refuses index `0` (it tests
    /// `!index`), so the first additional picture cannot be removed through it; this method
    /// says so before any request. Never retried once it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id or index `0`; [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "remove-product-image")]
    pub async fn remove_product_image(&self, product_id: &str, index: u32) -> Result<Product> {
        if index == 0 {
            return Err(Error::invalid(
                "the server refuses picture index 0 (it reads it as missing)",
            ));
        }
        let body = RemoveProductImage {
            id: required(product_id, "product id")?.to_owned(),
            index,
        };
        let call = self
            .call(&routes::REMOVE_PRODUCT_IMAGE, &[])?
            .body_of(&body)?;
        let answer: Wrapped<Product> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `GET /api/{session}/get-collections`: a business's collections, `count` of them (the
    /// server's `qnt`, default 10) with up to `max_products` products each (default 10).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad number; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "get-collections")]
    pub async fn get_collections(
        &self,
        business: impl IntoChat,
        count: Option<u32>,
        max_products: Option<u32>,
    ) -> Result<Vec<Collection>> {
        let business = business.into_chat();
        let business = business.as_str();
        let id = chat_id(business)?;
        let mut call = self
            .call(&routes::GET_COLLECTIONS, &[])?
            .query("phone", id.as_str());
        if let Some(count) = count {
            call = call.query("qnt", count);
        }
        if let Some(max) = max_products {
            call = call.query("max", max);
        }
        let answer: Wrapped<Vec<Collection>> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/create-collection`: a new collection of products. Answers what
    /// WhatsApp answered, as JSON (the library does not describe it). Never retried once it
    /// may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty name or no product; [`Error::NotConnected`];
    /// [`Error::Api`].
    #[doc(alias = "create-collection")]
    pub async fn create_collection(&self, name: &str, product_ids: &[&str]) -> Result<Value> {
        if product_ids.is_empty() {
            return Err(Error::invalid("a collection needs at least one product"));
        }
        let body = CreateCollection {
            name: required(name, "collection name")?.to_owned(),
            products: product_ids
                .iter()
                .map(|id| required(id, "product id").map(str::to_owned))
                .collect::<Result<_>>()?,
        };
        let call = self.call(&routes::CREATE_COLLECTION, &[])?.body_of(&body)?;
        let answer: Wrapped<Value> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/edit-collection`: renames a collection, adds and removes products.
    /// Answers what WhatsApp answered, as JSON. Never retried once it may have reached the
    /// server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "edit-collection")]
    pub async fn edit_collection(
        &self,
        collection_id: &str,
        changes: CollectionChanges,
    ) -> Result<Value> {
        let body = EditCollection {
            id: required(collection_id, "collection id")?.to_owned(),
            options: changes,
        };
        let call = self.call(&routes::EDIT_COLLECTION, &[])?.body_of(&body)?;
        let answer: Wrapped<Value> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/del-collection`: deletes a collection; answers wa-js's text
    /// (`Collection deleted sucessful`). Never retried once it may have reached the server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "del-collection")]
    pub async fn del_collection(&self, collection_id: &str) -> Result<String> {
        let id = required(collection_id, "collection id")?;
        let call = self
            .call(&routes::DEL_COLLECTION, &[])?
            .json(serde_json::json!({ "id": id }));
        let answer: Wrapped<String> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/set-product-visibility`: hides a product (`hidden: true`) or shows
    /// it; answers the product. The server sends its `value` to wa-js's `isHidden`, and 2.10.4
    /// refuses `false` with a 401 (it tests `!value`), so showing a product again fails there
    /// with [`Error::Api`]; [`Session::edit_product`] with `is_hidden: Some(false)` works.
    /// Retried (it sets a state).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty id; [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "set-product-visibility")]
    pub async fn set_product_visibility(&self, product_id: &str, hidden: bool) -> Result<Product> {
        let id = required(product_id, "product id")?;
        let call = self
            .call(&routes::SET_PRODUCT_VISIBILITY, &[])?
            .json(serde_json::json!({ "id": id, "value": hidden }));
        let answer: Wrapped<Product> = self.execute(call).await?;
        Ok(answer.response)
    }

    /// `POST /api/{session}/set-cart-enabled`: lets customers put products in a cart. WhatsApp's
    /// `updateCartEnabled` answers nothing (`Promise<void>` in wa-js), so the server's 201
    /// `{"status": "success"}` carries no `response`: success is the answer. Server 2.10.4
    /// refuses `false` with a 401 (it tests `!enabled`), so switching the cart off fails there
    /// with [`Error::Api`]. Retried (it sets a state).
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// session.set_cart_enabled(true).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::NotConnected`]; [`Error::Api`].
    #[doc(alias = "set-cart-enabled")]
    pub async fn set_cart_enabled(&self, enabled: bool) -> Result<()> {
        let call = self
            .call(&routes::SET_CART_ENABLED, &[])?
            .json(serde_json::json!({ "enabled": enabled }));
        let _: Wrapped<Option<IgnoredAny>> = self.execute(call).await?;
        Ok(())
    }

    /// `GET /api/{session}/get-business-profiles-products`: the products of a business's
    /// catalog, as the library's `getBusinessProfilesProducts` gives them (WhatsApp's
    /// `ProductModel`s, serialised: [`Product`]). The server wraps them in its order answer
    /// (`data: [products]`); this returns the products.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// for product in session.get_business_profiles_products("5511999999999").await? {
    ///     println!("{} {:?}", product.id, product.name);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a bad number; [`Error::NotConnected`]; [`Error::Api`] (400
    /// `Error retrieving information`, e.g. the library's `catalog_not_found`).
    #[doc(alias = "get-business-profiles-products")]
    pub async fn get_business_profiles_products(
        &self,
        business: impl IntoChat,
    ) -> Result<Vec<Product>> {
        let business = business.into_chat();
        let business = business.as_str();
        let id = chat_id(business)?;
        let call = self
            .call(&routes::GET_BUSINESS_PROFILES_PRODUCTS, &[])?
            .query("phone", id.as_str());
        let answer: Wrapped<OrderAnswer<Vec<Vec<Product>>>> = self.execute(call).await?;
        Ok(answer.response.data.into_iter().flatten().collect())
    }

    /// `GET /api/{session}/get-order-by-messageId/{messageId}`: the order an `order` message
    /// carries.
    ///
    /// ```no_run
    /// # async fn run(session: wppconnect_client::Session) -> wppconnect_client::Result<()> {
    /// let order = session
    ///     .get_order_by_message_id("false_5511999999999@c.us_3EB0C767D71D8A4BD7A5")
    ///     .await?;
    /// println!("{} items, total {:?} {:?}", order.products.len(), order.total, order.currency);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed message id; [`Error::NotConnected`];
    /// [`Error::Api`] (400 when the message is not an order).
    #[doc(alias = "get-order-by-messageId")]
    pub async fn get_order_by_message_id(&self, message_id: impl IntoMessageId) -> Result<Order> {
        let id = message_id.into_message_id()?;
        let call = self.call(&routes::GET_ORDER_BY_MESSAGE_ID, &[id.as_str()])?;
        let answer: Wrapped<OrderAnswer<Order>> = self.execute(call).await?;
        Ok(answer.response.data)
    }

    /// `POST /api/{session}/edit-business-profile`: changes the fields set in `profile` and
    /// answers the profile as WhatsApp now has it. Never retried once it may have reached the
    /// server.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when nothing is set; [`Error::NotConnected`]; [`Error::Api`]
    /// (500 when the account is not a business).
    #[doc(alias = "edit-business-profile")]
    pub async fn edit_business_profile(
        &self,
        profile: &EditBusinessProfile,
    ) -> Result<BusinessProfile> {
        if *profile == EditBusinessProfile::default() {
            return Err(Error::invalid("nothing to change in the business profile"));
        }
        let call = self
            .call(&routes::EDIT_BUSINESS_PROFILE, &[])?
            .body_of(profile)?;
        // the bare profile, no `{status, response}` wrapper
        self.execute(call).await
    }
}

/// `POST /api/{session}/add-product`, built by [`Session::add_product`]; `.await` sends it.
#[must_use = "requests do nothing unless .awaited"]
#[derive(Debug, Clone)]
pub struct AddProductRequest {
    session: Session,
    body: AddProduct,
}

impl AddProductRequest {
    /// The description.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.body.description = Some(text.into());
        self
    }

    /// The product's link.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.body.url = Some(url.into());
        self
    }

    /// The seller's own code (SKU).
    pub fn retailer_id(mut self, id: impl Into<String>) -> Self {
        self.body.retailer_id = Some(id.into());
        self
    }

    /// ISO currency code (the server's default: `BRL`).
    pub fn currency(mut self, code: impl Into<String>) -> Self {
        self.body.currency = Some(code.into());
        self
    }

    /// The plain body this request sends.
    #[must_use]
    pub fn into_body(self) -> AddProduct {
        self.body
    }
}

impl IntoFuture for AddProductRequest {
    type Output = Result<Product>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.session.add_product_body(&self.body).await })
    }
}
