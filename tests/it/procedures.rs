//! Administrative procedures at the library boundary: parsing the real records, the relevance
//! floors (hand-written colloquial questions on the curated set, always; the dev set on all
//! 2,642 procedures when `../shared/data` is present), ranking checks, the lexicon reload, and
//! procedures travelling with the index generation.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use tracuu::baseline::NaiveIndex;
use tracuu::index;
use tracuu::procedures::{self, Fee, Lexicon, LiveLexicon, Procedure, ProcedureIndex};

use crate::support::{content_dir, content_index, content_procedures};

const SHARED_PROCEDURES: &str = "../shared/data/procedures";
const DEV_QUESTIONS: &str = "../shared/data/eval/procedures-questions-dev.jsonl";
const COLLOQUIAL: &str = "content/eval/procedures-colloquial.jsonl";
const COLLOQUIAL_2: &str = "content/eval/procedures-colloquial-2.jsonl";
const COLLOQUIAL_4: &str = "content/eval/procedures-colloquial-4.jsonl";
const COLLOQUIAL_5: &str = "content/eval/procedures-colloquial-5.jsonl";
const COLLOQUIAL_6: &str = "content/eval/procedures-colloquial-6.jsonl";
/// Sets whose questions nobody reads until their next measurement: a failing floor prints only
/// their totals.
const HELD_OUT: &[&str] = &[COLLOQUIAL_6];

fn curated() -> &'static (Vec<Procedure>, ProcedureIndex) {
    static INDEX: OnceLock<(Vec<Procedure>, ProcedureIndex)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let all = content_procedures();
        let index = ProcedureIndex::in_memory(&all).expect("index builds");
        (all, index)
    })
}

fn builtin() -> Lexicon {
    Lexicon::builtin()
}

fn naive(index: &ProcedureIndex) -> NaiveIndex {
    let bodies: Vec<String> = index
        .all()
        .iter()
        .map(|p| procedures::body_text(p))
        .collect();
    NaiveIndex::build_records(
        index
            .all()
            .iter()
            .zip(&bodies)
            .map(|(p, b)| (p.ma.as_str(), p.name.as_str(), b.as_str())),
        None,
    )
    .expect("naive index builds")
}

/// The top `n` names for `query`, as text.
fn top(index: &ProcedureIndex, query: &str, n: usize) -> Vec<String> {
    procedures::ranked_ids(index, &builtin(), query, n)
        .iter()
        .map(|ma| format!("{ma} {}", index.get(ma).map_or("", |p| p.name.as_str())))
        .collect()
}

fn check(query: &str, expected_first: &str) {
    let (_, index) = curated();
    let got = top(index, query, 3);
    assert!(
        got.first().is_some_and(|g| g.starts_with(expected_first)),
        "query {query:?}: expected {expected_first} first, got {got:#?}"
    );
}

#[test]
fn everyday_wording_finds_the_official_procedure() {
    check("làm giấy khai sinh cho con", "1.001193");
    check("lam giay khai sinh cho con", "1.001193");
    check("tụi mình chuẩn bị cưới", "1.000894");
    check("nhập hộ khẩu về nhà mới", "1.004222");
    check("đăng ký tạm trú", "1.004194");
    check("mất sổ đỏ", "1.012786");
    check(
        "Thủ tục đăng ký khai tử được thực hiện như thế nào?",
        "1.000656",
    );
}

/// R@1 and R@5 of a colloquial question file on the curated set, held to floors, and MRR@10
/// at least `margin` above the naive baseline's.
fn colloquial_floor(file: &str, min_r1: f64, min_r5: f64, margin: f64) {
    let (_, index) = curated();
    floor(index, file, min_r1, min_r5, margin);
}

/// R@1 and R@5 of a question file on `index`, held to floors, and MRR@10 at least `margin`
/// above the naive baseline's. Prints the totals, and, if a floor fails, the misses of a set
/// not in [`HELD_OUT`].
fn floor(index: &ProcedureIndex, file: &str, min_r1: f64, min_r5: f64, margin: f64) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let queries = tracuu::eval::load_queries(&root.join(file)).unwrap();
    assert!(queries.len() >= 40, "{} questions", queries.len());
    let lexicon = builtin();
    let ours = tracuu::eval::evaluate(&queries, |q| {
        procedures::ranked_ids(index, &lexicon, q, 100)
    });
    let base_index = naive(index);
    let base = tracuu::eval::evaluate(&queries, |q| base_index.search_ids(q, 100).unwrap());
    eprintln!(
        "{file}: tracuu {}\n{file}: naive  {}",
        ours.metrics, base.metrics
    );
    let misses: Vec<_> = if HELD_OUT.contains(&file) {
        Vec::new()
    } else {
        ours.missed_at_10.iter().map(|m| &m.query).collect()
    };
    assert!(
        ours.metrics.recall_at_1 >= min_r1,
        "{} {misses:?}",
        ours.metrics
    );
    assert!(
        ours.metrics.recall_at_5 >= min_r5,
        "{} {misses:?}",
        ours.metrics
    );
    assert!(
        ours.metrics.mrr_at_10 > base.metrics.mrr_at_10 + margin,
        "tracuu {} vs naive {}",
        ours.metrics,
        base.metrics
    );
}

