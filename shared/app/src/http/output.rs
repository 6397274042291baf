//! What a handler answers: a typed body under its status. The route's
//! success statuses and response schema in the OpenAPI document are read off
//! the handler's output type (`route!` asks `Output::doc`), so the document
//! cannot say one thing while the handler returns another.

use std::future::Future;
use std::marker::PhantomData;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::Reply;
use super::schema::{BodySchema, schema_of};
use crate::AppState;
use crate::http::Ctx;
use crate::kernel::error::DomainResult;

/// What the document says about a route's success answer.
#[derive(Clone, Copy)]
pub struct OutputDoc {
    pub ok: u16,
    /// A second success status (201 made, 200 already there).
    pub also: Option<u16>,
    /// The body's schema (of a page: each item); `None`: no body, or a free-form object.
    pub response: Option<BodySchema>,
    /// `limit` and `cursor` in, `{items, next_cursor}` out.
    pub list: bool,
    /// A page whose body is `response` as a whole (more than items and cursor).
    pub whole_page: bool,
    /// An HTML page, not JSON.
    pub html: bool,
}

impl OutputDoc {
    const fn status(ok: u16) -> OutputDoc {
        OutputDoc { ok, also: None, response: None, list: false, whole_page: false, html: false }
    }
}

/// A handler's success answer.
pub trait Output: Send {
    fn doc() -> OutputDoc;
    fn into_reply(self) -> Reply;
}

/// The document of what `handler` answers (`route!` calls it with the handler).
pub fn doc_of<'a, O: Output, F: Future<Output = DomainResult<O>>>(
    _handler: impl FnOnce(&'a AppState, &'a Ctx) -> F,
) -> OutputDoc {
    O::doc()
}

/// A `T` body under `STATUS` (or under `ALSO`, when not 0, after `also()`).
/// It is serialised when made, so an idempotent replay can stand for it.
pub struct Answer<T, const STATUS: u16, const ALSO: u16 = 0> {
    reply: Reply,
    body: PhantomData<fn() -> T>,
}

/// 200 with a `T`.
pub type Json<T> = Answer<T, 200>;
/// 201 with the made `T`.
pub type Created<T> = Answer<T, 201>;
/// 201 with the made `T`, or 200 (`.also()`) when it was already there.
pub type CreatedOrFound<T> = Answer<T, 201, 200>;
/// 201 with the made `T`, or 200 (`.also()`) with the `T` a preview would make.
pub type CreatedOrPreview<T> = Answer<T, 201, 200>;
/// 202: taken on, the rest follows (a code is on its way).
pub type Accepted<T> = Answer<T, 202>;
/// 204: done, no body.
pub type NoContent = Answer<(), 204>;

impl<T: Serialize + ToSchema, const STATUS: u16, const ALSO: u16> Answer<T, STATUS, ALSO> {
    pub fn new(body: T) -> Self {
        let body = (STATUS != 204).then(|| crate::kernel::views::body(&body));
        Answer { reply: Reply::new(STATUS, body), body: PhantomData }
    }
    /// The second status (`ALSO`): the thing was already there.
    pub fn also(mut self) -> Self {
        debug_assert!(ALSO != 0, "a second status is declared");
        self.reply.status = ALSO;
        self
    }
    /// What the changed resource looked like before (for the audit log).
    pub fn with_before(mut self, before: impl Serialize) -> Self {
        self.reply = self.reply.with_before(before);
        self
    }
}

/// An answer an Idempotency-Key stores and replays.
pub trait Stored: Output + Sized {
    /// The answer as it will be sent.
    fn reply(&self) -> &Reply;
    /// The stored answer of the same request: it was made by `new`.
    fn replayed(reply: Reply) -> Self;
}

impl<T: Serialize + ToSchema, const STATUS: u16, const ALSO: u16> Stored for Answer<T, STATUS, ALSO> {
    fn reply(&self) -> &Reply {
        &self.reply
    }
    fn replayed(reply: Reply) -> Self {
        Answer { reply, body: PhantomData }
    }
}

impl NoContent {
    pub fn done() -> Self {
        Answer::new(())
    }
}

impl<T: Serialize + ToSchema, const STATUS: u16, const ALSO: u16> Output for Answer<T, STATUS, ALSO> {
    fn doc() -> OutputDoc {
        OutputDoc {
            also: (ALSO != 0).then_some(ALSO),
            response: (STATUS != 204).then_some(schema_of::<T> as BodySchema),
            ..OutputDoc::status(STATUS)
        }
    }
    fn into_reply(self) -> Reply {
        self.reply
    }
}

/// A page of any list: its items, and where the next page starts (`None`
/// on the last). The document describes it once (`openapi::page_of`).
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T: Serialize + ToSchema + Send> Output for Page<T> {
    fn doc() -> OutputDoc {
        OutputDoc { response: Some(schema_of::<T>), list: true, ..OutputDoc::status(200) }
    }
    fn into_reply(self) -> Reply {
        Reply::ok(self)
    }
}

/// A page whose body is `T` as a whole: a list with more than its items and
/// cursor (notifications and their unread count).
pub struct WholePage<T>(pub T);

impl<T: Serialize + ToSchema + Send> Output for WholePage<T> {
    fn doc() -> OutputDoc {
        OutputDoc { response: Some(schema_of::<T>), list: true, whole_page: true, ..OutputDoc::status(200) }
    }
    fn into_reply(self) -> Reply {
        Reply::ok(self.0)
    }
}

/// An HTML page (the API docs).
pub struct Html(pub &'static str);

impl Output for Html {
    fn doc() -> OutputDoc {
        OutputDoc { html: true, ..OutputDoc::status(200) }
    }
    fn into_reply(self) -> Reply {
        Reply::html(self.0)
    }
}

/// A JSON document the API describes as a free-form object (the OpenAPI document itself).
pub struct FreeForm(pub Value);

impl Output for FreeForm {
    fn doc() -> OutputDoc {
        OutputDoc::status(200)
    }
    fn into_reply(self) -> Reply {
        Reply::ok(self.0)
    }
}
