//! The routing suggestion: which unit most likely answers a submission, with a confidence and
//! the reasons. Three kinds of evidence, all looked up in one [`TextIndex`]:
//! procedures (their name and lĩnh vực, each belonging to a ministry; for Bộ Tư pháp's the
//! lĩnh vực → unit table in `units.toml` names the unit), each unit's remit keywords, and past
//! submissions with the unit intake decided on. The ministry is chosen first by summing the
//! scores of the best entries per ministry; inside Bộ Tư pháp the unit is chosen the same way
//! among the entries that name a unit. Intake's decisions are added as past entries, so they
//! feed later suggestions.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::Deserialize;

use super::FeedbackError;
use super::textindex::{TextIndex, shared_words};
use super::units::{HOME_MINISTRY, UnitKind, Units};

/// How many of the best entries vote.
pub const VOTERS: usize = 10;
/// The unit that receives what nothing else claims inside Bộ Tư pháp (the general intake desk).
pub const FALLBACK_UNIT: &str = "VP";
/// Past decisions count more than a procedure of the same score: staff made them.
const PAST_WEIGHT: f32 = 1.5;
/// The procedure the person named (from its page, or its code typed) votes with this many
/// times the weight of everything the text matched: they said what it is about.
const LINKED_WEIGHT: f32 = 2.0;

/// A procedure, as routing needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct Procedure {
    #[serde(rename = "ma_thu_tuc")]
    pub code: String,
    #[serde(rename = "ten_thu_tuc")]
    pub name: String,
    #[serde(rename = "bo_nganh")]
    pub ministry: String,
    #[serde(default)]
    pub linh_vuc: String,
}

/// Reads `procedures-*.jsonl(.gz)`; lines without the four fields are skipped and counted.
pub fn load_procedures(path: &Path) -> Result<(Vec<Procedure>, usize), FeedbackError> {
    let io = |source| FeedbackError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let reader: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut out = Vec::new();
    let mut skipped = 0;
    for line in reader.lines() {
        let line = line.map_err(io)?;
        match serde_json::from_str::<Procedure>(&line) {
            Ok(p) if !p.name.is_empty() && !p.ministry.is_empty() => out.push(p),
            _ => skipped += 1,
        }
    }
    Ok((out, skipped))
}

/// An item intake already routed: its text and where it went.
#[derive(Debug, Clone)]
pub struct PastItem {
    pub text: String,
    pub unit: String,
}

/// Why a unit was suggested.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// A procedure like the text, of this ministry and lĩnh vực.
    Procedure {
        name: String,
        ministry: String,
        linh_vuc: String,
        words: Vec<String>,
    },
    /// The unit's remit mentions these words.
    Remit { unit: String, words: Vec<String> },
    /// A similar earlier item went to this unit.
    Past { unit: String, words: Vec<String> },
    /// The person named this procedure (its page's link, or its code).
    Linked {
        code: String,
        name: String,
        ministry: String,
        linh_vuc: String,
    },
    /// Nothing pointed inside the ministry: the general intake desk.
    Fallback,
}

