//! A procedure as the portal shows it: structure where the source allowed it, the published text
//! where it did not. Every value here was read from the source; nothing is filled in.

use serde::{Deserialize, Serialize};

/// One administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Procedure {
    /// The national code, "1.000178": the stable id.
    pub ma: String,
    pub name: String,
    /// The ministry that published it ("Bộ Tư pháp").
    pub ministry: String,
    /// Lĩnh vực ("Hộ tịch").
    pub field: String,
    /// Cấp thực hiện ("Cấp bộ", "Cấp tỉnh", "Cấp xã", "Cơ quan khác").
    pub levels: Vec<String>,
    /// Đối tượng thực hiện ("Công dân Việt Nam", "Doanh nghiệp", ...).
    pub subjects: Vec<String>,
    pub kind: String,
    pub decision: String,
    /// Cơ quan thực hiện.
    pub implementing_bodies: Vec<String>,
    /// Cơ quan có thẩm quyền.
    pub competent_body: String,
    pub steps: Section<Vec<Step>>,
    pub channels: Section<Vec<Channel>>,
    pub dossier: Section<Vec<DossierGroup>>,
    pub conditions: String,
    pub results: Section<Vec<String>>,
    pub legal_basis: Section<Vec<LegalBasis>>,
    pub related: String,
    pub source_url: String,
}

impl Procedure {
    /// The ways it can be filed, each once, in [`ChannelKind::ALL`]'s order. The source lists a
    /// channel once per case (a fee or deadline per case), so one kind can appear several times.
    pub fn channel_kinds(&self) -> Vec<ChannelKind> {
        ChannelKind::ALL
            .into_iter()
            .filter(|&k| self.has_channel(k))
            .collect()
    }

    /// Whether it can be filed this way (the filter and facet test, without allocating).
    pub fn has_channel(&self, kind: ChannelKind) -> bool {
        self.channels
            .parsed
            .iter()
            .flatten()
            .any(|c| c.kind == kind)
    }
}

/// A part of the procedure: what could be structured, and always the text as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section<T> {
    /// `None` when the published text did not parse into structure (or was empty).
    pub parsed: Option<T>,
    /// The source's text, as published.
    pub published: String,
}

impl<T> Section<T> {
    pub fn is_parsed(&self) -> bool {
        self.parsed.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// "Bước 1", "a)", "1.": the label as written.
    pub label: String,
    pub text: String,
}

/// How the dossier can be submitted: trực tiếp, trực tuyến, bưu chính.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub kind: ChannelKind,
    /// "22 Ngày làm việc", as published; `None` when the source gives none.
    pub deadline: Option<String>,
    pub fee: Fee,
    /// The rest of the source's cell: how the deadline or fee apply.
    pub description: String,
}

impl Channel {
    /// The deadline says what it counts ("22 Ngày làm việc"); some records give a bare number.
    pub fn deadline_has_unit(&self) -> bool {
        self.deadline
            .as_deref()
            .is_some_and(|d| d.chars().any(char::is_alphabetic))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    InPerson,
    Online,
    Post,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 3] = [
        ChannelKind::InPerson,
        ChannelKind::Online,
        ChannelKind::Post,
    ];

    /// The source's name for the channel.
    pub fn label_vi(self) -> &'static str {
        match self {
            ChannelKind::InPerson => "Trực tiếp",
            ChannelKind::Online => "Trực tuyến",
            ChannelKind::Post => "Dịch vụ bưu chính",
        }
    }

    /// The value in URLs (`kenh=truc-tuyen`).
    pub fn slug(self) -> &'static str {
        match self {
            ChannelKind::InPerson => "truc-tiep",
            ChannelKind::Online => "truc-tuyen",
            ChannelKind::Post => "buu-chinh",
        }
    }

    pub fn from_slug(s: &str) -> Option<ChannelKind> {
        ChannelKind::ALL.into_iter().find(|k| k.slug() == s)
    }
}

/// A channel's fee as the source states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fee {
    /// "Miễn phí".
    Free,
    /// An amount in đồng, with the published text ("50,000 Việt Nam đồng").
    Amount { vnd: u64, text: String },
    /// The source says "Không có thông tin" or gives nothing readable.
    NotStated,
}

/// The documents to bring, for one case ("Trường hợp ...") or for every case (`case: None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierGroup {
    pub case: Option<String>,
    pub items: Vec<DossierItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DossierItem {
    pub name: String,
    /// The form's file name ("Mus08.docx"), when the source names one.
    pub form: Option<String>,
    /// "1 bản chính", "0 bản chính, 1 bản sao", as published.
    pub quantity: Option<String>,
}

/// One document the procedure rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// The title as published ("Luật Hộ tịch"); may be empty.
    pub title: String,
    /// The canonical số hiệu (`DocNumber::canonical`, which is also the law index's document
    /// key), or the number as written when it does not parse.
    pub number: String,
    /// Whether `number` parsed as a số hiệu.
    pub parsed: bool,
}

/// A procedure with only a code, a name and levels, for tests.
#[cfg(test)]
pub(crate) fn test_procedure(ma: &str, name: &str, levels: &[&str]) -> Procedure {
    serde_json::from_value(serde_json::json!({
        "ma": ma, "name": name, "ministry": "", "field": "",
        "levels": levels, "subjects": [], "kind": "", "decision": "",
        "implementing_bodies": [], "competent_body": "",
        "steps": {"parsed": null, "published": ""},
        "channels": {"parsed": null, "published": ""},
        "dossier": {"parsed": null, "published": ""}, "conditions": "",
        "results": {"parsed": null, "published": ""},
        "legal_basis": {"parsed": null, "published": ""}, "related": "", "source_url": ""
    }))
    .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(kind: ChannelKind, deadline: &str) -> Channel {
        Channel {
            kind,
            deadline: Some(deadline.to_string()),
            fee: Fee::Free,
            description: String::new(),
        }
    }

    #[test]
    fn channel_kinds_lists_each_way_of_filing_once() {
        let mut p = test_procedure(
            "1.014257",
            "Cấp giấy phép khai thác khoáng sản (cấp Tỉnh)",
            &[],
        );
        assert_eq!(p.channel_kinds(), []);
        assert!(!p.has_channel(ChannelKind::InPerson));
        // The source gives a row per case: post and in person twice, online once.
        p.channels.parsed = Some(vec![
            channel(ChannelKind::Post, "90 Ngày"),
            channel(ChannelKind::InPerson, "90 Ngày"),
            channel(ChannelKind::Online, "90 Ngày"),
            channel(ChannelKind::InPerson, "45 Ngày"),
            channel(ChannelKind::Post, "45 Ngày"),
        ]);
        assert_eq!(
            p.channel_kinds(),
            [
                ChannelKind::InPerson,
                ChannelKind::Online,
                ChannelKind::Post
            ]
        );
        assert!(p.has_channel(ChannelKind::Online));
    }
}
