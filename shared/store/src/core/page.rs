use std::collections::BTreeMap;

/// The key a list continues after: attribute name → string value. The API
/// layer signs it into an opaque cursor.
pub type PageKey = BTreeMap<String, String>;

#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<PageKey>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}