impl Reason {
    /// The reason in a sentence, in Vietnamese.
    pub fn to_vi(&self, units: &Units) -> String {
        let name = |code: &str| units.get(code).map_or(code.to_owned(), |u| u.name.clone());
        let words = |w: &[String]| {
            if w.is_empty() {
                String::new()
            } else {
                format!(" (từ trùng: {})", w.join(", "))
            }
        };
        match self {
            Reason::Procedure {
                name: p,
                ministry,
                linh_vuc,
                words: w,
            } => format!(
                "Giống thủ tục “{p}” của {ministry}, lĩnh vực {linh_vuc}{}",
                words(w)
            ),
            Reason::Remit { unit, words: w } => {
                format!("Thuộc phạm vi của {}{}", name(unit), words(w))
            }
            Reason::Past { unit, words: w } => format!(
                "Một câu hỏi tương tự trước đây đã chuyển cho {}{}",
                name(unit),
                words(w)
            ),
            Reason::Linked {
                code,
                name: p,
                ministry,
                linh_vuc,
            } => format!(
                "Người gửi hỏi về thủ tục “{p}” ({code}) của {ministry}, lĩnh vực {linh_vuc}"
            ),
            Reason::Fallback => {
                "Không có dấu hiệu rõ về đơn vị: chuyển Văn phòng Bộ (đầu mối tiếp nhận)".to_owned()
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The unit's code (a unit of Bộ Tư pháp or another ministry's entry).
    pub unit: String,
    /// The ministry, as procedures/ names it.
    pub ministry: String,
    /// The winner's share of the votes, 0–1.
    pub confidence: f64,
    pub reasons: Vec<Reason>,
}

/// What one entry of the index stands for.
#[derive(Debug, Clone)]
enum Entry {
    Procedure(usize),
    Remit(String),
    Past(usize),
}

pub struct RoutingModel {
    units: Units,
    procedures: Vec<Procedure>,
    /// Procedure code → position in `procedures`.
    by_code: HashMap<String, usize>,
    past: Vec<PastItem>,
    entries: Vec<Entry>,
    texts: Vec<String>,
    index: TextIndex,
}

impl RoutingModel {
    pub fn new(
        units: Units,
        procedures: Vec<Procedure>,
        past: Vec<PastItem>,
    ) -> Result<RoutingModel, FeedbackError> {
        let mut entries = Vec::new();
        let mut texts = Vec::new();
        for (i, p) in procedures.iter().enumerate() {
            entries.push(Entry::Procedure(i));
            texts.push(format!("{} {}", p.name, p.linh_vuc));
        }
        for u in units.all() {
            entries.push(Entry::Remit(u.code.clone()));
            let mut text = u.name.clone();
            for k in u.keywords.iter().chain(&u.linh_vuc) {
                text.push_str(". ");
                text.push_str(k);
            }
            texts.push(text);
        }
        for (i, p) in past.iter().enumerate() {
            if units.get(&p.unit).is_some() {
                entries.push(Entry::Past(i));
                texts.push(p.text.clone());
            }
        }
        let index = TextIndex::build(texts.iter().map(String::as_str))?;
        let by_code = procedures
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        Ok(RoutingModel {
            units,
            procedures,
            by_code,
            past,
            entries,
            texts,
            index,
        })
    }

    pub fn units(&self) -> &Units {
        &self.units
    }

    /// The same model with `item` learnt.
    pub fn with_past(&self, item: PastItem) -> Result<RoutingModel, FeedbackError> {
        let mut past = self.past.clone();
        past.push(item);
        RoutingModel::new(self.units.clone(), self.procedures.clone(), past)
    }

    /// The suggestion for `text`.
    pub fn suggest(&self, text: &str) -> Result<Suggestion, FeedbackError> {
        self.suggest_with(text, None, None)
    }

    /// The suggestion for `text` about the procedure coded `linked` (ma_thu_tuc), when the
    /// person named one: its ministry, and inside Bộ Tư pháp its lĩnh vực's unit, outweigh the
    /// text. An unknown code is ignored.
    pub fn suggest_for(
        &self,
        text: &str,
        linked: Option<&str>,
    ) -> Result<Suggestion, FeedbackError> {
        self.suggest_with(text, None, linked)
    }

    /// [`RoutingModel::suggest`], ignoring one procedure (by code): the leave-one-out figure.
    pub fn suggest_excluding(
        &self,
        text: &str,
        exclude_procedure: Option<&str>,
    ) -> Result<Suggestion, FeedbackError> {
        self.suggest_with(text, exclude_procedure, None)
    }

    /// Where a procedure's items go: inside Bộ Tư pháp the unit of its lĩnh vực, elsewhere the
    /// ministry's entry.
    fn unit_of_procedure(&self, p: &Procedure) -> Option<String> {
        if p.ministry == HOME_MINISTRY {
            self.units.for_linh_vuc(&p.linh_vuc).map(|u| u.code.clone())
        } else {
            self.units.for_ministry(&p.ministry).map(|u| u.code.clone())
        }
    }

    fn suggest_with(
        &self,
        text: &str,
        exclude_procedure: Option<&str>,
        linked: Option<&str>,
    ) -> Result<Suggestion, FeedbackError> {
        let found: Vec<_> = self
            .index
            .search(text, VOTERS + 1)?
            .into_iter()
            .filter(|f| match &self.entries[f.pos] {
                Entry::Procedure(i) => Some(self.procedures[*i].code.as_str()) != exclude_procedure,
                _ => true,
            })
            .take(VOTERS)
            .collect();
        // Votes per ministry, then per unit inside the winning one.
        let mut ministries: HashMap<String, f32> = HashMap::new();
        let mut unit_votes: HashMap<String, f32> = HashMap::new();
        let mut reasons: Vec<(String, Reason)> = Vec::new();
        for f in &found {
            let words = || shared_words(text, &self.texts[f.pos]);
            let (ministry, unit, weight, reason) = match &self.entries[f.pos] {
                Entry::Procedure(i) => {
                    let p = &self.procedures[*i];
                    let unit = self.unit_of_procedure(p);
                    let reason = Reason::Procedure {
                        name: p.name.clone(),
                        ministry: p.ministry.clone(),
                        linh_vuc: p.linh_vuc.clone(),
                        words: words(),
                    };
                    (p.ministry.clone(), unit, 1.0, reason)
                }
                Entry::Remit(code) => {
                    let Some(u) = self.units.get(code) else {
                        continue;
                    };
                    let reason = Reason::Remit {
                        unit: code.clone(),
                        words: words(),
                    };
                    (u.ministry().to_owned(), Some(code.clone()), 1.0, reason)
                }
                Entry::Past(i) => {
                    let p = &self.past[*i];
                    let Some(u) = self.units.get(&p.unit) else {
                        continue;
                    };
                    let reason = Reason::Past {
                        unit: p.unit.clone(),
                        words: words(),
                    };
                    (
                        u.ministry().to_owned(),
                        Some(p.unit.clone()),
                        PAST_WEIGHT,
                        reason,
                    )
                }
            };
            let score = f.score * weight;
            *ministries.entry(ministry.clone()).or_default() += score;
            if let Some(u) = unit {
                *unit_votes.entry(u).or_default() += score;
            }
            reasons.push((ministry, reason));
        }
        if let Some(p) = linked
            .and_then(|code| self.by_code.get(code))
            .map(|i| &self.procedures[*i])
        {
            let text_votes: f32 = ministries.values().sum();
            let score = LINKED_WEIGHT * text_votes.max(1.0);
            *ministries.entry(p.ministry.clone()).or_default() += score;
            if let Some(u) = self.unit_of_procedure(p) {
                *unit_votes.entry(u).or_default() += score;
            }
            reasons.insert(
                0,
                (
                    p.ministry.clone(),
                    Reason::Linked {
                        code: p.code.clone(),
                        name: p.name.clone(),
                        ministry: p.ministry.clone(),
                        linh_vuc: p.linh_vuc.clone(),
                    },
                ),
            );
        }
        let total: f32 = ministries.values().sum();
        let best = ministries
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(m, s)| (m.clone(), *s));
        let (ministry, score) = best.unwrap_or_else(|| (HOME_MINISTRY.to_owned(), 0.0));
        let in_ministry = |code: &str| {
            self.units
                .get(code)
                .is_some_and(|u| u.ministry() == ministry)
        };
        let unit = unit_votes
            .iter()
            .filter(|(u, _)| in_ministry(u))
            .max_by(|a, b| a.1.total_cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(u, _)| u.clone());
        let mut reasons: Vec<Reason> = reasons
            .into_iter()
            .filter(|(m, _)| *m == ministry)
            .map(|(_, r)| r)
            .take(3)
            .collect();
        let unit = match unit {
            Some(u) => u,
            None if ministry == HOME_MINISTRY => {
                reasons.push(Reason::Fallback);
                FALLBACK_UNIT.to_owned()
            }
            None => self
                .units
                .for_ministry(&ministry)
                .map_or_else(|| FALLBACK_UNIT.to_owned(), |u| u.code.clone()),
        };
        let confidence = if total > 0.0 {
            f64::from(score / total)
        } else {
            0.0
        };
        Ok(Suggestion {
            unit,
            ministry,
            confidence,
            reasons,
        })
    }
}

/// Routing measured on questions whose relevant procedure is known.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RoutingEval {
    pub questions: usize,
    pub ministry_correct: usize,
    pub ministry_accuracy: f64,
    /// Questions whose procedure is Bộ Tư pháp's and whose lĩnh vực the table maps to a unit.
    pub home_questions: usize,
    pub unit_correct: usize,
    pub unit_accuracy: f64,
    /// The same with each question's own procedure left out of what routing can see.
    pub leave_one_out_ministry_accuracy: f64,
    pub leave_one_out_unit_accuracy: f64,
    pub misses: Vec<String>,
}

