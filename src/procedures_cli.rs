//! The `tracuu` commands' procedure parts: loading and reporting at index time, and
//! `eval --kind procedures` with the naive baseline measured in the same run.

use std::path::Path;

use anyhow::{Context, Result, bail};

use tracuu::baseline::NaiveIndex;
use tracuu::index::{self, LawIndex};
use tracuu::ingest::Corpus;
use tracuu::model::DocNumber;
use tracuu::procedures::{self, Link, Procedure, ProcedureIndex};
use tracuu::search::{Catalog, Resolution};

/// Where the curated procedures live inside the content directory.
pub const CONTENT_SUBDIR: &str = "procedures";

/// Loads the curated procedures, then the full set (which replaces curated records with the same
/// code), prints the parse report (legal basis checked against `corpus`'s documents) and
/// writes it to `report_path`. Returns the procedures and the number of rejected lines.
pub fn load(
    curated: Option<&Path>,
    full: Option<&Path>,
    corpus: &Corpus,
    report_path: Option<&Path>,
    sources: &mut Vec<String>,
) -> Result<(Vec<Procedure>, usize)> {
    let mut out = Vec::new();
    let mut rejected = 0;
    for (label, dir) in [("content", curated), ("procedures", full)] {
        let Some(dir) = dir else { continue };
        let rejects = procedures::load_dir(dir, &mut out)
            .with_context(|| format!("reading procedures in {}", dir.display()))?;
        for r in rejects.iter().take(50) {
            eprintln!("  rejected: {r}");
        }
        rejected += rejects.len();
        sources.push(format!("{label}-procedures:{}", dir.display()));
    }
    if out.is_empty() {
        return Ok((out, rejected));
    }
    let catalog = Catalog::from_documents(corpus.documents.values().cloned().map(Into::into));
    let report = procedures::report(&out, |number| match catalog.resolve(number) {
        Resolution::Found(_) => Link::Found,
        Resolution::Ambiguous(_) => Link::Ambiguous,
        Resolution::NotFound => {
            // Does the index hold a document of the same type with this number and year
            // ("43/2011/NĐ-CP" cited, "43/2011/NĐ-CP" under another issuer spelling)?
            let Ok(cited) = DocNumber::parse(number) else {
                return Link::NotFound;
            };
            let partial = number.split('/').take(2).collect::<Vec<_>>().join("/");
            let candidates = match catalog.resolve(&partial) {
                Resolution::Found(d) => vec![d],
                Resolution::Ambiguous(ds) => ds,
                Resolution::NotFound => Vec::new(),
            };
            let same_type = candidates.iter().find(|d| {
                DocNumber::parse(&d.so_hieu).is_ok_and(|n| n.type_abbr() == cited.type_abbr())
            });
            match same_type {
                Some(d) => {
                    eprintln!("  not linked: cited {number}, the index has {}", d.so_hieu);
                    Link::SameNumberElsewhere
                }
                None => Link::NotFound,
            }
        }
    });
    let pct = |n: usize| 100.0 * n as f64 / report.procedures.max(1) as f64;
    eprintln!(
        "procedures: {} parsed; steps {} ({:.1}%), dossier {} ({:.1}%, {} items), channels {} ({:.1}%), every channel with fee and deadline {} ({:.1}%), results {} ({:.1}%), legal basis {} ({:.1}%)",
        report.procedures,
        report.with_steps,
        pct(report.with_steps),
        report.with_dossier,
        pct(report.with_dossier),
        report.dossier_items,
        report.with_channels,
        pct(report.with_channels),
        report.with_channels_fee_and_deadline,
        pct(report.with_channels_fee_and_deadline),
        report.with_results,
        pct(report.with_results),
        report.with_legal_basis,
        pct(report.with_legal_basis),
    );
    eprintln!(
        "legal basis: {} citations ({} parse as a số hiệu) of {} documents; {} documents in this index, linked from {} citations in {} procedures; {} citations match several documents; {} not linked although the index has a document of the same type, number and year",
        report.citations,
        report.citations_parsed,
        report.cited_documents,
        report.cited_documents_linked,
        report.citations_linked,
        report.with_linked_basis,
        report.citations_ambiguous,
        report.citations_same_number_elsewhere,
    );
    if let Some(path) = report_path {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok((out, rejected))
}

/// Relevance on a procedure question file, tracuu beside the naive baseline.
pub fn eval(
    root: &Path,
    lexicon_path: &Path,
    queries: &Path,
    report_path: Option<&Path>,
    (min_r10, min_mrr): (Option<f64>, Option<f64>),
    dump_features: Option<&Path>,
) -> Result<()> {
    let generation = index::current_generation(root)
        .with_context(|| format!("opening the index in {}", root.display()))?;
    // Opening the law index checks the generation's schema version.
    LawIndex::open(root).with_context(|| format!("opening the index in {}", root.display()))?;
    let index = ProcedureIndex::open(&generation)?;
    if index.is_empty() {
        bail!(
            "the index in {} has no procedures: build it with `tracuu index` (content/procedures) or `--procedures DIR`",
            root.display()
        );
    }
    let lexicon = procedures::LiveLexicon::new(Some(lexicon_path.to_owned())).get();
    let queries = tracuu::eval::load_queries(queries)?;
    let bodies: Vec<String> = index
        .all()
        .iter()
        .map(|p| procedures::body_text(p))
        .collect();
    let naive = NaiveIndex::build_records(
        index
            .all()
            .iter()
            .zip(&bodies)
            .map(|(p, body)| (p.ma.as_str(), p.name.as_str(), body.as_str())),
        None,
    )?;
    if let Some(path) = dump_features {
        let mut out = String::new();
        for q in &queries {
            let found = procedures::candidate_features(&index, &lexicon, &q.query)?;
            out.push_str(&super::feature_dump_line(
                q,
                &procedures::FEATURE_NAMES,
                true,
                &found.ids,
                &found.features,
            ));
        }
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    }
    let ours = tracuu::eval::evaluate(&queries, |q| {
        procedures::ranked_ids(&index, &lexicon, q, 100)
    });
    let base = tracuu::eval::evaluate(&queries, |q| naive.search_ids(q, 100).unwrap_or_default());
    println!(
        "procedures: {} in the index, lexicon {} entries ({})",
        index.len(),
        lexicon.len(),
        lexicon_path.display()
    );
    println!("tracuu  {}", ours.metrics);
    println!("naive   {}", base.metrics);
    if let Some(path) = report_path {
        // Every question whose answer was not ranked first, with what was: where to look next.
        let not_first: Vec<serde_json::Value> = queries
            .iter()
            .filter_map(|q| {
                let ranked = procedures::ranked_ids(&index, &lexicon, &q.query, 5);
                if ranked.first().is_some_and(|id| q.relevant.contains(id)) {
                    return None;
                }
                let name =
                    |id: &String| format!("{id} {}", index.get(id).map_or("", |p| p.name.as_str()));
                Some(serde_json::json!({
                    "qid": q.qid,
                    "query": q.query,
                    "expanded": lexicon.expand(&q.query),
                    "relevant": q.relevant.iter().map(name).collect::<Vec<_>>(),
                    "top": ranked.iter().map(name).collect::<Vec<_>>(),
                }))
            })
            .collect();
        let json = serde_json::json!({
            "procedures": index.len(),
            "tracuu": ours,
            "naive": base.metrics,
            "not_first": not_first,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    super::check_floors(&ours.metrics, min_r10, min_mrr)
}
