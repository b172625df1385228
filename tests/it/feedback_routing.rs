//! Routing measured on the procedure questions: each question's ministry is the `bo_nganh` of
//! its relevant procedure; for Bộ Tư pháp's, the unit is the one the lĩnh vực → unit table in
//! `content/feedback/units.toml` names. Runs when `../shared/data` is present.

use std::path::Path;

use tracuu::feedback::{RoutingModel, Units, evaluate, load_procedures};

const PROCEDURES: &str = "../shared/data/procedures/procedures-2026.jsonl.gz";
const QUESTIONS: &str = "../shared/data/eval/procedures-questions-dev.jsonl";
/// The floor for ministry-level top-1 accuracy.
const MIN_MINISTRY_ACCURACY: f64 = 0.90;

#[test]
fn routing_meets_the_ministry_floor() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join(PROCEDURES).exists() {
        eprintln!("{PROCEDURES} absent: routing accuracy not checked");
        return;
    }
    let units = Units::load(&root.join("content/feedback/units.toml")).unwrap();
    let (procedures, _) = load_procedures(&root.join(PROCEDURES)).unwrap();
    assert!(procedures.len() > 2000);
    let model = RoutingModel::new(units, procedures, Vec::new()).unwrap();
    let e = evaluate(&model, &root.join(QUESTIONS)).unwrap();
    eprintln!(
        "routing: ministry {:.3} ({}/{}), unit {:.3} ({}/{}); leave-one-out {:.3} / {:.3}",
        e.ministry_accuracy,
        e.ministry_correct,
        e.questions,
        e.unit_accuracy,
        e.unit_correct,
        e.home_questions,
        e.leave_one_out_ministry_accuracy,
        e.leave_one_out_unit_accuracy
    );
    assert!(e.questions >= 90);
    assert!(
        e.ministry_accuracy >= MIN_MINISTRY_ACCURACY,
        "{:.3}: {:#?}",
        e.ministry_accuracy,
        e.misses
    );
    // Everyday wording reaches the right unit too.
    let s = model
        .suggest("Vợ chồng tôi mới sinh em bé, làm giấy khai sinh ở đâu?")
        .unwrap();
    assert_eq!(
        (s.ministry.as_str(), s.unit.as_str()),
        ("Bộ Tư pháp", "HCTP"),
        "{s:?}"
    );
}
