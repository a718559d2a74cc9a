//! The names module's rules, one test each, and the pairs issue #12 names.

use super::*;

fn party(names: &str, country: &str) -> Party {
    let list: Vec<&str> = names.split(" | ").collect();
    Party::new(&list, &[], country)
}

fn cmp(a: &str, b: &str) -> Comparison {
    compare(&party(a, ""), &party(b, ""))
}

fn assert_same(a: &str, b: &str) {
    let c = cmp(a, b);
    assert!(c.same, "{a} / {b} should be the same: {c:?}");
}

fn assert_apart(a: &str, b: &str) {
    let c = cmp(a, b);
    assert!(
        c.score < REVIEW_THRESHOLD,
        "{a} / {b} should stay apart: {c:?}"
    );
}

fn has_reason(c: &Comparison, part: &str) -> bool {
    c.reasons.iter().any(|r| r.contains(part))
}

/// The sample's entities as in sample_data/entities.csv (name, aliases).
fn sample(key: &str) -> Party {
    let csv = include_str!("../../sample_data/entities.csv");
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    for rec in rdr.records() {
        let rec = rec.expect("the sample parses");
        if &rec[0] == key {
            let mut names = vec![rec[1].to_owned()];
            names.extend(
                rec[5]
                    .split('|')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
            );
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            return Party::new(&names, &[], &rec[3]);
        }
    }
    panic!("no {key} in the sample");
}

#[test]
fn display_names_drop_the_legal_form() {
    for (name, display) in [
        ("Poly Technologies, Inc.", "Poly Technologies"),
        (
            "Joint Stock Company Ulan-Ude Aviation Plant",
            "Ulan-Ude Aviation Plant",
        ),
        ("JSC UEC Klimov", "UEC Klimov"),
        ("PJSC UEC-UMPO", "UEC-UMPO"),
        ("Russian Helicopters JSC", "Russian Helicopters"),
        (
            "АО «Улан-Удэнский авиационный завод»",
            "Улан-Удэнский авиационный завод",
        ),
        (
            "Акционерное общество «Вертолёты России»",
            "Вертолёты России",
        ),
        ("State Corporation Rostec", "Rostec"),
        ("Госкорпорация «Ростех»", "Ростех"),
        // Quotes inside the name are closed; those around it stay off.
        ("АО «Концерн «Брендрис»»", "Концерн «Брендрис»"),
        ("ТОО \"Компания \"Альфа\"\"", "Компания \"Альфа\""),
        ("LLC “Alpha “Beta” Trading”", "Alpha “Beta” Trading"),
        ("АО «Концерн „Брендрис“»", "Концерн „Брендрис“"),
        ("JSC United Engine Corporation", "United Engine Corporation"),
        (
            "Aviation Industry Corporation of China, Ltd.",
            "Aviation Industry Corporation of China",
        ),
        ("Uldris Helicopter Co., Ltd.", "Uldris Helicopter"),
        (
            "Lorgar Components (Hong Kong) Co., Limited",
            "Lorgar Components (Hong Kong)",
        ),
        ("Beta Trading (Shenzhen) Ltd", "Beta Trading (Shenzhen)"),
        (
            "Poly Technologies Incorporated (PTI)",
            "Poly Technologies (PTI)",
        ),
        ("中国保利集团有限公司", "中国保利集团"),
        ("ROSOBORONEKSPORT OAO", "ROSOBORONEKSPORT"),
        (
            "UEC-Salyut (Salyut Gas Turbine Research and Production Center)",
            "UEC-Salyut (Salyut Gas Turbine Research and Production Center)",
        ),
        ("Rostvertol", "Rostvertol"),
        ("ООО", "ООО"),
        ("  ", ""),
    ] {
        assert_eq!(display_name(name), display, "{name}");
    }
}

