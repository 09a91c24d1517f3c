# The same aggregation as gatewatch's log ingest, in awk: requests per method, route template
# (query string removed, numeric / UUID / long hex segments collapsed to {id}) and status.
# Input: nginx combined lines. Output: "count method route status", one line per key.
{
    method = substr($6, 2)
    path = $7
    sub(/\?.*/, "", path)
    n = split(path, seg, "/")
    route = ""
    for (i = 2; i <= n; i++) {
        s = seg[i]
        if (s ~ /^[0-9]+$/ || s ~ /^[0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-][0-9a-f-]+$/)
            s = "{id}"
        route = route "/" s
    }
    if (route == "") route = "/"
    count[method " " route " " $9]++
}
END {
    for (k in count) print count[k], k
}
