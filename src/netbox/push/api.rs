//! What the push needs of NetBox: list, create, update and delete a model's
//! objects (and read one document, `status/`). The real [`Client`] speaks it
//! over HTTP; the library's tests plan against an in-memory NetBox
//! (`push/fake.rs`) through the same trait.

use serde_json::Value;

use crate::netbox::client::{Client, Error};

/// A NetBox, as the push sees it. Endpoints are below `/api/` with a trailing
/// slash (`dcim/devices/`); bodies are NetBox's REST JSON.
pub trait NetboxApi {
    /// One document (`status/`, a filtered list's first page).
    fn get(&self, path: &str) -> Result<Value, Error>;
    /// Every object of a list endpoint, with the extra `query` (`a=b&c=d`).
    fn list(&self, endpoint: &str, query: &str) -> Result<Vec<Value>, Error>;
    /// `POST`: one object, or a list of them (all or nothing).
    fn create(&self, endpoint: &str, body: &Value) -> Result<Value, Error>;
    /// `PATCH`: `{id, fields…}` items in bulk at a list endpoint, or one object at
    /// its own (`dcim/devices/7/`).
    fn update(&self, endpoint: &str, body: &Value) -> Result<Value, Error>;
    /// `DELETE`: `[{id}]` in bulk at a list endpoint (body), or one object at its own
    /// (body null).
    fn delete(&self, endpoint: &str, body: &Value) -> Result<Value, Error>;
}

impl NetboxApi for Client {
    fn get(&self, path: &str) -> Result<Value, Error> {
        Client::get(self, path)
    }

    fn list(&self, endpoint: &str, query: &str) -> Result<Vec<Value>, Error> {
        Client::list(self, endpoint, query)
    }

    fn create(&self, endpoint: &str, body: &Value) -> Result<Value, Error> {
        self.post(endpoint, body)
    }

    fn update(&self, endpoint: &str, body: &Value) -> Result<Value, Error> {
        self.patch(endpoint, body)
    }

    fn delete(&self, endpoint: &str, body: &Value) -> Result<Value, Error> {
        Client::delete(self, endpoint, body)
    }
}