#[test]
fn match_keys_are_latin_without_forms() {
    assert_eq!(
        match_key("АО \"УЛАН-УДЭНСКИЙ АВИАЦИОННЫЙ ЗАВОД\""),
        "ulan udenskiy aviatsionnyy zavod"
    );
    assert_eq!(
        match_key("АО \"УЛАН-УДЭНСКИЙ АВИАЦИОННЫЙ ЗАВОД\""),
        match_key("Акционерное общество «Улан-Удэнский авиационный завод»")
    );
    assert_eq!(match_key("Poly Technologies, Inc."), "poly technologies");
    assert_eq!(match_key("POLY TECHNOLOGIES INC"), "poly technologies");
    assert_eq!(
        match_key("AVIC INTERNATIONAL HOLDING CORP."),
        match_key("AVIC International Holding Corporation")
    );
    assert_eq!(match_key("Вертолёты России"), match_key("Вертолеты России"));
    assert_eq!(
        match_key("China National Aero-Technology Import & Export Corporation"),
        "china national aero technology import export"
    );
    assert_eq!(
        match_key("中国保利集团有限公司"),
        match_key("中国保利集团公司")
    );
    assert_eq!(
        match_key("Istrion Radio Factory No. 101"),
        "istrion radio factory 101"
    );
    assert_eq!(match_key("Plant № 432"), "plant 432");
}

#[test]
fn empty_and_form_only_names_have_empty_keys() {
    for name in [
        "",
        "   ",
        "ООО",
        "\"«»\"",
        "---",
        "Joint Stock Company",
        "Ltd.",
        "有限公司",
        "...!!!",
    ] {
        assert_eq!(match_key(name), "", "{name:?}");
        let c = cmp(name, "Poly Technologies");
        assert_eq!(c.score, 0.0, "{name:?}");
        assert!(!c.same);
        assert!(has_reason(&c, "nothing to compare"), "{c:?}");
    }
    assert!(has_reason(&cmp("ООО", "ООО"), "a legal form"));
}

#[test]
fn huge_names_are_cut_not_refused() {
    let long = "Poly Technologies ".repeat(6000); // ~100 KB
    let a = analyse(&long);
    assert!(a.tokens.len() <= MAX_TOKENS);
    let c = cmp(&long, "Poly Technologies");
    assert!(!c.same);
    let weird = "\u{301}".repeat(50_000) + &"ё".repeat(50_000);
    let _ = cmp(&weird, &weird);
    assert!(!match_key(&weird).is_empty());
}

#[test]
fn normalisation_folds_case_quotes_dashes_and_yo() {
    assert_same("Вертолёты России", "ВЕРТОЛЕТЫ РОССИИ");
    assert_same("«ОДК-Климов»", "\"ОДК–Климов\"");
    assert_same("Poly Technologies, Inc.", "POLY  TECHNOLOGIES INC");
    assert_same("ＰＯＬＹ ＴＥＣＨＮＯＬＯＧＩＥＳ", "Poly Technologies");
    let c = cmp("Вертолёты России", "ВЕРТОЛЕТЫ РОССИИ");
    assert!(has_reason(&c, "same name"), "{c:?}");
}

#[test]
fn numbers_must_agree() {
    let c = cmp("Plant № 432", "Plant № 460");
    assert!(c.score <= 0.2, "{c:?}");
    assert!(has_reason(&c, "numbers differ (432 / 460)"), "{c:?}");
    assert_same("Plant № 432", "Plant No. 432");
    assert_apart(
        "Istrion Radio Factory No. 101",
        "Istrion Radio Factory No. 164",
    );
    let one_side = cmp("Istrion Radio Factory No. 101", "Istrion Radio Factory");
    assert!(
        !one_side.same && has_reason(&one_side, "number 101 only"),
        "{one_side:?}"
    );
}

