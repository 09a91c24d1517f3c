# HAProxy for tests/real_haproxy.rs: one backend per route, a dead backend (→ 503), a short
# server timeout (→ 504), a gateway rate limit on /search (deny 429 from a stick table held
# by its own backend, as in the fixtures), and the prometheus exporter on its own frontend.
global
	maxconn 200

defaults
	mode http
	timeout connect 1s
	timeout client 5s
	timeout server 400ms
	retries 0

frontend fe_api
	bind 127.0.0.1:{SITE_PORT}
	http-request track-sc0 src table st_search if { path_beg /search }
	http-request deny deny_status 429 if { path_beg /search } { sc_http_req_rate(0) gt {SEARCH_LIMIT} }
	use_backend be_down if { path_beg /down }
	use_backend be_slow if { path_beg /slow }
	use_backend be_search if { path_beg /search }
	default_backend be_app

frontend fe_metrics
	bind 127.0.0.1:{METRICS_PORT}
	http-request use-service prometheus-exporter if { path /metrics }
	http-request return status 404

backend st_search
	stick-table type ip size 1k expire 60s store http_req_rate(60s)

backend be_app
	server app1 127.0.0.1:{BACKEND_PORT}

backend be_search
	server app1 127.0.0.1:{BACKEND_PORT}

backend be_slow
	server app1 127.0.0.1:{BACKEND_PORT}

backend be_down
	server app1 127.0.0.1:{DEAD_PORT}
