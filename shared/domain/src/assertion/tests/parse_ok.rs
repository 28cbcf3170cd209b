//! Conditions that must parse, each with the typed form it must parse into.

use super::super::Assertion;
use super::super::ast::{Constant, JsonPath, Operand, Placeholder, Segment, Subject, Term};

/// A compact, canonical rendering of the typed form, so a table can say what was understood.
fn typed(assertion: &Assertion) -> String {
    let c = &assertion.condition;
    format!("{} {} {}", operand(&c.left), c.operator.symbol(), operand(&c.right))
}

fn operand(operand: &Operand) -> String {
    match &operand.term {
        Term::Subject(subject) => self::subject(subject),
        Term::Constant(constant) => self::constant(constant),
        Term::Pattern(_) => operand.text.clone(),
        Term::AnyOf(options) => format!("any[{}]", options.iter().map(constant).collect::<Vec<_>>().join(", ")),
    }
}

fn path(path: &JsonPath) -> String {
    path.0
        .iter()
        .map(|segment| match segment {
            Segment::Key(key) => format!(".{key}"),
            Segment::Index(index) => format!("[{index}]"),
        })
        .collect()
}

fn placeholder(placeholder: &Placeholder) -> String {
    match placeholder {
        Placeholder::Status => "STATUS".into(),
        Placeholder::ResponseTime => "RESPONSE_TIME".into(),
        Placeholder::CertificateExpiration => "CERTIFICATE_EXPIRATION".into(),
        Placeholder::Connected => "CONNECTED".into(),
        Placeholder::Ip => "IP".into(),
        Placeholder::Body(p) => format!("BODY{}", path(p)),
        Placeholder::Header(name) => format!("HEADER({name})"),
    }
}

fn subject(subject: &Subject) -> String {
    match subject {
        Subject::Placeholder(p) => placeholder(p),
        Subject::Len(p) => format!("len(BODY{})", path(p)),
        Subject::Has(p) => format!("has({})", placeholder(p)),
    }
}

fn constant(constant: &Constant) -> String {
    match constant {
        Constant::Number(number) => format!("{number:?}"),
        Constant::Bool(b) => b.to_string(),
        Constant::Ip(ip) => format!("ip:{ip}"),
        Constant::Text(text) => format!("{text:?}"),
    }
}