#[test]
fn legal_forms_are_forms_not_evidence() {
    let c = cmp(
        "АО «Улан-Удэнский авиационный завод»",
        "Акционерное общество «Улан-Удэнский авиационный завод»",
    );
    assert!(c.same && c.score == 1.0, "{c:?}");
    assert!(
        has_reason(&c, "legal forms differ only (АО / Акционерное общество)"),
        "{c:?}"
    );
    assert_same("Poly Technologies Inc", "Poly Technologies Incorporated");
    assert_same("JSC UEC Klimov", "UEC-Klimov");
    // Forms anywhere in the name.
    assert_eq!(
        match_key("Ulan-Ude Aviation Plant JSC"),
        match_key("JSC Ulan-Ude Aviation Plant")
    );
    // A form is never a name: two form-only names are not the same.
    assert!(!cmp("ООО", "ООО").same);
    assert!(!cmp("Joint Stock Company", "JSC").same);
    // Russian forms of different families weigh a little against.
    let c = cmp("ООО «Ромашка»", "АО «Ромашка»");
    assert!(
        c.score < 1.0 && has_reason(&c, "legal forms of different kinds"),
        "{c:?}"
    );
    // The forms the issue lists are all recognised.
    for form in [
        "АО",
        "ОАО",
        "ЗАО",
        "ПАО",
        "ООО",
        "ФГУП",
        "Акционерное общество",
        "Публичное акционерное общество",
        "JSC",
        "PJSC",
        "OJSC",
        "AO",
        "OAO",
        "Inc.",
        "Incorporated",
        "Corp.",
        "Corporation",
        "Co.",
        "Ltd.",
        "Limited",
        "LLC",
        "PLC",
        "GmbH",
        "有限公司",
        "股份有限公司",
        "有限责任公司",
    ] {
        assert_eq!(match_key(form), "", "{form}");
        assert!(!analyse(form).legal_forms.is_empty(), "{form}");
    }
    assert_eq!(
        analyse("Joint Stock Company X").legal_forms,
        analyse("АО X").legal_forms
    );
    assert_eq!(
        analyse("X Inc").legal_forms,
        analyse("X Incorporated").legal_forms
    );
}

#[test]
fn cyrillic_meets_its_transliterations() {
    for latin in [
        "Ulan-Udenskiy",
        "Ulan-Udenskii",
        "Ulan-Udensky",
        "ULAN-UDENSKIJ",
    ] {
        let c = cmp(
            "Улан-Удэнский авиационный завод",
            &format!("{latin} Aviatsionnyy Zavod"),
        );
        assert!(c.same, "{latin}: {c:?}");
    }
    let c = cmp(
        "Ulan-Udenskiy Aviatsionnyy Zavod",
        "Ulan-Udensky Aviatsionny Zavod",
    );
    assert!(c.same && has_reason(&c, "transliteration"), "{c:?}");
    assert_same(
        "Акционерное общество «Объединённая двигателестроительная корпорация»",
        "AKTSIONERNOE OBSHCHESTVO OBEDINENNAYA DVIGATELESTROITELNAYA KORPORATSIYA",
    );
    assert_same("Вертолёты России", "VERTOLETY ROSSII AO");
    assert_same("Рособоронэкспорт", "ROSOBORONEKSPORT OAO");
    assert_same("Rosoboronexport", "ROSOBORONEKSPORT OAO");
    let c = cmp("Рособоронэкспорт", "ROSOBORONEKSPORT OAO");
    assert!(has_reason(&c, "transliteration"), "{c:?}");
}

#[test]
fn typos_only_in_long_words() {
    let c = cmp("Kazan Helicopter Plant", "Kazan Helicoptre Plant");
    assert!(c.same && has_reason(&c, "one letter differs"), "{c:?}");
    // Short words: no tolerance.
    assert_apart("UEC Saturn", "UEC Satern");
    assert_apart("Poly Group", "Pola Group");
    assert!(!cmp("AVIC", "AVIS").same);
    // Numbers: none.
    assert_apart("Factory 123", "Factory 124");
}

#[test]
fn parents_and_subsidiaries_stay_apart() {
    assert_apart("UEC", "UEC-Klimov");
    assert_apart("United Engine Corporation", "UEC-Saturn");
    assert_apart("UEC-Saturn", "UEC-UMPO");
    assert_apart("UEC-Klimov", "UEC-Saturn");
    assert_apart("AVIC", "AVIC International");
    assert_apart(
        "Aviation Industry Corporation of China",
        "AVIC International Holding Corporation",
    );
    assert_apart("China Poly Group", "Poly Technologies");
    assert_apart(
        "China Poly Group Corporation Ltd.",
        "Poly Technologies, Inc.",
    );
    assert_apart("Ulan-Ude Aviation Plant", "Ulan-Ude Locomotive Plant");
    assert_apart("Kazan Helicopter Plant", "Kazan Aviation Plant");
    assert_apart("State Corporation Rostec", "Rostec subsidiary");
    assert_apart("Russian Helicopters JSC", "Kazan Helicopter Plant");
    assert_apart("АО «ОДК»", "АО «ОДК-Климов»");
    let c = cmp("UEC", "UEC-Klimov");
    assert!(has_reason(&c, "klimov"), "{c:?}");
    // With the sample's aliases too.
    for (a, b) in [
        ("united-engine-corporation", "uec-klimov"),
        ("united-engine-corporation", "uec-saturn"),
        ("united-engine-corporation", "uec-umpo"),
        ("united-engine-corporation", "uec-salyut"),
        ("avic", "avic-international"),
        ("china-poly-group", "poly-technologies"),
        ("rostec", "russian-helicopters"),
        ("russian-helicopters", "ulan-ude-aviation-plant"),
        ("kazan-helicopter-plant", "ulan-ude-aviation-plant"),
        ("rostec", "rosoboronexport"),
    ] {
        let c = compare(&sample(a), &sample(b));
        assert!(c.score < REVIEW_THRESHOLD, "{a} / {b}: {c:?}");
    }
}

