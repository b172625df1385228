//! What a citizen submits, validated: kinds, statuses, the form's fields with their limits, and
//! the Vietnamese message for every field that is wrong. Pure code, no IO.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

/// Longest subject, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
/// Longest question or feedback text, in characters.
pub const MAX_BODY_CHARS: usize = 4000;
/// Shortest text worth routing, in characters.
pub const MIN_BODY_CHARS: usize = 10;
/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest contact (email or phone), in characters.
pub const MAX_CONTACT_CHARS: usize = 254;
/// Longest procedure code (ma_thu_tuc such as `1.000110`), in characters.
pub const MAX_PROCEDURE_CHARS: usize = 20;

/// What kind of submission it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A question on the law.
    Question,
    /// Feedback on a procedure or a regulation.
    Feedback,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Question, Kind::Feedback, Kind::Other];

    pub fn slug(self) -> &'static str {
        match self {
            Kind::Question => "hoi-phap-luat",
            Kind::Feedback => "gop-y",
            Kind::Other => "khac",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.slug() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Kind::Question => "Hỏi về pháp luật",
            Kind::Feedback => "Góp ý về thủ tục hành chính hoặc quy định",
            Kind::Other => "Khác",
        }
    }
}

/// Where a submission stands. Only moves forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Received,
    Assigned,
    Answered,
    Published,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Received,
        Status::Assigned,
        Status::Answered,
        Status::Published,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Assigned => "assigned",
            Status::Answered => "answered",
            Status::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.slug() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Received => "Đã tiếp nhận",
            Status::Assigned => "Đã chuyển đơn vị xử lý",
            Status::Answered => "Đã có câu trả lời",
            Status::Published => "Đã công khai câu trả lời",
        }
    }
}

/// How the person can be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactKind {
    Email,
    Phone,
}

impl ContactKind {
    pub fn slug(self) -> &'static str {
        match self {
            ContactKind::Email => "email",
            ContactKind::Phone => "phone",
        }
    }

    pub fn parse(s: &str) -> Option<ContactKind> {
        match s {
            "email" => Some(ContactKind::Email),
            "phone" => Some(ContactKind::Phone),
            _ => None,
        }
    }
}

/// The form as typed, every field a string (what the page shows back on error).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubmissionForm {
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub name: String,
    pub contact: String,
    pub consent_publish: bool,
    /// The procedure's code (ma_thu_tuc), empty when the submission is about none.
    pub procedure: String,
}

/// A validated submission.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSubmission {
    pub kind: Kind,
    pub subject: String,
    pub body: String,
    pub name: String,
    pub contact: String,
    pub contact_kind: ContactKind,
    pub consent_publish: bool,
    /// The procedure's code (ma_thu_tuc): digits in dot-separated groups.
    pub procedure: Option<String>,
}

/// The form's field names, as the page and the errors name them.
pub mod field {
    pub const KIND: &str = "loai";
    pub const SUBJECT: &str = "chu-de";
    pub const BODY: &str = "noi-dung";
    pub const NAME: &str = "ho-ten";
    pub const CONTACT: &str = "lien-he";
    pub const CONSENT: &str = "dong-y";
    pub const PROCEDURE: &str = "thu-tuc";
}

/// Field name → Vietnamese message, in a stable order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(pub BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }
}

impl SubmissionForm {
    /// Checks every field; all the errors at once, so the page can show each beside its field.
    pub fn validate(&self) -> Result<NewSubmission, FieldErrors> {
        let mut errors = FieldErrors::default();
        let kind = Kind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add(field::KIND, "Vui lòng chọn loại câu hỏi hoặc góp ý.");
        }
        let subject = clean_line(&self.subject);
        let body = clean_text(&self.body);
        let name = clean_line(&self.name);
        let contact = clean_line(&self.contact);

        check_text(&mut errors, field::SUBJECT, &subject, MAX_SUBJECT_CHARS);
        if subject.is_empty() {
            errors.add(field::SUBJECT, "Vui lòng nhập chủ đề.");
        }
        check_text(&mut errors, field::BODY, &body, MAX_BODY_CHARS);
        if body.chars().count() < MIN_BODY_CHARS {
            errors.add(
                field::BODY,
                format!("Nội dung quá ngắn: vui lòng viết ít nhất {MIN_BODY_CHARS} ký tự."),
            );
        }
        check_text(&mut errors, field::NAME, &name, MAX_NAME_CHARS);
        if name.is_empty() {
            errors.add(field::NAME, "Vui lòng nhập họ và tên.");
        }
        check_text(&mut errors, field::CONTACT, &contact, MAX_CONTACT_CHARS);
        let contact_kind = parse_contact(&contact);
        if contact_kind.is_none() {
            errors.add(
                field::CONTACT,
                "Vui lòng nhập một địa chỉ email (ví dụ ten@example.vn) hoặc số điện thoại (ví dụ 0912 345 678).",
            );
        }
        let procedure = clean_line(&self.procedure);
        let procedure_ok = procedure.chars().count() <= MAX_PROCEDURE_CHARS
            && procedure.split('.').count() >= 2
            && procedure
                .split('.')
                .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
        if !procedure.is_empty() && !procedure_ok {
            errors.add(
                field::PROCEDURE,
                "Mã thủ tục gồm các nhóm chữ số cách nhau bằng dấu chấm (ví dụ 1.000110); để trống nếu không hỏi về một thủ tục.",
            );
        }
        match (kind, contact_kind, errors.is_empty()) {
            (Some(kind), Some((contact_kind, contact)), true) => Ok(NewSubmission {
                kind,
                subject,
                body,
                name,
                contact,
                contact_kind,
                consent_publish: self.consent_publish,
                procedure: (!procedure.is_empty()).then_some(procedure),
            }),
            _ => Err(errors),
        }
    }
}

