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

/// `BodySchema` of a create (`New<T>`): `T`'s schema as `New<Name>`, with
/// `T::REQUIRED` required and not null.
pub fn new_schema_of<T: ToSchema + crate::kernel::validate::Creatable>(defs: &mut Schemas) -> RefOr<Schema> {
    T::schemas(defs);
    let name = format!("New{}", T::name().trim_end_matches("Changes"));
    let mut schema = serde_json::to_value(T::schema()).expect("a schema serialises");
    schema["required"] = T::REQUIRED.into();
    for field in T::REQUIRED {
        let ty = &mut schema["properties"][*field]["type"];
        if let Some(types) = ty.as_array() {
            let types: Vec<_> = types.iter().filter(|t| *t != "null").cloned().collect();
            *ty = if types.len() == 1 { types[0].clone() } else { types.into() };
        }
    }
    defs.push((name.clone(), serde_json::from_value(schema).expect("still a schema")));
    Ref::from_schema_name(name).into()
}