#[test]
fn the_issues_spellings_resolve_to_the_sample() {
    let uuap = sample("ulan-ude-aviation-plant");
    for spelling in [
        "АО \"УЛАН-УДЭНСКИЙ АВИАЦИОННЫЙ ЗАВОД\"",
        "Ulan-Ude Aviation Plant",
    ] {
        let c = compare(&Party::new(&[spelling], &[], "RU"), &uuap);
        assert!(c.same, "{spelling}: {c:?}");
        for other in [
            "russian-helicopters",
            "kazan-helicopter-plant",
            "united-engine-corporation",
            "rostec",
        ] {
            let c = compare(&Party::new(&[spelling], &[], "RU"), &sample(other));
            assert!(c.score < REVIEW_THRESHOLD, "{spelling} / {other}: {c:?}");
        }
    }
    let c = compare(
        &Party::new(&["AVIC INTERNATIONAL HOLDING CORP."], &[], "CN"),
        &sample("avic-international"),
    );
    assert!(c.same, "{c:?}");
    let c = compare(
        &Party::new(&["AVIC INTERNATIONAL HOLDING CORP."], &[], "CN"),
        &sample("avic"),
    );
    assert!(c.score < REVIEW_THRESHOLD, "{c:?}");
    // Aliases bridge scripts: the best pair of names decides.
    let c = compare(
        &Party::new(&["保利科技有限公司"], &[], "CN"),
        &sample("poly-technologies"),
    );
    assert!(c.same, "{c:?}");
    assert!(has_reason(&c, "best pair of names"), "{c:?}");
}

#[test]
fn han_is_compared_only_with_han() {
    let c = cmp("保利科技有限公司", "Poly Technologies");
    assert_eq!(c.score, 0.0, "{c:?}");
    assert!(has_reason(&c, "Han is not transliterated"), "{c:?}");
    assert_same("中国保利集团有限公司", "中国保利集团公司");
    assert_apart("中国保利集团有限公司", "保利科技有限公司");
    assert_apart("中国航空工业集团有限公司", "中国航空技术国际控股有限公司");
    // "中国" before the name is a country: optional, but not free.
    let c = cmp("保利集团", "中国保利集团");
    assert!(c.score >= REVIEW_THRESHOLD && !c.same, "{c:?}");
}

#[test]
fn identifiers_decide() {
    let inn = parse_identifier(Scheme::Inn, "0323018510").unwrap();
    let other = parse_identifier(Scheme::Inn, "7704274402").unwrap();
    let a = Party::new(&["U-UAP"], std::slice::from_ref(&inn), "RU");
    let b = Party::new(
        &["Joint Stock Company Ulan-Ude Aviation Plant"],
        std::slice::from_ref(&inn),
        "RU",
    );
    let c = compare(&a, &b);
    assert!(c.same && c.score == 1.0, "{c:?}");
    assert_eq!(c.reasons[0], "same identifier INN 0323018510");
    let d = Party::new(
        &["Joint Stock Company Ulan-Ude Aviation Plant"],
        &[other],
        "RU",
    );
    let c = compare(&b, &d);
    assert!(c.score <= 0.1 && !c.same, "{c:?}");
    assert!(
        has_reason(&c, "different INN (0323018510 / 7704274402)"),
        "{c:?}"
    );
    // A Russian tax number that is a valid INN is an INN.
    let tax = parse_identifier(Scheme::Tax, "0323018510").unwrap();
    let e = Party::new(&["Something else"], &[tax], "RU");
    assert!(compare(&b, &e).same);
    // National numbers count only within one country.
    let reg = parse_identifier(Scheme::Registration, "12345").unwrap();
    let x = Party::new(&["Alpha Trading"], std::slice::from_ref(&reg), "AE");
    let y = Party::new(&["Beta Shipping"], std::slice::from_ref(&reg), "HK");
    assert!(!compare(&x, &y).same);
}

