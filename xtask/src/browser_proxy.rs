//! A loopback HTTP proxy between headless Chromium and the wasm test runner's page server: one upstream connection
//! per request, so no request waits behind another connection's idle keep-alive.
//!
//! Why it exists: `wasm-bindgen-test-runner` serves the test page with tiny_http 0.12, which gives each client
//! connection a pool thread for as long as the browser keeps it open, and whose pool can leave connections that
//! arrive in a burst queued until one of those threads is free (a waiting-thread count that a notification does not
//! decrement, so no thread is added). The test page imports every JS snippet of the crate at once, Chromium opens a
//! connection for each, and in about a third of runs two module requests were never answered: the page never
//! finished loading and ChromeDriver gave up after 300 s ("Timed out receiving message from renderer").
//!
//! Through this proxy every request reaches the runner's server on a fresh connection that says `Connection: close`,
//! so each of its pool tasks ends as soon as the response is written and a queued one runs right after. Chromium is
//! pointed here by `--proxy-server` (with `<-loopback>`, so 127.0.0.1 is not bypassed), added to the capabilities
//! of `webdriver.json` by [`capabilities`]. Only plain HTTP to loopback addresses is forwarded; anything else (a
//! `CONNECT`, another host) gets its connection closed, which the page sees as a network error, as it would
//! without a proxy in a sandbox with no network.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

/// Starts the proxy on a free loopback port; it serves until the process exits.
pub(crate) fn start() -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    thread::spawn(move || {
        for client in listener.incoming().flatten() {
            thread::spawn(move || {
                // A failed exchange closes both sockets; the browser sees a network error.
                let _ = serve(&client);
            });
        }
    });
    Ok(addr)
}

/// Writes `base` (a `webdriver.json`) with Chromium's proxy arguments added, to `out`, and returns `out`.
pub(crate) fn capabilities(base: &Path, proxy: SocketAddr, out: &Path) -> Result<PathBuf, String> {
    let text = std::fs::read_to_string(base)
        .map_err(|e| format!("cannot read {}: {e}", base.display()))?;
    let mut caps: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", base.display()))?;
    let args = caps
        .pointer_mut("/goog:chromeOptions/args")
        .and_then(serde_json::Value::as_array_mut)
        .ok_or_else(|| format!("{} has no goog:chromeOptions.args list", base.display()))?;
    for arg in proxy_args(proxy) {
        args.push(arg.into());
    }
    let json = serde_json::to_string_pretty(&caps).map_err(|e| e.to_string())?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(out, json).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(out.to_path_buf())
}

/// Chromium's arguments for sending every request, loopback included, through `proxy`.
fn proxy_args(proxy: SocketAddr) -> [String; 2] {
    [format!("--proxy-server=http://{proxy}"), "--proxy-bypass-list=<-loopback>".to_owned()]
}

/// How long an exchange may sit idle before both sides are dropped (a test's slowest request is far shorter).
const IDLE: Duration = Duration::from_secs(120);

/// One request from the browser: forwarded on its own upstream connection, the response copied back, both closed.
fn serve(client: &TcpStream) -> io::Result<()> {
    client.set_read_timeout(Some(IDLE))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let Some(head) = read_head(&mut reader)? else { return Ok(()) };
    let Some(request) = Request::parse(&head) else {
        return client.shutdown(Shutdown::Both);
    };
    let mut upstream = TcpStream::connect(request.target)?;
    upstream.set_read_timeout(Some(IDLE))?;
    upstream.write_all(request.head.as_bytes())?;
    // Whatever follows the head is the request's body, however it is framed: copied as it comes. The browser sends
    // nothing after it, since the response says `Connection: close`.
    let buffered = reader.buffer().to_vec();
    upstream.write_all(&buffered)?;
    let (mut body_in, mut body_out) = (client.try_clone()?, upstream.try_clone()?);
    thread::spawn(move || {
        let _ = io::copy(&mut body_in, &mut body_out);
    });
    let mut response = BufReader::new(upstream.try_clone()?);
    let mut client_out = client.try_clone()?;
    if let Some(head) = read_head(&mut response)? {
        client_out.write_all(closing(&head).as_bytes())?;
        let rest = response.buffer().to_vec();
        client_out.write_all(&rest)?;
        let mut upstream_in = upstream.try_clone()?;
        io::copy(&mut upstream_in, &mut client_out)?;
    }
    let _ = upstream.shutdown(Shutdown::Both);
    client.shutdown(Shutdown::Both)
}

/// Reads an HTTP head up to and including its blank line; `None` when the peer closed first.
fn read_head(reader: &mut BufReader<TcpStream>) -> io::Result<Option<String>> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        head.push_str(&line);
        if line == "\r\n" || line == "\n" {
            return Ok(Some(head));
        }
        if head.len() > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "HTTP head too long"));
        }
    }
}

/// The longest request or response head forwarded.
const MAX_HEAD: usize = 64 * 1024;

/// A browser's proxy request rewritten for the origin server.
#[derive(Debug, PartialEq)]
struct Request {
    /// The loopback address the request is for.
    target: SocketAddr,
    /// The head to send upstream: origin-form request line, hop-by-hop headers dropped, `Connection: close`.
    head: String,
}

