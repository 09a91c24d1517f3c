# Caddy for tests/real_caddy.rs: one site in front of the in-test backend, with a dead
# upstream (dial refused → 502) and a short header timeout (→ 504). Placeholders in braces
# are filled by the test.
{
	admin 127.0.0.1:{ADMIN_PORT}
	auto_https off
	persist_config off
	servers {
		metrics
	}
}

http://127.0.0.1:{SITE_PORT} {
	handle /down {
		reverse_proxy 127.0.0.1:{DEAD_PORT}
	}
	handle /slow {
		reverse_proxy 127.0.0.1:{BACKEND_PORT} {
			transport http {
				response_header_timeout 300ms
			}
		}
	}
	handle {
		reverse_proxy 127.0.0.1:{BACKEND_PORT}
	}
}
