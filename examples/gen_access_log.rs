//! Writes a synthetic nginx access log for benchmarks: ~40 routes with ids in their paths, query
//! strings (some with secrets), a realistic status mix, `$request_time` and
//! `$upstream_response_time` after the combined fields; or the same requests as `escape=json`.
//!
//! `cargo run --release --example gen_access_log -- LINES [combined|json] > access.log`
//! The output is deterministic for a given line count.

use std::io::{self, BufWriter, Write};

/// (method, template, weight); `{id}` is replaced by a number, `{uuid}` by a UUID.
const ROUTES: &[(&str, &str, u32)] = &[
    ("GET", "/v1/orders", 60),
    ("POST", "/v1/orders", 20),
    ("GET", "/v1/orders/{id}", 90),
    ("PUT", "/v1/orders/{id}", 8),
    ("DELETE", "/v1/orders/{id}", 3),
    ("GET", "/v1/orders/{id}/items", 25),
    ("GET", "/v1/orders/{id}/items/{id}", 10),
    ("GET", "/v1/users/{id}", 70),
    ("PATCH", "/v1/users/{id}", 6),
    ("GET", "/v1/users/{id}/orders", 20),
    ("GET", "/v1/users/{id}/addresses", 8),
    ("POST", "/v1/login", 30),
    ("POST", "/v1/logout", 8),
    ("POST", "/v1/token/refresh", 25),
    ("GET", "/v1/products", 80),
    ("GET", "/v1/products/{id}", 110),
    ("GET", "/v1/products/{id}/reviews", 25),
    ("POST", "/v1/products/{id}/reviews", 4),
    ("GET", "/v1/search", 70),
    ("GET", "/v1/cart", 30),
    ("POST", "/v1/cart/items", 20),
    ("DELETE", "/v1/cart/items/{id}", 5),
    ("POST", "/v1/checkout", 10),
    ("GET", "/v1/payments/{uuid}", 8),
    ("POST", "/v1/payments", 9),
    ("GET", "/v1/invoices/{id}", 6),
    ("GET", "/v1/invoices/{id}/pdf", 3),
    ("GET", "/v1/shipments/{uuid}", 7),
    ("GET", "/v1/shipments/{uuid}/events", 4),
    ("GET", "/v1/inventory", 15),
    ("GET", "/v1/inventory/{id}", 12),
    ("POST", "/v1/upload", 4),
    ("GET", "/v1/recommendations", 18),
    ("GET", "/v1/categories", 14),
    ("GET", "/v1/categories/{id}/products", 16),
    ("GET", "/v2/orders/{id}", 12),
    ("GET", "/v2/search", 10),
    ("GET", "/healthz", 20),
    ("GET", "/metrics", 5),
    ("GET", "/static/app.js", 12),
];

/// (status, weight) — mostly 2xx, a tail of client and server errors.
const STATUSES: &[(u16, u32)] = &[
    (200, 8000),
    (201, 450),
    (204, 200),
    (301, 60),
    (304, 140),
    (400, 150),
    (401, 200),
    (403, 50),
    (404, 300),
    (413, 10),
    (429, 200),
    (499, 30),
    (500, 50),
    (502, 70),
    (503, 50),
    (504, 40),
];

const AGENTS: &[&str] = &[
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "okhttp/4.12.0",
    "python-requests/2.31.0",
    "curl/8.5.0",
    "Go-http-client/1.1",
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [(T, u32)], total: u32) -> &'a T {
        let mut r = self.below(u64::from(total)) as u32;
        for (item, w) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &items[items.len() - 1].0
    }
}

fn civil(days: i64) -> (i64, usize, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m as usize, d)
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let lines: u64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let json = args.next().as_deref() == Some("json");
    let route_total: u32 = ROUTES.iter().map(|r| r.2).sum();
    let weighted: Vec<((&str, &str), u32)> =
        ROUTES.iter().map(|(m, t, w)| ((*m, *t), *w)).collect();
    let status_total: u32 = STATUSES.iter().map(|s| s.1).sum();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let out = io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, out.lock());
    let start_ms: i64 = 1_795_345_190_000;
    let span_ms: i64 = 3_600_000;
    let mut path = String::with_capacity(128);
    for i in 0..lines {
        let t = start_ms + (i as i64 * span_ms) / lines.max(1) as i64;
        let secs = t / 1000;
        let (y, mo, d) = civil(secs.div_euclid(86_400));
        let tod = secs.rem_euclid(86_400);
        let &(method, template) = rng.pick(&weighted, route_total);
        let status = *rng.pick(STATUSES, status_total);
        path.clear();
        for (k, part) in template.split('/').enumerate() {
            if k > 0 {
                path.push('/');
            }
            match part {
                "{id}" => path.push_str(&(1 + rng.below(5_000_000)).to_string()),
                "{uuid}" => {
                    let a = rng.next();
                    let b = rng.next();
                    path.push_str(&format!(
                        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
                        a >> 32,
                        (a >> 16) & 0xffff,
                        a & 0xfff,
                        b >> 52,
                        b & 0xffff_ffff_ffff
                    ));
                }
                p => path.push_str(p),
            }
        }
        match rng.below(10) {
            0 => path.push_str(&format!("?page={}&limit=50", rng.below(40))),
            1 if template.starts_with("/v1/users") => {
                path.push_str(&format!("?api_key=sk_live_{:016x}", rng.next()))
            }
            2 if template.ends_with("search") => {
                path.push_str(&format!("?q=item{}", rng.below(900)))
            }
            _ => {}
        }
        let gateway_made = status == 429 && rng.below(2) == 0 || status == 499;
        let rt_ms = match status {
            504 => 30_000 + rng.below(50),
            502 | 503 => rng.below(5),
            _ => {
                1 + rng.below(40)
                    + if rng.below(20) == 0 {
                        rng.below(2000)
                    } else {
                        0
                    }
            }
        };
        let request_time = format!("{}.{:03}", rt_ms / 1000, rt_ms % 1000);
        let upstream = if gateway_made {
            "-".to_string()
        } else {
            let u = rt_ms.saturating_sub(rng.below(2));
            format!("{}.{:03}", u / 1000, u % 1000)
        };
        let bytes = if status == 204 || status == 304 {
            0
        } else {
            20 + rng.below(4000)
        };
        let ip = format!(
            "10.{}.{}.{}",
            rng.below(256),
            rng.below(256),
            1 + rng.below(254)
        );
        let ua = AGENTS[rng.below(AGENTS.len() as u64) as usize];
        if json {
            let us = if gateway_made {
                String::new()
            } else {
                status.to_string()
            };
            let ut = if gateway_made {
                String::new()
            } else {
                upstream
            };
            writeln!(
                w,
                r#"{{"time":"{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}+00:00","remote_addr":"{ip}","request_id":"{:032x}","method":"{method}","uri":"{path}","status":{status},"body_bytes_sent":{bytes},"request_time":{request_time},"upstream_status":"{us}","upstream_response_time":"{ut}","http_user_agent":"{ua}","http_referer":""}}"#,
                tod / 3600,
                (tod / 60) % 60,
                tod % 60,
                u128::from(rng.next()) << 64 | u128::from(rng.next()),
            )?;
        } else {
            writeln!(
                w,
                r#"{ip} - - [{d:02}/{}/{y:04}:{:02}:{:02}:{:02} +0000] "{method} {path} HTTP/1.1" {status} {bytes} "-" "{ua}" {request_time} {upstream}"#,
                MONTHS[mo - 1],
                tod / 3600,
                (tod / 60) % 60,
                tod % 60,
            )?;
        }
    }
    w.flush()
}
