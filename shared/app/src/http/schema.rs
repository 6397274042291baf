//! A body type's place in the OpenAPI document: its schema, registered by name.

use utoipa::ToSchema;
use utoipa::openapi::{Ref, RefOr, schema::Schema};

/// Schemas by name: a body's own and those it refers to.
pub type Schemas = Vec<(String, RefOr<Schema>)>;
/// Registers a body type's schemas and answers a reference to it.
pub type BodySchema = fn(&mut Schemas) -> RefOr<Schema>;

/// `BodySchema` of a serde type with a derived `ToSchema`.
pub fn schema_of<T: ToSchema>(defs: &mut Schemas) -> RefOr<Schema> {
    T::schemas(defs);
    defs.push((T::name().into_owned(), T::schema()));
    Ref::from_schema_name(T::name()).into()
}
