//! `lading render` and `lading export` as a script would run them, on the sample database.

mod common;
use common::{fails, ok};

const STORY: &[&str] = &[
    "--part",
    "Mi-171E,Mi-171Sh",
    "--from",
    "2022-06-02",
    "--to",
    "2022-11-16",
    "--sanctioned",
];

#[test]
fn render_writes_png_and_svg_byte_identical_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args = vec!["render", "--width", "500", "--out", "a.png"];
    args.extend_from_slice(STORY);
    ok(d, &args);
    args[4] = "b.png";
    ok(d, &args);
    let (a, b) = (
        std::fs::read(d.join("a.png")).unwrap(),
        std::fs::read(d.join("b.png")).unwrap(),
    );
    assert_eq!(a, b, "same input, same bytes");
    let (w, _, _) = lading::export::png::decode(&a).unwrap();
    assert_eq!(w, 500);

    let mut svg = vec![
        "render",
        "--width",
        "500",
        "--scale",
        "2",
        "--title",
        "Helicopter parts, 2022",
        "--caption",
        "Custom caption & more",
        "--out",
        "c.svg",
    ];
    svg.extend_from_slice(STORY);
    ok(d, &svg);
    let text = std::fs::read_to_string(d.join("c.svg")).unwrap();
    assert!(text.contains("width=\"1000\""));
    assert!(text.contains(">Helicopter parts, 2022</text>"));
    assert!(text.contains(">Custom caption &amp; more</text>"));
}

#[test]
fn render_refuses_bad_sizes_paths_and_types_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let e = fails(d, &["render", "--width", "0", "--out", "a.png"]);
    assert!(e.contains("1 to 8000 px"), "{e}");
    let e = fails(d, &["render", "--width", "100000", "--out", "a.png"]);
    assert!(e.contains("100000") && e.contains("8000"), "{e}");
    let e = fails(
        d,
        &[
            "render", "--width", "3000", "--scale", "4", "--out", "a.png",
        ],
    );
    assert!(e.contains("12000"), "{e}");
    let e = fails(d, &["render", "--out", "missing/a.png"]);
    assert!(e.contains("does not exist") && e.contains("missing"), "{e}");
    let e = fails(d, &["render", "--out", "a.jpg"]);
    assert!(e.contains(".png or .svg"), "{e}");
    let e = fails(d, &["export", "--out", "a.txt"]);
    assert!(e.contains("--format"), "{e}");
    let e = fails(d, &["render", "--part", "Mi-999", "--out", "a.png"]);
    assert!(e.contains("no such part type"), "{e}");
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "data")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_empty_filter_renders_a_picture_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(
        d,
        &[
            "render",
            "--from",
            "2030-01-01",
            "--width",
            "400",
            "--out",
            "e.svg",
        ],
    );
    assert!(out.contains("selects nothing"), "{out}");
    let svg = std::fs::read_to_string(d.join("e.svg")).unwrap();
    assert!(svg.contains(">No data in this filter</text>"));
}

#[test]
fn export_writes_gexf_graphml_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(
        d,
        &[
            "export", "--format", "gexf", "--part", "Mi-171Sh", "--out", "n.gexf",
        ],
    );
    assert!(out.contains("entities"), "{out}");
    let gexf = std::fs::read_to_string(d.join("n.gexf")).unwrap();
    assert!(gexf.contains("<gexf xmlns=\"http://gexf.net/1.3\""));
    assert!(gexf.contains("<node id=\"poly-technologies\" label=\"Poly Technologies, Inc.\">"));
    ok(d, &["export", "--part", "Mi-171Sh", "--out", "n.graphml"]);
    let graphml = std::fs::read_to_string(d.join("n.graphml")).unwrap();
    assert!(graphml.contains("<node id=\"poly-technologies\">"));
    let out = ok(
        d,
        &[
            "export", "--format", "csv", "--part", "Mi-171Sh", "--out", "s.csv",
        ],
    );
    let csv = std::fs::read_to_string(d.join("s.csv")).unwrap();
    let rows = csv.lines().count() - 1;
    assert!(out.contains(&format!("({rows} shipments)")), "{out}");
    let stats: serde_json::Value =
        serde_json::from_str(&ok(d, &["stats", "--json", "--part", "Mi-171Sh"])).unwrap();
    assert_eq!(stats["shipments"], rows as u64);
}