#[test]
fn colloquial_questions_meet_the_floor_and_beat_the_baseline() {
    colloquial_floor(COLLOQUIAL, 0.80, 0.97, 0.2);
}

/// The second set was written apart from the lexicon; since session 6 it is a tuning set (lexicon
/// entries were written from its misses), so this floor guards those entries rather than
/// measuring new wording (measured on the curated set: R@1 0.886, R@5 1.000, MRR@10 0.943
/// against the naive 0.629; before session 9 0.841, 0.977, 0.905; before session 6 0.614,
/// 0.864, 0.704).
#[test]
fn second_colloquial_set_meets_its_floor() {
    colloquial_floor(COLLOQUIAL_2, 0.86, 0.97, 0.2);
}

/// The fourth set was written before session 6's lexicon entries and refit and is never tuned
/// on: the held-out measure of everyday wording. Level twins are all listed as relevant, so R@1
/// counts a question found at one level as a share (measured on the curated set: R@1 0.732,
/// R@5 0.922, MRR@10 0.859 against the naive 0.284; before session 9 0.711, 0.922, 0.848).
#[test]
fn fourth_colloquial_set_meets_its_floor() {
    colloquial_floor(COLLOQUIAL_4, 0.72, 0.91, 0.2);
}

/// All 2,642 procedures of `../shared/data`, indexed once for the tests that need them; `None`
/// where the data is absent.
fn all_procedures() -> Option<&'static ProcedureIndex> {
    static INDEX: OnceLock<Option<ProcedureIndex>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            if !root.join(SHARED_PROCEDURES).exists() {
                eprintln!("{SHARED_PROCEDURES} absent: floors on all procedures not checked");
                return None;
            }
            let mut all = Vec::new();
            let rejected = procedures::load_dir(&root.join(SHARED_PROCEDURES), &mut all).unwrap();
            assert!(rejected.is_empty(), "{rejected:?}");
            assert_eq!(all.len(), 2642);
            Some(ProcedureIndex::in_memory(&all).unwrap())
        })
        .as_ref()
}

/// [`floor`] on all procedures; nothing where `../shared/data` is absent.
fn floor_on_all_procedures(file: &str, min_r1: f64, min_r5: f64, margin: f64) {
    if let Some(index) = all_procedures() {
        floor(index, file, min_r1, min_r5, margin);
    }
}

/// The target: R@1 0.92 and R@5 1.00. Measured R@1 0.925, R@5 1.00 (naive 0.755,
/// 0.940) since session 9's `run_lead`, `central_unasked` and `action_unasked` weights.
#[test]
fn dev_questions_meet_the_floor() {
    floor_on_all_procedures(DEV_QUESTIONS, 0.92, 1.0, 0.05);
}

/// The fifth set (session 7) was written by someone blind to the lexicon and the ranker, about
/// needs beyond the common life events; 21 of its 50 questions expect procedures outside the
/// curated set, so it is measured on all of them. It judged session 7's lexicon entries (R@1
/// 0.462 → 0.612, R@5 0.685 → 0.810), then its misses were read, so it is a tuning set now:
/// measured R@1 0.692, R@5 0.890, MRR@10 0.808 (naive 0.187, 0.395, 0.307) after session 8's
/// `marked` phrases, R@1 0.732, MRR@10 0.828 after session 9's rerank weights.
#[test]
fn fifth_colloquial_set_meets_its_floor_on_all_procedures() {
    floor_on_all_procedures(COLLOQUIAL_5, 0.72, 0.88, 0.3);
}

/// The sixth set (session 7) was written blind like the fifth, after the lexicon entries, over
/// everything people ask; held out: only its totals are read. Measured R@1 0.543, R@5 0.786,
/// MRR@10 0.696 (naive 0.290, 0.494, 0.411); R@1 0.560, R@5 0.800, MRR@10 0.711 after session
/// 9's rerank weights.
#[test]
fn sixth_colloquial_set_meets_its_floor_on_all_procedures() {
    floor_on_all_procedures(COLLOQUIAL_6, 0.55, 0.79, 0.2);
}