#[test]
fn good_conditions_parse_into_their_typed_form() {
    let cases: &[(&str, &str)] = &[
        // The examples every Gatus user knows.
        ("[STATUS] == 200", "STATUS == Int(200)"),
        ("[STATUS] < 300", "STATUS < Int(300)"),
        ("[STATUS] <= 299", "STATUS <= Int(299)"),
        ("[STATUS] > 400", "STATUS > Int(400)"),
        ("[STATUS] >= 200", "STATUS >= Int(200)"),
        ("[STATUS] != 500", "STATUS != Int(500)"),
        ("[RESPONSE_TIME] < 500", "RESPONSE_TIME < Int(500)"),
        ("[BODY].data.status == UP", "BODY.data.status == \"UP\""),
        ("[BODY] == pat(*healthy*)", "BODY == pat(*healthy*)"),
        ("len([BODY].items) > 0", "len(BODY.items) > Int(0)"),
        ("[CERTIFICATE_EXPIRATION] > 72h", "CERTIFICATE_EXPIRATION > Int(259200000)"),
        ("has([BODY].errors) == false", "has(BODY.errors) == false"),
        ("[STATUS] == any(200, 201)", "STATUS == any[Int(200), Int(201)]"),
        ("[CONNECTED] == true", "CONNECTED == true"),
        ("[IP] == 127.0.0.1", "IP == ip:127.0.0.1"),
        ("[HEADER].Content-Type == pat(*json*)", "HEADER(content-type) == pat(*json*)"),
        // Spacing: Gatus needs one space around the operator; any amount (or none) is fine here.
        ("  [STATUS]   ==   200  ", "STATUS == Int(200)"),
        ("[STATUS]==200", "STATUS == Int(200)"),
        ("[STATUS]\t==\t200", "STATUS == Int(200)"),
        ("[STATUS] ==200", "STATUS == Int(200)"),
        ("len( [BODY].items ) > 0", "len(BODY.items) > Int(0)"),
        ("[BODY].a==1", "BODY.a == \"1\""),
        // Placeholder names are case-insensitive as in Gatus; keys and values keep their case.
        ("[status] == 200", "STATUS == Int(200)"),
        ("[Body].Data.Status == Up", "BODY.Data.Status == \"Up\""),
        ("[certificate_expiration] > 48h", "CERTIFICATE_EXPIRATION > Int(172800000)"),
        ("[header].X-Request-ID == abc", "HEADER(x-request-id) == \"abc\""),
        // JSON paths in every form Gatus's jsonpath reads.
        ("[BODY].user.name == john", "BODY.user.name == \"john\""),
        ("[BODY].data[0].id == 1", "BODY.data[0].id == \"1\""),
        ("[BODY].items[0].id == 1", "BODY.items[0].id == \"1\""),
        ("[BODY][0] == a", "BODY[0] == \"a\""),
        ("[BODY][0].id == 1", "BODY[0].id == \"1\""),
        ("[BODY][3][2] == 7", "BODY[3][2] == \"7\""),
        ("[BODY].data[1][1] == eeeee", "BODY.data[1][1] == \"eeeee\""),
        ("[BODY].data[0].apps[1].name == app2", "BODY.data[0].apps[1].name == \"app2\""),
        ("[BODY].[0] == x", "BODY[0] == \"x\""),
        ("[BODY].some-key_1.@odata:count == x", "BODY.some-key_1.@odata:count == \"x\""),
        ("[BODY].état == prêt", "BODY.état == \"prêt\""),
        ("[BODY].age == [BODY].id", "BODY.age == BODY.id"),
        ("[BODY].user.firstName != [BODY].user.lastName", "BODY.user.firstName != BODY.user.lastName"),
        ("[STATUS] == [BODY].code", "STATUS == BODY.code"),
        ("[HEADER].X-Upstream == [BODY].host", "HEADER(x-upstream) == BODY.host"),
        // Values on the right run to the end, spaces included; quotes for anything else.
        ("[BODY].message == all good", "BODY.message == \"all good\""),
        ("[BODY].message == \"a == b\"", "BODY.message == \"a == b\""),
        ("[BODY] == \"  padded  \"", "BODY == \"  padded  \""),
        ("[BODY].q == \"say \\\"hi\\\"\"", "BODY.q == \"say \\\"hi\\\"\""),
        ("[BODY].path == C:\\dir", "BODY.path == \"C:\\\\dir\""),
        ("[BODY].smiley == :)", "BODY.smiley == \":)\""),
        ("[BODY] == 1", "BODY == \"1\""),
        ("[BODY].data == 0x1", "BODY.data == \"0x1\""),
        ("[BODY].data == null", "BODY.data == \"null\""),
        // Operands in either order.
        ("200 == [STATUS]", "Int(200) == STATUS"),
        ("UP == [BODY].status", "\"UP\" == BODY.status"),
        ("\"all good\" == [BODY].message", "\"all good\" == BODY.message"),
        ("any(200, 429) == [STATUS]", "any[Int(200), Int(429)] == STATUS"),
        ("pat(*<div id=\"user\">john.doe</div>*) == [BODY]", "pat(*<div id=\"user\">john.doe</div>*) == BODY"),
        // Numbers and durations where numbers are compared.
        ("[STATUS] == 0x1F4", "STATUS == Int(500)"),
        ("[STATUS] == \"200\"", "STATUS == Int(200)"),
        ("[RESPONSE_TIME] < 1s", "RESPONSE_TIME < Int(1000)"),
        ("[RESPONSE_TIME] <= 1.5s", "RESPONSE_TIME <= Int(1500)"),
        ("[RESPONSE_TIME] < 250us", "RESPONSE_TIME < Float(0.25)"),
        ("[RESPONSE_TIME] == 100", "RESPONSE_TIME == Int(100)"),
        ("[RESPONSE_TIME] == 2s", "RESPONSE_TIME == Int(2000)"),
        ("[CERTIFICATE_EXPIRATION] > 1h30m", "CERTIFICATE_EXPIRATION > Int(5400000)"),
        ("[CERTIFICATE_EXPIRATION] > 720h", "CERTIFICATE_EXPIRATION > Int(2592000000)"),
        ("[CERTIFICATE_EXPIRATION] > 2419200000", "CERTIFICATE_EXPIRATION > Int(2419200000)"),
        ("[CERTIFICATE_EXPIRATION] > 72", "CERTIFICATE_EXPIRATION > Int(72)"),
        ("[BODY].data > 0", "BODY.data > Int(0)"),
        ("[BODY].balance > 100", "BODY.balance > Int(100)"),
        ("[BODY].ratio < 0.5", "BODY.ratio < Float(0.5)"),
        ("[BODY].count >= -1", "BODY.count >= Int(-1)"),
        ("[BODY].uptime > 1h", "BODY.uptime > Int(3600000)"),
        ("[BODY] < 124", "BODY < Int(124)"),
        ("[HEADER].Content-Length < 1000", "HEADER(content-length) < Int(1000)"),
        ("len([BODY]) == 3", "len(BODY) == Int(3)"),
        ("len([BODY].data.name) == 4", "len(BODY.data.name) == Int(4)"),
        ("len([BODY].items) > [STATUS]", "len(BODY.items) > STATUS"),
        // Booleans, addresses, presence.
        ("[CONNECTED] != false", "CONNECTED != false"),
        ("has([BODY].users) == true", "has(BODY.users) == true"),
        ("has([BODY]) == true", "has(BODY) == true"),
        ("has([HEADER].X-Request-Id) == true", "has(HEADER(x-request-id)) == true"),
        ("[IP] == ::1", "IP == ip:::1"),
        ("[IP] == any(127.0.0.1, ::1)", "IP == any[ip:127.0.0.1, ip:::1]"),
        ("[IP] == pat(192.168.*)", "IP == pat(192.168.*)"),
        ("[BODY].flag == true", "BODY.flag == \"true\""),
        // Patterns and any() with everything Gatus allows in them.
        ("[STATUS] == pat(2*)", "STATUS == pat(2*)"),
        ("[STATUS] == pat(2??)", "STATUS == pat(2??)"),
        ("[BODY] == pat(*(ok)*)", "BODY == pat(*(ok)*)"),
        ("[BODY] == pat(*[0-9]*)", "BODY == pat(*[0-9]*)"),
        ("[BODY] == pat(*\\[ERROR\\]*)", "BODY == pat(*\\[ERROR\\]*)"),
        ("[BODY] == pat(*a \\== b*)", "BODY == pat(*a \\== b*)"),
        ("[BODY] == pat(*<div id=\"user\">john.doe</div>*)", "BODY == pat(*<div id=\"user\">john.doe</div>*)"),
        ("[BODY].name == any(john.doe, jane.doe)", "BODY.name == any[\"john.doe\", \"jane.doe\"]"),
        ("[BODY].name == any(\"john doe\", jane)", "BODY.name == any[\"john doe\", \"jane\"]"),
        ("[BODY].ip == any(127.0.0.1, ::1)", "BODY.ip == any[\"127.0.0.1\", \"::1\"]"),
        ("[BODY].id == any(1,2)", "BODY.id == any[\"1\", \"2\"]"),
        ("[STATUS] != any(500, 502, 503, 504)", "STATUS != any[Int(500), Int(502), Int(503), Int(504)]"),
        ("[RESPONSE_TIME] == any(1s, 2s)", "RESPONSE_TIME == any[Int(1000), Int(2000)]"),
    ];
    for (source, expected) in cases {
        let assertion = Assertion::parse(source).unwrap_or_else(|e| panic!("{source:?} should parse, got {e}"));
        assert_eq!(typed(&assertion), *expected, "typed form of {source:?}");
        assert_eq!(assertion.source(), source.trim(), "source of {source:?}");
    }
}