#[derive(Deserialize)]
struct EvalLine {
    qid: String,
    query: String,
    relevant: Vec<String>,
}

/// Routes every question of a `procedures-questions` file and compares with the ministry (and,
/// for Bộ Tư pháp, the unit by lĩnh vực) of its first relevant procedure.
pub fn evaluate(model: &RoutingModel, questions: &Path) -> Result<RoutingEval, FeedbackError> {
    let text = std::fs::read_to_string(questions).map_err(|source| FeedbackError::Io {
        path: questions.to_owned(),
        source,
    })?;
    let by_code: HashMap<&str, &Procedure> = model
        .procedures
        .iter()
        .map(|p| (p.code.as_str(), p))
        .collect();
    let mut e = RoutingEval::default();
    let (mut loo_m, mut loo_u) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let q: EvalLine = serde_json::from_str(line).map_err(|err| FeedbackError::Units {
            path: questions.to_owned(),
            message: err.to_string(),
        })?;
        let Some(p) = q.relevant.first().and_then(|c| by_code.get(c.as_str())) else {
            continue;
        };
        let expected_unit = (p.ministry == HOME_MINISTRY)
            .then(|| model.units.for_linh_vuc(&p.linh_vuc))
            .flatten()
            .filter(|u| u.kind == UnitKind::Unit)
            .map(|u| u.code.clone());
        e.questions += 1;
        if expected_unit.is_some() {
            e.home_questions += 1;
        }
        for loo in [false, true] {
            let s = model.suggest_excluding(&q.query, loo.then_some(p.code.as_str()))?;
            let m_ok = s.ministry == p.ministry;
            let u_ok = expected_unit.as_ref().is_some_and(|u| *u == s.unit);
            match loo {
                false => {
                    e.ministry_correct += usize::from(m_ok);
                    e.unit_correct += usize::from(u_ok);
                    if !m_ok || (expected_unit.is_some() && !u_ok) {
                        e.misses.push(format!(
                            "{}: expected {} / {:?}, got {} / {}",
                            q.qid, p.ministry, expected_unit, s.ministry, s.unit
                        ));
                    }
                }
                true => {
                    loo_m += usize::from(m_ok);
                    loo_u += usize::from(u_ok);
                }
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    e.ministry_accuracy = ratio(e.ministry_correct, e.questions);
    e.unit_accuracy = ratio(e.unit_correct, e.home_questions);
    e.leave_one_out_ministry_accuracy = ratio(loo_m, e.questions);
    e.leave_one_out_unit_accuracy = ratio(loo_u, e.home_questions);
    Ok(e)
}