fn check_text(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize) {
    if value.contains('\u{FFFD}') {
        errors.add(
            field,
            "Nội dung có ký tự không đọc được (không phải mã UTF-8). Vui lòng gõ lại.",
        );
    }
    let n = value.chars().count();
    if n > max {
        errors.add(
            field,
            format!("Quá dài: tối đa {max} ký tự, bạn đã nhập {n} ký tự."),
        );
    }
}

/// NFC, control characters out, whitespace runs collapsed to one space.
fn clean_line(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// NFC, control characters out except line breaks, lines trimmed, at most one empty line in a
/// row.
fn clean_text(s: &str) -> String {
    let nfc: String = s.replace("\r\n", "\n").nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut blank = 0;
    for line in nfc.split('\n') {
        let line = clean_line(line);
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

/// An email (one `@`, a dotted domain, no spaces) or a Vietnamese phone number (9–11 digits,
/// optionally `+84`, with spaces, dots or dashes between groups), normalised.
pub fn parse_contact(s: &str) -> Option<(ContactKind, String)> {
    let s = s.trim();
    if s.contains('@') {
        let (local, domain) = s.split_once('@')?;
        let ok_local = !local.is_empty()
            && local.len() <= 64
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let ok_domain = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        return (ok_local && ok_domain).then(|| {
            (
                ContactKind::Email,
                format!("{local}@{}", domain.to_lowercase()),
            )
        });
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')'))
    {
        return None;
    }
    let plus = s.starts_with('+');
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let national = if plus {
        digits.strip_prefix("84").map(|d| format!("0{d}"))?
    } else {
        digits
    };
    (national.starts_with('0') && (10..=11).contains(&national.len()))
        .then_some((ContactKind::Phone, national))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SubmissionForm {
        SubmissionForm {
            kind: "hoi-phap-luat".into(),
            subject: "Đăng ký khai sinh".into(),
            body: "Con tôi sinh ở nước ngoài, đăng ký khai sinh ở đâu?".into(),
            name: "Nguyễn Văn A".into(),
            contact: "a@example.vn".into(),
            consent_publish: true,
            procedure: String::new(),
        }
    }

    #[test]
    fn contacts() {
        for (input, expect) in [
            ("a@example.vn", Some("a@example.vn")),
            ("A.b+c@Mail.Example.COM", Some("A.b+c@mail.example.com")),
            ("0912 345 678", Some("0912345678")),
            ("+84 912.345.678", Some("0912345678")),
            ("(024) 3825 1234", Some("02438251234")),
            ("a@b", None),
            ("a@@b.vn", None),
            ("<script>@x.vn", None),
            ("12345", None),
            ("0912 345 678 999 1", None),
            ("", None),
            ("' OR 1=1 --", None),
        ] {
            assert_eq!(
                parse_contact(input).map(|c| c.1),
                expect.map(str::to_owned),
                "{input}"
            );
        }
    }

    #[test]
    fn every_error_at_once() {
        let f = SubmissionForm::default();
        let e = f.validate().unwrap_err();
        for k in [
            field::KIND,
            field::SUBJECT,
            field::BODY,
            field::NAME,
            field::CONTACT,
        ] {
            assert!(e.get(k).is_some(), "{k}: {e:?}");
        }
        let mut f = form();
        f.body = "x".repeat(MAX_BODY_CHARS + 1);
        let e = f.validate().unwrap_err();
        assert!(e.get(field::BODY).unwrap().contains("tối đa 4000"));
        let mut f = form();
        f.name = "A\u{FFFD}".into();
        assert!(f.validate().unwrap_err().get(field::NAME).is_some());
    }

    #[test]
    fn cleans_text() {
        let mut f = form();
        f.body = "  dòng một \r\n\r\n\r\n  dòng\u{0}  hai \t ".into();
        f.name = "  Nguyễn   Văn\nA ".into();
        let s = f.validate().unwrap();
        assert_eq!(s.body, "dòng một\n\ndòng hai");
        assert_eq!(s.name, "Nguyễn Văn A");
    }

    #[test]
    fn procedure_codes() {
        for (input, expect) in [
            ("", Ok(None)),
            (" 1.000110 ", Ok(Some("1.000110"))),
            ("2.002345", Ok(Some("2.002345"))),
            ("1.000110.1", Ok(Some("1.000110.1"))),
            ("1000110", Err(())),
            ("1..2", Err(())),
            ("1.00011a", Err(())),
            ("<script>", Err(())),
            ("1.0000000000000000000000", Err(())),
        ] {
            let mut f = form();
            f.procedure = input.into();
            let got = f
                .validate()
                .map(|s| s.procedure)
                .map_err(|e| assert!(e.get(field::PROCEDURE).is_some(), "{input}: {e:?}"));
            assert_eq!(got, expect.map(|o| o.map(str::to_owned)), "{input}");
        }
    }
}