#[test]
fn different_countries_forbid_an_automatic_match() {
    let c = compare(
        &party("Poly Technologies", "CN"),
        &party("Poly Technologies", "HK"),
    );
    assert!(!c.same && c.score >= REVIEW_THRESHOLD, "{c:?}");
    assert!(has_reason(&c, "countries differ (CN / HK)"), "{c:?}");
    assert!(
        compare(
            &party("Poly Technologies", "CN"),
            &party("Poly Technologies", "")
        )
        .same
    );
}

#[test]
fn acronyms_and_spacing() {
    let c = cmp("JSC UUAP", "Joint Stock Company Ulan-Ude Aviation Plant");
    assert!(c.score >= REVIEW_THRESHOLD && !c.same, "{c:?}");
    assert!(has_reason(&c, "initials"), "{c:?}");
    assert_same("U-UAP", "UUAP");
    assert_same("Rostvertol", "Rost Vertol");
    let c = cmp("ОДК", "Объединённая двигателестроительная корпорация");
    assert!(c.score >= REVIEW_THRESHOLD && !c.same, "{c:?}");
    assert_same("AVIC INTL", "AVIC International");
    // The bracketed acronym is an alias.
    let p = party("Poly Technologies Incorporated (PTI)", "");
    assert!(p.names().any(|n| n == "PTI"));
    assert!(compare(&p, &party("Poly Technologies", "")).same);
}

#[test]
fn every_score_has_reasons() {
    for (a, b) in [
        ("UEC", "UEC-Klimov"),
        ("Poly Technologies", "Poly Technologies"),
        ("Kazan Helicopter Plant", "Kazan Helicoptre Plant"),
        ("A", "B"),
    ] {
        let c = cmp(a, b);
        assert!(!c.reasons.is_empty(), "{a} / {b}");
        assert!((0.0..=1.0).contains(&c.score));
        assert_eq!(score(&party(a, ""), &party(b, "")), c.score);
    }
}

#[test]
fn block_keys_are_shared_by_candidates() {
    let keys = |n: &str| block_keys(&analyse(n));
    let share = |a: &str, b: &str| keys(a).iter().any(|k| keys(b).contains(k));
    assert!(share(
        "Ulan-Udenskiy Aviatsionnyy Zavod",
        "Улан-Удэнский авиационный завод"
    ));
    assert!(share("U-UAP", "UUAP"));
    assert!(share("JSC UUAP", "Ulan-Ude Aviation Plant"));
    assert!(share("Rostvertol", "Rost Vertol"));
    assert!(!keys("Ulan-Ude Aviation Plant").contains(&"plant".to_owned()));
    assert!(keys("Radio Factory No. 101").contains(&"101".to_owned()));
    assert!(keys("ООО").is_empty());
    assert!(share("中国保利集团有限公司", "中国保利集团公司"));
}

#[test]
fn no_display_name_of_the_sample_opens_a_quote_or_bracket_it_does_not_close() {
    let (_, _, entities) = crate::sample::SAMPLE_FILES[0];
    let mut reader = csv::Reader::from_reader(entities);
    let names = reader.headers().unwrap().iter().position(|h| h == "name");
    let names = names.expect("a name column");
    let mut checked = 0;
    for record in reader.records() {
        let name = record.unwrap()[names].to_owned();
        let shown = display_name(&name);
        for (open, close) in [('«', '»'), ('(', ')'), ('“', '”'), ('（', '）')] {
            let count = |c: char| shown.chars().filter(|&x| x == c).count();
            assert_eq!(count(open), count(close), "{name:?} → {shown:?}");
        }
        assert_eq!(shown.matches('"').count() % 2, 0, "{name:?} → {shown:?}");
        checked += 1;
    }
    assert!(checked > 300, "{checked} names");
}