#[test]
fn reads_body_exactly_when_the_body_is_mentioned() {
    let cases: &[(&str, bool)] = &[
        ("[STATUS] == 200", false),
        ("[RESPONSE_TIME] < 1s", false),
        ("[CERTIFICATE_EXPIRATION] > 72h", false),
        ("[CONNECTED] == true", false),
        ("[IP] == 127.0.0.1", false),
        ("[HEADER].Content-Type == pat(*json*)", false),
        ("has([HEADER].X-Request-Id) == true", false),
        ("[STATUS] == any(200, 201)", false),
        ("[BODY] == ok", true),
        ("[body] == ok", true),
        ("[BODY].data.status == UP", true),
        ("[BODY][0] == a", true),
        ("[BODY] == pat(*healthy*)", true),
        ("pat(*healthy*) == [BODY]", true),
        ("len([BODY].items) > 0", true),
        ("len([BODY]) > 0", true),
        ("has([BODY].errors) == false", true),
        ("has([BODY]) == true", true),
        ("[STATUS] == [BODY].code", true),
        ("any(1, 2) == [BODY].id", true),
        ("[HEADER].X-Host == [BODY].host", true),
    ];
    for (source, reads) in cases {
        let assertion = Assertion::parse(source).unwrap_or_else(|e| panic!("{source:?} should parse, got {e}"));
        assert_eq!(assertion.reads_body(), *reads, "reads_body of {source:?}");
    }
}