#[test]
fn the_curated_records_parse_into_structure() {
    let (all, _) = curated();
    let r = procedures::report(all, |_| procedures::Link::NotFound);
    eprintln!("{r:?}");
    assert_eq!(r.procedures, all.len());
    // Floors just under what the parser reaches on content/ (see the README's figures).
    assert!(r.with_channels * 100 >= r.procedures * 95, "{r:?}");
    assert!(r.with_dossier * 100 >= r.procedures * 85, "{r:?}");
    assert!(r.with_steps * 100 >= r.procedures * 50, "{r:?}");
    assert!(r.with_legal_basis * 100 >= r.procedures * 90, "{r:?}");
    let birth = all.iter().find(|p| p.ma == "1.001193").unwrap();
    let channels = birth.channels.parsed.as_ref().unwrap();
    assert!(
        channels
            .iter()
            .any(|c| c.kind == procedures::ChannelKind::Online)
    );
    assert!(
        channels
            .iter()
            .all(|c| c.fee != Fee::NotStated || !c.description.is_empty())
    );
    let basis = birth.legal_basis.parsed.as_ref().unwrap();
    assert!(
        basis.iter().any(|b| b.number == "60/2014/QH13"),
        "{basis:?}"
    );
}

/// Nothing is invented: every structured value is a piece of the published text.
#[test]
fn structured_values_come_from_the_published_text() {
    let (all, _) = curated();
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    for p in all {
        let dossier = squash(&p.dossier.published);
        for item in p.dossier.parsed.iter().flatten().flat_map(|g| &g.items) {
            assert!(
                dossier.contains(&squash(&item.name)),
                "{}: {:?}",
                p.ma,
                item.name
            );
        }
        let channels = squash(&p.channels.published);
        for c in p.channels.parsed.iter().flatten() {
            if let Some(d) = &c.deadline {
                assert!(channels.contains(&squash(d)), "{}: {d:?}", p.ma);
            }
            if let Fee::Amount { text, .. } = &c.fee {
                assert!(channels.contains(&squash(text)), "{}: {text:?}", p.ma);
            }
        }
        let steps = squash(&p.steps.published);
        for s in p.steps.parsed.iter().flatten() {
            assert!(
                steps.contains(&squash(&s.text)),
                "{}: step {:?}",
                p.ma,
                s.label
            );
        }
    }
}

#[test]
fn the_lexicon_file_is_reloaded_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lexicon.toml");
    std::fs::write(
        &path,
        "[[entry]]\nofficial = \"đăng ký tạm trú\"\ncolloquial = [\"ở trọ\"]\n",
    )
    .unwrap();
    let live = LiveLexicon::new(Some(path.clone()));
    assert_eq!(live.get().expand("thuê nhà ở trọ"), ["đăng ký tạm trú"]);
    assert!(live.get().expand("cưới vợ").is_empty());
    // Each edit gets a later modification time, whatever the file system's clock resolution.
    let edit = |text: &str, seconds: u64| {
        std::fs::write(&path, text).unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(seconds);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later)
            .unwrap();
    };
    // A broken edit keeps the last good lexicon.
    edit("[[entry]]\nofficial = ", 2);
    assert!(!live.reload());
    assert_eq!(live.get().expand("ở trọ"), ["đăng ký tạm trú"]);
    edit(
        "[[entry]]\nofficial = \"đăng ký kết hôn\"\ncolloquial = [\"cưới vợ\"]\n",
        4,
    );
    assert!(live.reload());
    assert_eq!(live.get().expand("cưới vợ"), ["đăng ký kết hôn"]);
    // The file shipped in content/ is the one compiled in.
    let shipped = std::fs::read_to_string(content_dir().join("procedures/lexicon.toml")).unwrap();
    assert_eq!(shipped, procedures::lexicon_builtin_text());
}

#[test]
fn procedures_travel_with_the_generation() {
    let generation = &content_index().generation;
    let opened = ProcedureIndex::open(generation).unwrap();
    assert_eq!(opened.len(), curated().0.len());
    let p = opened.get("1.001193").unwrap();
    assert_eq!(p.name, "Thủ tục đăng ký khai sinh");
    let on_hotich: Vec<Arc<Procedure>> = opened.resting_on("60/2014/QH13");
    assert!(on_hotich.iter().any(|p| p.ma == "1.001193"));
    // A generation built without procedures opens with none.
    let dir = tempfile::tempdir().unwrap();
    index::build(dir.path(), &crate::support::load_content(), vec![], &()).unwrap();
    let bare = index::current_generation(dir.path()).unwrap();
    assert!(ProcedureIndex::open(&bare).unwrap().is_empty());
}

#[test]
fn hostile_queries_do_not_panic() {
    let (_, index) = curated();
    let lexicon = builtin();
    for q in [
        "",
        "   ",
        "\"",
        "<script>alert(1)</script>",
        "thủ tục",
        "?????",
        &"khai sinh ".repeat(60),
        "\u{0}\u{301}\u{202e}",
    ] {
        if let Ok(query) = procedures::ProcedureQuery::new(q) {
            procedures::search(index, &lexicon, &query).unwrap();
        }
        procedures::suggest(index, q, 10);
    }
}