impl Request {
    /// Parses a proxy request head (`GET http://127.0.0.1:4000/path HTTP/1.1`); `None` for anything but plain HTTP
    /// to a loopback address.
    fn parse(head: &str) -> Option<Request> {
        let mut lines = head.split("\r\n");
        let mut parts = lines.next()?.split(' ');
        let (method, uri, version) = (parts.next()?, parts.next()?, parts.next()?);
        let rest = uri.strip_prefix("http://")?;
        let (authority, path) = rest.find('/').map_or((rest, "/"), |i| (&rest[..i], &rest[i..]));
        let target: SocketAddr = authority.parse().ok().or_else(|| {
            let port = authority.strip_prefix("localhost:")?.parse().ok()?;
            Some(SocketAddr::from(([127, 0, 0, 1], port)))
        })?;
        if !target.ip().is_loopback() {
            return None;
        }
        let mut out = format!("{method} {path} {version}\r\n");
        for line in lines.filter(|l| !l.is_empty() && !is_hop_by_hop(l)) {
            out.push_str(line);
            out.push_str("\r\n");
        }
        out.push_str("Connection: close\r\n\r\n");
        Some(Request { target, head: out })
    }
}

/// A response head with its hop-by-hop headers replaced by `Connection: close`.
fn closing(head: &str) -> String {
    let mut out = String::with_capacity(head.len() + 19);
    for line in head.split("\r\n").filter(|l| !l.is_empty() && !is_hop_by_hop(l)) {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}

/// `Connection`, `Proxy-Connection` and `Keep-Alive` header lines: about one hop, not passed on.
fn is_hop_by_hop(line: &str) -> bool {
    let name = line.split(':').next().unwrap_or("").trim();
    ["connection", "proxy-connection", "keep-alive"].iter().any(|h| name.eq_ignore_ascii_case(h))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn proxy_requests_become_origin_requests_that_close() {
        let head = "GET http://127.0.0.1:4000/snippets/a.js?x=1 HTTP/1.1\r\nHost: 127.0.0.1:4000\r\n\
                    Proxy-Connection: keep-alive\r\nAccept: */*\r\n\r\n";
        let request = Request::parse(head).unwrap();
        assert_eq!(request.target, "127.0.0.1:4000".parse().unwrap());
        assert_eq!(
            request.head,
            "GET /snippets/a.js?x=1 HTTP/1.1\r\nHost: 127.0.0.1:4000\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
        let bare = Request::parse("POST http://localhost:81 HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(bare.target, "127.0.0.1:81".parse().unwrap());
        assert_eq!(bare.head, "POST / HTTP/1.1\r\nConnection: close\r\n\r\n");
    }

    #[test]
    fn only_plain_http_to_loopback_is_forwarded() {
        for head in [
            "CONNECT ingest.example:443 HTTP/1.1\r\n\r\n",
            "GET https://127.0.0.1:4000/ HTTP/1.1\r\n\r\n",
            "GET http://10.0.0.1:80/ HTTP/1.1\r\n\r\n",
            "GET http://example.com/ HTTP/1.1\r\n\r\n",
            "GET /relative HTTP/1.1\r\n\r\n",
            "garbage",
        ] {
            assert_eq!(Request::parse(head), None, "{head}");
        }
    }

    #[test]
    fn responses_say_they_close() {
        let head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n";
        assert_eq!(
            closing(head),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn chromium_is_sent_through_the_proxy_for_loopback_too() {
        let dir = std::env::temp_dir().join(format!("pulsegate-proxy-caps-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let base = dir.join("webdriver.json");
        std::fs::write(&base, r#"{"goog:chromeOptions":{"args":["--headless=new"]}}"#).unwrap();
        let out =
            capabilities(&base, "127.0.0.1:5555".parse().unwrap(), &dir.join("out.json")).unwrap();
        let caps: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
        assert_eq!(
            caps["goog:chromeOptions"]["args"],
            serde_json::json!([
                "--headless=new",
                "--proxy-server=http://127.0.0.1:5555",
                "--proxy-bypass-list=<-loopback>"
            ])
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_request_and_its_body_reach_the_server_and_the_answer_comes_back() {
        let server = TcpListener::bind("127.0.0.1:0").unwrap();
        let server_addr = server.local_addr().unwrap();
        let upstream = thread::spawn(move || {
            let (stream, _) = server.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let head = read_head(&mut reader).unwrap().unwrap();
            let mut body = [0; 5];
            reader.read_exact(&mut body).unwrap();
            let mut out = stream;
            out.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok").unwrap();
            out.shutdown(Shutdown::Both).unwrap();
            (head, body)
        });
        let proxy = start().unwrap();
        let mut browser = TcpStream::connect(proxy).unwrap();
        write!(
            browser,
            "POST http://{server_addr}/track HTTP/1.1\r\nHost: {server_addr}\r\nContent-Length: 5\r\n\
             Proxy-Connection: keep-alive\r\n\r\nhello"
        )
        .unwrap();
        let mut answer = String::new();
        browser.read_to_string(&mut answer).unwrap();
        assert_eq!(
            answer,
            "HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        );
        let (head, body) = upstream.join().unwrap();
        assert_eq!(
            head,
            format!(
                "POST /track HTTP/1.1\r\nHost: {server_addr}\r\nContent-Length: 5\r\nConnection: close\r\n\r\n"
            )
        );
        assert_eq!(&body, b"hello");
    }
}
