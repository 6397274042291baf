//! The SDK's HTTP client: hyper 1's pooled client over rustls on ring,
//! HTTP/1.1 only. The SDK's own client (aws-smithy-http-client) always links
//! an HTTP/2 stack and its own connection pool (~0.5 MB of every function
//! binary); DynamoDB, S3, SES and SNS all speak HTTP/1.1, and this is the
//! same hyper and rustls that reqwest and the Lambda runtime already link.

use std::collections::HashMap;
use std::error::Error;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};

type Pool = Client<Connect, SdkBody>;
type BoxError = Box<dyn Error + Send + Sync>;
/// (connect timeout, read timeout)
type Timeouts = (Option<Duration>, Option<Duration>);

/// One pool per (connect, read) timeout pair the SDK asks for, as its own
/// client keeps them; in practice every client asks for the same pair.
pub fn build() -> SharedHttpClient {
    let pools: RwLock<HashMap<Timeouts, SharedHttpConnector>> = RwLock::default();
    let tls = crate::tls::client_config();
    http_client_fn(move |settings: &HttpConnectorSettings, _: &RuntimeComponents| {
        let key = (settings.connect_timeout(), settings.read_timeout());
        if let Some(c) = pools.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return c.clone();
        }
        let mut pools = pools.write().unwrap_or_else(|e| e.into_inner());
        pools.entry(key).or_insert_with(|| SharedHttpConnector::new(Connector::new(&tls, key.0, key.1))).clone()
    })
}

#[derive(Debug, Clone)]
struct Connector {
    pool: Pool,
    read_timeout: Option<Duration>,
}

impl Connector {
    fn new(tls: &Arc<rustls::ClientConfig>, connect_timeout: Option<Duration>, read_timeout: Option<Duration>) -> Self {
        let mut tcp = TcpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config((**tls).clone())
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let pool = Client::builder(TokioExecutor::new()).build(Connect { https, timeout: connect_timeout });
        Self { pool, read_timeout }
    }
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(r) => r,
            Err(e) => return HttpConnectorFuture::ready(Err(ConnectorError::user(e.into()))),
        };
        let (pool, read_timeout) = (self.pool.clone(), self.read_timeout);
        HttpConnectorFuture::new(async move {
            let sent = pool.request(request);
            let response = match read_timeout {
                Some(t) => {
                    tokio::time::timeout(t, sent).await.map_err(|_| ConnectorError::timeout(Timeout("read").into()))?
                }
                None => sent.await,
            }
            .map_err(classify)?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

/// The TLS connector with the SDK's connect timeout over TCP and the handshake together.
#[derive(Clone)]
struct Connect {
    https: HttpsConnector<TcpConnector>,
    timeout: Option<Duration>,
}

impl tower_service::Service<http::Uri> for Connect {
    type Response = MaybeHttpsStream<TokioIo<tokio::net::TcpStream>>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.https.poll_ready(cx)
    }

    fn call(&mut self, uri: http::Uri) -> Self::Future {
        let connecting = self.https.call(uri);
        let timeout = self.timeout;
        Box::pin(async move {
            match timeout {
                Some(t) => {
                    tokio::time::timeout(t, connecting).await.map_err(|_| Box::new(Timeout("connect")) as BoxError)?
                }
                None => connecting.await,
            }
        })
    }
}

#[derive(Debug)]
struct Timeout(&'static str);

impl std::fmt::Display for Timeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {} timeout", self.0)
    }
}

impl Error for Timeout {}

/// What the SDK's retry policy needs to know: timeouts and broken
/// connections are transient (retried), a malformed request is the caller's.
fn classify(err: hyper_util::client::legacy::Error) -> ConnectorError {
    let err: BoxError = err.into();
    if find::<Timeout>(err.as_ref()).is_some() {
        return ConnectorError::timeout(err);
    }
    if let Some(h) = find::<hyper::Error>(err.as_ref()) {
        if h.is_timeout() {
            return ConnectorError::timeout(err);
        }
        if h.is_user() {
            return ConnectorError::user(err);
        }
        if h.is_incomplete_message() {
            return ConnectorError::other(err, Some(ErrorKind::TransientError));
        }
        if h.is_closed() || h.is_canceled() {
            return ConnectorError::io(err);
        }
    }
    let connect = err.downcast_ref::<hyper_util::client::legacy::Error>().is_some_and(|e| e.is_connect());
    if connect || find::<std::io::Error>(err.as_ref()).is_some() {
        return ConnectorError::io(err);
    }
    ConnectorError::other(err, None)
}

fn find<'a, E: Error + 'static>(err: &'a (dyn Error + Send + Sync + 'static)) -> Option<&'a E> {
    let mut next: Option<&(dyn Error + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(found) = e.downcast_ref::<E>() {
            return Some(found);
        }
        next = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn connector(read_timeout: Option<Duration>) -> Connector {
        Connector::new(&crate::tls::client_config(), Some(Duration::from_secs(2)), read_timeout)
    }

    async fn get(c: &Connector, addr: std::net::SocketAddr) -> Result<HttpResponse, ConnectorError> {
        c.call(HttpRequest::get(format!("http://{addr}/")).unwrap()).await
    }

    /// A server on a fresh port that reads one request and then does `then`.
    async fn server(then: &'static [u8], close: bool) -> std::net::SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await;
            s.write_all(then).await.unwrap();
            if !close {
                std::future::pending::<()>().await;
            }
        });
        addr
    }

    #[tokio::test]
    async fn an_answer_comes_back_as_the_sdk_response() {
        let addr = server(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", false).await;
        let r = get(&connector(None), addr).await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let body = aws_smithy_types::byte_stream::ByteStream::new(r.into_body()).collect().await.unwrap();
        assert_eq!(body.into_bytes().as_ref(), b"ok");
    }

    #[tokio::test]
    async fn a_refused_connection_is_an_io_error_which_the_sdk_retries() {
        let addr = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        let err = get(&connector(None), addr).await.unwrap_err();
        assert!(err.is_io(), "{err:?}");
    }

    #[tokio::test]
    async fn a_server_that_never_answers_is_a_read_timeout() {
        let addr = server(b"", false).await;
        let c = connector(Some(Duration::from_millis(200)));
        let r = tokio::time::timeout(Duration::from_secs(5), get(&c, addr)).await.expect("the read timeout fired");
        assert!(r.unwrap_err().is_timeout());
    }

    #[tokio::test]
    async fn a_connection_closed_before_the_answer_is_transient() {
        let addr = server(b"", true).await;
        let err = get(&connector(None), addr).await.unwrap_err();
        assert!(err.is_io() || err.as_other() == Some(ErrorKind::TransientError), "{err:?}");
    }
}
