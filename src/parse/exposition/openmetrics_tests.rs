use crate::parse::exposition::{parse, ParseOptions};

fn reason(body: &str) -> Option<String> {
    let opts = ParseOptions {
        openmetrics: Some(true),
        ..ParseOptions::default()
    };
    let report = parse(body.as_bytes(), &opts, &|_| true, &mut |_, _| {}).expect("small");
    assert_eq!(report.bad_line_count, 0, "{body}: {:?}", report.bad_lines);
    report.nonconforming_reason
}

#[test]
fn violations_and_where_they_are_reported() {
    let h = "# TYPE h histogram\n";
    let cases: &[(String, Option<&str>)] = &[
        (format!("{h}h_bucket{{le=\"1\"}} 1\nh_bucket{{le=\"+Inf\"}} 2\nh_count 2\nh_sum 3\n# EOF\n"), None),
        (format!("{h}h_bucket{{le=\"1\"}} 1\nh_count 1\nh_sum 1\n# EOF\n"), Some("line 2: histogram h has no le=\"+Inf\" bucket")),
        (format!("{h}h_bucket{{le=\"+Inf\"}} 2\nh_count 3\nh_sum 1\n# EOF\n"), Some("line 2: histogram h_count differs")),
        (format!("{h}h_bucket{{le=\"2\"}} 1\nh_bucket{{le=\"1\"}} 1\nh_bucket{{le=\"+Inf\"}} 1\n# EOF\n"), Some("line 3: histogram buckets are not in increasing le order")),
        (format!("{h}h_bucket{{le=\"1\"}} 2\nh_bucket{{le=\"+Inf\"}} 1\n# EOF\n"), Some("line 3: histogram bucket counts decrease")),
        (format!("{h}h_bucket{{a=\"1\",le=\"+Inf\"}} 1\nh_bucket{{a=\"2\",le=\"+Inf\"}} 1\nh_bucket{{a=\"1\",le=\"+Inf\"}} 1\n# EOF\n"), Some("line 4: samples of one h metric are not grouped")),
        ("# TYPE c counter\nc_total -1\n# EOF\n".into(), Some("line 2: counter value is NaN or negative")),
        ("# TYPE c counter\nc_total 1\nc_created 5\n# EOF\n".into(), None),
        ("# TYPE g gauge\ng 1 # {a=\"b\"} 1\n# EOF\n".into(), Some("line 2: exemplar on g")),
        ("# TYPE s stateset\ns{s=\"a\"} 2\n# EOF\n".into(), Some("line 2: stateset value must be 0 or 1")),
        ("# TYPE i info\ni_info{v=\"1\"} 1\n# EOF\n".into(), None),
        ("g 1 2\ng 1 1\n# EOF\n".into(), Some("line 2: timestamps go backwards")),
        ("g 1 1\ng 2 1\n# EOF\n".into(), None),
        // The earliest violation wins, even when it is found later (at the metric's end).
        (format!("{h}h_bucket{{le=\"1\"}} 1\nh_count -1\nh_sum 1\n# EOF\n"), Some("line 2: histogram h has no le=\"+Inf\" bucket")),
    ];
    for (body, want) in cases {
        let got = reason(body);
        match want {
            None => assert_eq!(got, None, "{body}"),
            Some(w) => assert!(
                got.as_deref().is_some_and(|g| g.starts_with(w)),
                "{body}: {got:?}"
            ),
        }
    }
}
