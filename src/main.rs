//! The `tracuu` command: a thin layer over the library. Flags are resolved into the typed
//! configuration once, then each subcommand calls one library entry point.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use tracuu::config::Config;
use tracuu::crawl;
use tracuu::feedback::{
    self, Feedback, MIN_PASSWORD_CHARS, Role, RoutingModel, Store, Units, hash_password,
    load_procedures,
};
use tracuu::index::{self, LawIndex};
use tracuu::ingest::{self, Corpus, Report};
use tracuu::search::{self, SearchRequest};

mod procedures_cli;

#[derive(Parser)]
#[command(
    name = "tracuu",
    version,
    about = "Tra cứu pháp luật: Vietnam's open legal-information portal"
)]
struct Cli {
    /// Configuration file (default: tracuu.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Index root (default: index/).
    #[arg(long, global = true)]
    index_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the index from content/ and, optionally, the full code of law.
    Index {
        /// Curated content directory (default: content/).
        #[arg(long)]
        content: Option<PathBuf>,
        /// Leave content/ out.
        #[arg(long)]
        no_content: bool,
        /// Directory of the codified law in parsed form (articles-*.jsonl.gz, documents-*.jsonl.gz).
        #[arg(long)]
        phapdien: Option<PathBuf>,
        /// Directory of administrative procedures from the national portal
        /// (procedures-*.jsonl.gz), indexed beside content/procedures/.
        #[arg(long)]
        procedures: Option<PathBuf>,
        /// Write the procedures' parse report (JSON) here.
        #[arg(long)]
        parse_report: Option<PathBuf>,
        /// Leave the crawl store (crawl.store_dir) out.
        #[arg(long)]
        no_crawl: bool,
    },
    /// Crawl the code of law into the crawl store, then rebuild the index when anything changed.
    /// Exits 1 when a page failed (each is listed with its reason).
    Crawl {
        /// The index page (default: crawl.index_url).
        #[arg(long)]
        index_url: Option<String>,
        /// The crawl store (default: crawl.store_dir, crawl/).
        #[arg(long)]
        store: Option<PathBuf>,
        /// Seed list, TSV with page ids in the first column (default: the built-in list).
        #[arg(long)]
        seed_file: Option<PathBuf>,
        /// Minimum delay between requests to the host, overriding crawl.min_delay_ms.
        #[arg(long)]
        min_delay_ms: Option<u64>,
        /// Requests in flight per host, overriding crawl.per_host_concurrency.
        #[arg(long)]
        concurrency: Option<usize>,
        /// Update the store only; leave the index as it is.
        #[arg(long)]
        no_index: bool,
        /// Write the summary as JSON here.
        #[arg(long)]
        summary: Option<PathBuf>,
    },
    /// Serve snapshot archives of the code of law's site over HTTP, as the live site would
    /// (a local mirror for testing and measuring the crawler).
    Mirror {
        /// Archives (site-2026-01.tar.gz); a later one's files replace an earlier one's.
        #[arg(long, required = true)]
        site: Vec<PathBuf>,
        #[arg(long, default_value = "127.0.0.1:8090")]
        addr: String,
    },
    /// Compare the extraction of a site snapshot with a reference parse of the same pages.
    CrawlFidelity {
        #[arg(long)]
        site: PathBuf,
        #[arg(long)]
        reference: PathBuf,
        /// Write the report (figures and every kind of disagreement with examples) here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Exit 1 when the share of articles with the same id and text is below this.
        #[arg(long)]
        min_text: Option<f64>,
        /// Exit 1 when the share of articles with the same metadata is below this.
        #[arg(long)]
        min_metadata: Option<f64>,
    },
    /// Serve the web portal (building the index from content/ first if there is none).
    Serve {
        /// Address to listen on (default: server.addr, 127.0.0.1:8080).
        #[arg(long)]
        addr: Option<String>,
    },
    /// Search from the command line.
    Search {
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Group results by document.
        #[arg(long)]
        group: bool,
        /// Show facet counts.
        #[arg(long)]
        facets: bool,
    },
    /// Measure relevance on a query file with known answers.
    Eval {
        #[arg(long)]
        queries: PathBuf,
        /// What the query file's answers are: law articles, or procedures (mã thủ tục; measured
        /// beside a naive baseline built in the same run).
        #[arg(long, value_enum, default_value_t = EvalKind::Laws)]
        kind: EvalKind,
        /// Write the JSON report (metrics and every missed query) here.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Fail (exit 1) when R@10 is below this.
        #[arg(long)]
        min_recall_at_10: Option<f64>,
        /// Fail (exit 1) when MRR@10 is below this.
        #[arg(long)]
        min_mrr_at_10: Option<f64>,
        /// Also write each query's first-stage candidates with their rerank features (JSONL,
        /// the input of `src/search/fit_rerank.py`).
        #[arg(long)]
        dump_features: Option<PathBuf>,
    },
    /// Measure engine latency (one thread) and throughput (all cores) on a query file.
    Bench {
        #[arg(long)]
        queries: PathBuf,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Seconds of the throughput run.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Write the figures as JSON here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Measure the engine alone: the ids of the first page's articles (what the naive
        /// baseline is timed on), without loading stored articles or computing snippets.
        #[arg(long)]
        no_snippets: bool,
        /// Measure the results page as the portal asks for it: facet counts over the result
        /// window, and snippets.
        #[arg(long, conflicts_with = "no_snippets")]
        facets: bool,
    },
    /// Staff accounts of the feedback service.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Citizens' questions and feedback: measure routing, send pending mail.
    Feedback {
        #[command(subcommand)]
        action: FeedbackCommand,
    },
    /// Write a curated content/ directory from the full code: the given đề mục and the documents
    /// their articles cite.
    Curate {
        #[arg(long)]
        phapdien: PathBuf,
        /// Đề mục codes, comma-separated ("15.3,8.4").
        #[arg(long, value_delimiter = ',')]
        demuc: Vec<String>,
        #[arg(long, default_value = "content")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EvalKind {
    Laws,
    Procedures,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input (one line).
    Add {
        username: String,
        /// administrator, intake or unit.
        #[arg(long)]
        role: String,
        /// The unit's code (from the units file), for `--role unit`.
        #[arg(long)]
        unit: Option<String>,
    },
}

#[derive(Subcommand)]
enum FeedbackCommand {
    /// Route every question of a procedures-questions file and report ministry- and unit-level
    /// accuracy against the ministry (and lĩnh vực → unit) of its relevant procedure.
    RoutingEval {
        #[arg(long)]
        questions: PathBuf,
        /// Procedures file (default: feedback.procedures_file).
        #[arg(long)]
        procedures: Option<PathBuf>,
        /// Write the JSON report here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Fail (exit 1) when ministry-level accuracy is below this.
        #[arg(long)]
        min_ministry_accuracy: Option<f64>,
    },
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = cli.index_dir {
        config.index_dir = dir;
    }
    match cli.command {
        Command::Index {
            content,
            no_content,
            phapdien,
            procedures,
            parse_report,
            no_crawl,
        } => {
            let content = (!no_content).then(|| content.unwrap_or(config.content_dir.clone()));
            let phapdien = phapdien.or(config.phapdien_dir.clone());
            let procedures = procedures.or(config.procedures_dir.clone());
            let crawl = (!no_crawl).then_some(config.crawl.store_dir.as_path());
            cmd_index(
                &config.index_dir,
                content.as_deref(),
                phapdien.as_deref(),
                procedures.as_deref(),
                parse_report.as_deref(),
                crawl,
            )
        }
        Command::Crawl {
            index_url,
            store,
            seed_file,
            min_delay_ms,
            concurrency,
            no_index,
            summary,
        } => {
            if let Some(v) = index_url {
                config.crawl.index_url = v;
            }
            if let Some(v) = store {
                config.crawl.store_dir = v;
            }
            if let Some(v) = seed_file {
                config.crawl.seed_file = Some(v);
            }
            if let Some(v) = min_delay_ms {
                config.crawl.min_delay_ms = v;
            }
            if let Some(v) = concurrency {
                config.crawl.per_host_concurrency = v;
            }
            config.validate()?;
            cmd_crawl(&config, !no_index, summary.as_deref(), true)
        }
        Command::Mirror { site, addr } => cmd_mirror(&site, &addr),
        Command::CrawlFidelity {
            site,
            reference,
            out,
            min_text,
            min_metadata,
        } => cmd_crawl_fidelity(&site, &reference, out.as_deref(), min_text, min_metadata),
        Command::Serve { addr } => {
            if let Some(addr) = addr {
                config.server.addr = addr;
                config.validate()?;
            }
            cmd_serve(&config)
        }
        Command::User {
            action:
                UserCommand::Add {
                    username,
                    role,
                    unit,
                },
        } => cmd_user_add(&config, &username, &role, unit.as_deref()),
        Command::Feedback {
            action:
                FeedbackCommand::RoutingEval {
                    questions,
                    procedures,
                    out,
                    min_ministry_accuracy,
                },
        } => cmd_routing_eval(
            &config,
            &questions,
            procedures.as_deref(),
            out.as_deref(),
            min_ministry_accuracy,
        ),
        Command::Search {
            query,
            limit,
            group,
            facets,
        } => cmd_search(&config.index_dir, &query, limit, group, facets),
        Command::Eval {
            queries,
            kind: EvalKind::Procedures,
            report,
            min_recall_at_10,
            min_mrr_at_10,
            dump_features,
        } => procedures_cli::eval(
            &config.index_dir,
            &config.lexicon_path(),
            &queries,
            report.as_deref(),
            (min_recall_at_10, min_mrr_at_10),
            dump_features.as_deref(),
        ),
        Command::Eval {
            queries,
            kind: EvalKind::Laws,
            report,
            min_recall_at_10,
            min_mrr_at_10,
            dump_features,
        } => cmd_eval(
            &config.index_dir,
            &queries,
            report.as_deref(),
            min_recall_at_10,
            min_mrr_at_10,
            dump_features.as_deref(),
        ),
        Command::Bench {
            queries,
            rounds,
            seconds,
            out,
            no_snippets,
            facets,
        } => cmd_bench(
            &config.index_dir,
            &queries,
            rounds,
            seconds,
            out.as_deref(),
            match (no_snippets, facets) {
                (true, _) => BenchMode::Engine,
                (_, true) => BenchMode::Portal,
                _ => BenchMode::Page,
            },
        ),
        Command::Curate {
            phapdien,
            demuc,
            out,
        } => cmd_curate(&phapdien, &demuc, &out),
    }
}

struct Bar(ProgressBar);

impl index::Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn print_report(what: &str, report: &Report) {
    eprintln!(
        "{what}: {} lines read, {} articles accepted ({} without text in the source), {} replaced (same id), {} documents, {} rejected",
        report.lines_read,
        report.articles_accepted,
        report.articles_without_text,
        report.articles_replaced,
        report.documents,
        report.rejected.len()
    );
    for r in report.rejected.iter().take(50) {
        eprintln!("  rejected: {r}");
    }
    if report.rejected.len() > 50 {
        eprintln!("  ... and {} more", report.rejected.len() - 50);
    }
}

/// The law corpus as `tracuu index` reads it: the parsed code, then the crawl store (newer than
/// the parsed snapshot, so read after it: same ids are replaced), then the curated content, which
/// wins. Returns the corpus, its sources and the number of rejected records (each printed).
fn load_law_corpus(
    content: Option<&Path>,
    phapdien: Option<&Path>,
    crawl: Option<&Path>,
) -> Result<(Corpus, Vec<String>, usize)> {
    let mut corpus = Corpus::new();
    let mut sources = Vec::new();
    let mut rejected = 0;
    if let Some(dir) = phapdien {
        let mut report = Report::default();
        ingest::load_phapdien(dir, &mut corpus, &mut report)?;
        print_report(&format!("phapdien {}", dir.display()), &report);
        rejected += report.rejected.len();
        sources.push(format!("phapdien:{}", dir.display()));
    }
    if let Some(dir) = crawl.filter(|d| d.join(ingest::CONTENT_DOCUMENTS_FILE).exists()) {
        let mut report = Report::default();
        ingest::load_content(dir, &mut corpus, &mut report)?;
        print_report(&format!("crawl store {}", dir.display()), &report);
        rejected += report.rejected.len();
        sources.push(format!("crawl:{}", dir.display()));
    }
    if let Some(dir) = content {
        let mut report = Report::default();
        ingest::load_content(dir, &mut corpus, &mut report)?;
        print_report(&format!("content {}", dir.display()), &report);
        rejected += report.rejected.len();
        sources.push(format!("content:{}", dir.display()));
    }
    if corpus.articles().is_empty() {
        // Procedures live in a law index generation (their legal basis resolves against it),
        // so `--procedures` alone is not enough.
        bail!(
            "nothing to index: no law articles were read; give --phapdien DIR or a content \
             directory (procedures are stored in the law index, beside the articles they cite)"
        );
    }
    Ok((corpus, sources, rejected))
}

fn cmd_index(
    root: &Path,
    content: Option<&Path>,
    phapdien: Option<&Path>,
    procedures_dir: Option<&Path>,
    parse_report: Option<&Path>,
    crawl: Option<&Path>,
) -> Result<()> {
    let started = Instant::now();
    let (corpus, mut sources, mut rejected) = load_law_corpus(content, phapdien, crawl)?;
    let curated = content
        .map(|dir| dir.join(procedures_cli::CONTENT_SUBDIR))
        .filter(|dir| dir.exists());
    let (procedures, procedure_rejects) = procedures_cli::load(
        curated.as_deref(),
        procedures_dir,
        &corpus,
        parse_report,
        &mut sources,
    )?;
    rejected += procedure_rejects;
    let loaded = started.elapsed();
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{spinner} indexing [{bar:40}] {pos}/{len} articles ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let write_procedures = |generation: &Path| {
        tracuu::procedures::build(generation, &procedures)
            .map(|_| ())
            .map_err(|e| index::IndexError::Part {
                part: "procedures",
                source: Box::new(e),
            })
    };
    let meta = index::build_with(root, &corpus, sources, &Bar(bar), &write_procedures)?;
    eprintln!(
        "indexed {} articles of {} documents and {} procedures into {} (load {:.1} s, total {:.1} s)",
        meta.articles,
        meta.documents,
        procedures.len(),
        root.display(),
        loaded.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    if rejected > 0 {
        bail!("{rejected} record(s) rejected (listed above); the index was built without them");
    }
    Ok(())
}

fn cmd_serve(config: &Config) -> Result<()> {
    let root = &config.index_dir;
    match index::current_generation(root).and_then(|g| index::read_meta(&g)) {
        Ok(_) => {}
        Err(e @ (index::IndexError::Missing { .. } | index::IndexError::SchemaMismatch { .. })) => {
            // The index is generated data: one this program cannot read is built again.
            eprintln!(
                "{e}\nbuilding the index in {} from {} first",
                root.display(),
                config.content_dir.display()
            );
            cmd_index(
                root,
                Some(&config.content_dir),
                config.phapdien_dir.as_deref(),
                config.procedures_dir.as_deref(),
                None,
                Some(&config.crawl.store_dir),
            )?;
        }
        Err(e) => return Err(e).context("looking for the index"),
    }
    let addr: SocketAddr = config.server.addr.parse()?;
    if let Some(seconds) = config.crawl.schedule_seconds {
        // One thread, so one crawl at a time: the next starts `seconds` after the previous one
        // ended. The store's lock keeps out a `tracuu crawl` run by hand meanwhile, the index's
        // lock an index build; the server picks up the new generation by polling CURRENT.
        let config = config.clone();
        std::thread::Builder::new()
            .name("crawl-schedule".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(Duration::from_secs(seconds));
                    tracing::info!("scheduled crawl starting");
                    let started = Instant::now();
                    let result = cmd_crawl(&config, true, None, false);
                    let took_ms = started.elapsed().as_millis() as u64;
                    match result {
                        Ok(()) => tracing::info!(took_ms, "scheduled crawl finished"),
                        Err(e) => tracing::warn!(
                            took_ms,
                            error = %format!("{e:#}"),
                            "scheduled crawl failed"
                        ),
                    }
                }
            })?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let feedback = runtime
        .block_on(Feedback::open(&config.feedback))
        .context("opening the feedback store")?;
    let feedback = std::sync::Arc::new(feedback);
    runtime.spawn(feedback.clone().run_sweeper(Duration::from_secs(600)));
    match &config.feedback.smtp {
        Some(smtp) => {
            let mailer = feedback::SmtpMailer::new(&smtp.host, smtp.port, &smtp.from)?;
            runtime.spawn(
                feedback
                    .clone()
                    .run_outbox(std::sync::Arc::new(mailer), Duration::from_secs(30)),
            );
        }
        None => eprintln!("no [feedback.smtp]: mail to submitters waits in the outbox"),
    }
    let mut server = config.server.clone();
    server.lexicon = Some(config.lexicon_path());
    let state = tracuu::web::AppState::open_with(root, &server, Some(feedback))
        .with_context(|| format!("opening the index in {}", root.display()))?;
    runtime
        .block_on(tracuu::web::serve(state, addr, &config.server))
        .with_context(|| format!("serving on {addr}"))
}

fn cmd_user_add(config: &Config, username: &str, role: &str, unit: Option<&str>) -> Result<()> {
    let Some(role) = Role::parse(role) else {
        bail!("--role must be administrator, intake or unit, not {role:?}");
    };
    if username.is_empty()
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        bail!("the user name may hold ASCII letters, digits, '.', '_' and '-' only");
    }
    let units = Units::load(&config.feedback.units_file)?;
    match (role, unit) {
        (Role::UnitStaff, None) => bail!("--role unit needs --unit CODE"),
        (Role::UnitStaff, Some(u)) if units.get(u).is_none() => {
            bail!(
                "no unit with code {u:?} in {}",
                config.feedback.units_file.display()
            )
        }
        (Role::Administrator | Role::Intake, Some(_)) => bail!("--unit is for --role unit only"),
        _ => {}
    }
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    let hash = hash_password(password)?;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let url = match &config.feedback.database_url {
                Some(url) => url.clone(),
                None => {
                    std::fs::create_dir_all(&config.feedback.data_dir)?;
                    Store::sqlite_url(&config.feedback.data_dir)
                }
            };
            let store = Store::open(&url).await?;
            store.add_user(username, &hash, role.slug(), unit).await?;
            store.close().await;
            anyhow::Ok(())
        })?;
    println!("account {username} created ({})", role.slug());
    Ok(())
}

fn cmd_routing_eval(
    config: &Config,
    questions: &Path,
    procedures: Option<&Path>,
    out: Option<&Path>,
    min_ministry_accuracy: Option<f64>,
) -> Result<()> {
    let Some(procedures) = procedures.or(config.feedback.procedures_file.as_deref()) else {
        bail!("give --procedures or set feedback.procedures_file");
    };
    let units = Units::load(&config.feedback.units_file)?;
    let (procedures, skipped) = load_procedures(procedures)?;
    let started = Instant::now();
    let model = RoutingModel::new(units, procedures, Vec::new())?;
    let report = feedback::evaluate(&model, questions)?;
    println!(
        "{} questions (procedures skipped: {skipped}), {:.1} s",
        report.questions,
        started.elapsed().as_secs_f64()
    );
    println!(
        "ministry top-1 accuracy: {:.3} ({}/{}); leave-one-out: {:.3}",
        report.ministry_accuracy,
        report.ministry_correct,
        report.questions,
        report.leave_one_out_ministry_accuracy
    );
    println!(
        "Bộ Tư pháp unit accuracy: {:.3} ({}/{}); leave-one-out: {:.3}",
        report.unit_accuracy,
        report.unit_correct,
        report.home_questions,
        report.leave_one_out_unit_accuracy
    );
    for m in report.misses.iter().take(20) {
        println!("  miss {m}");
    }
    if let Some(out) = out {
        std::fs::write(out, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", out.display()))?;
    }
    if let Some(min) = min_ministry_accuracy
        && report.ministry_accuracy < min
    {
        bail!(
            "ministry accuracy {:.3} is below {min}",
            report.ministry_accuracy
        );
    }
    Ok(())
}

fn open(root: &Path) -> Result<LawIndex> {
    LawIndex::open(root).with_context(|| format!("opening the index in {}", root.display()))
}

fn cmd_search(root: &Path, query: &str, limit: usize, group: bool, facets: bool) -> Result<()> {
    let index = open(root)?;
    let mut request = SearchRequest::new(query)?.paginate(1, limit)?;
    request.group_by_document = group;
    request.facets = facets;
    let results = search::search(&index, &request)?;
    let show_hit = |h: &search::Hit, indent: &str| {
        let doc = h.document.as_ref();
        println!(
            "{indent}{:.2}  {}  {}  [{} {}]",
            h.score,
            h.article.label,
            h.article.title,
            doc.map_or("", |d| d.doc_type.as_str()),
            doc.map_or("", |d| d.so_hieu.as_str()),
        );
        for f in &h.fragments {
            let text: String = f
                .spans
                .iter()
                .map(|s| {
                    if s.highlight {
                        format!("[{}]", s.text)
                    } else {
                        s.text.clone()
                    }
                })
                .collect();
            println!(
                "{indent}    {}{text}{}",
                if f.leading { "…" } else { "" },
                if f.trailing { "…" } else { "" }
            );
        }
    };
    if let Some(doc) = &results.number_match {
        println!("= {} {} {}", doc.doc_type, doc.so_hieu, doc.title);
    }
    for h in &results.hits {
        show_hit(h, "");
    }
    for g in &results.groups {
        let doc = g.document.as_ref();
        println!(
            "{:.2}  {} {}  ({} articles)",
            g.best_score,
            doc.map_or(g.doc_key.as_str(), |d| d.so_hieu.as_str()),
            doc.map_or("", |d| d.title.as_str()),
            g.matched_articles
        );
        for h in &g.hits {
            show_hit(h, "    ");
        }
    }
    if let Some(f) = &results.facets {
        println!("{}", serde_json::to_string_pretty(f)?);
    }
    eprintln!("{} µs", results.took_us);
    Ok(())
}

fn cmd_eval(
    root: &Path,
    queries: &Path,
    report_path: Option<&Path>,
    min_r10: Option<f64>,
    min_mrr: Option<f64>,
    dump_features: Option<&Path>,
) -> Result<()> {
    let index = open(root)?;
    let queries = tracuu::eval::load_queries(queries)?;
    if let Some(path) = dump_features {
        let mut out = String::new();
        for q in &queries {
            let Ok(request) = SearchRequest::new(&q.query) else {
                continue;
            };
            let found = search::candidate_features(&index, &request)?;
            out.push_str(&feature_dump_line(
                q,
                &search::FEATURE_NAMES,
                found.reranked,
                &found.ids,
                &found.features,
            ));
        }
        std::fs::write(path, out).with_context(|| format!("writing {}", path.display()))?;
    }
    let report = tracuu::eval::evaluate(&queries, |q| search::ranked_ids(&index, q, 100));
    println!("{}", report.metrics);
    if let Some(path) = report_path {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!(
            "report with {} missed queries: {}",
            report.missed_at_10.len(),
            path.display()
        );
    }
    check_floors(&report.metrics, min_r10, min_mrr)
}

/// One question's line of a feature dump, the input of `src/search/fit_rerank.py`: its
/// first-stage candidates, best first, each with its rerank features.
fn feature_dump_line<F: serde::Serialize>(
    q: &tracuu::eval::EvalQuery,
    names: &[&str],
    reranked: bool,
    ids: &[String],
    features: &[F],
) -> String {
    let candidates: Vec<serde_json::Value> = ids
        .iter()
        .zip(features)
        .map(|(id, f)| serde_json::json!({"id": id, "f": f}))
        .collect();
    let line = serde_json::json!({
        "qid": q.qid,
        "relevant": q.relevant,
        "features": names,
        "reranked": reranked,
        "candidates": candidates,
    });
    format!("{line}\n")
}

/// Fails when R@10 or MRR@10 is below its floor.
fn check_floors(
    metrics: &tracuu::eval::Metrics,
    min_r10: Option<f64>,
    min_mrr: Option<f64>,
) -> Result<()> {
    if let Some(min) = min_r10
        && metrics.recall_at_10 < min
    {
        bail!("R@10 {:.4} is below the floor {min}", metrics.recall_at_10);
    }
    if let Some(min) = min_mrr
        && metrics.mrr_at_10 < min
    {
        bail!("MRR@10 {:.4} is below the floor {min}", metrics.mrr_at_10);
    }
    Ok(())
}

/// What `tracuu bench` times per query.
#[derive(Clone, Copy)]
enum BenchMode {
    /// The first page's ids: ranking alone.
    Engine,
    /// The first page with stored articles and snippets.
    Page,
    /// The page with facet counts too, as the portal asks for it.
    Portal,
}

fn cmd_bench(
    root: &Path,
    queries: &Path,
    rounds: usize,
    seconds: u64,
    out: Option<&Path>,
    mode: BenchMode,
) -> Result<()> {
    let index = open(root)?;
    let queries: Vec<String> = tracuu::eval::load_queries(queries)?
        .into_iter()
        .map(|q| q.query)
        .collect();
    let run = |q: &String| {
        if let Ok(mut r) = SearchRequest::new(q) {
            match mode {
                BenchMode::Engine => {
                    let _ = search::search_ids(&index, &r, r.page_size());
                }
                BenchMode::Page => {
                    let _ = search::search(&index, &r);
                }
                BenchMode::Portal => {
                    r.facets = true;
                    let _ = search::search(&index, &r);
                }
            }
        }
    };
    let latency = tracuu::bench::latency(&queries, rounds, run);
    println!("engine latency, 1 thread: {latency}");
    let mut slowest: Vec<(Duration, &str)> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            run(q);
            (t.elapsed(), q.as_str())
        })
        .collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (took, q) in slowest.iter().take(5) {
        println!("  slow: {:.2} ms  {q}", took.as_secs_f64() * 1000.0);
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let qps = tracuu::bench::throughput(&queries, threads, Duration::from_secs(seconds), run);
    println!("throughput, {threads} threads: {qps:.0} queries/s");
    if let Some(path) = out {
        let json = serde_json::json!({
            "index": index.meta,
            "queries": queries.len(),
            "latency_1_thread": latency,
            "throughput_qps": qps,
            "threads": threads,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&json)?)?;
    }
    Ok(())
}

fn cmd_curate(phapdien: &Path, demuc: &[String], out: &Path) -> Result<()> {
    if demuc.is_empty() {
        bail!("give the đề mục to keep with --demuc 15.3,8.4,...");
    }
    let mut corpus = Corpus::new();
    let mut report = Report::default();
    ingest::load_phapdien(phapdien, &mut corpus, &mut report)?;
    corpus.retain_articles(|a| demuc.contains(&a.demuc_code));
    ingest::write_content(&corpus, out)?;
    eprintln!(
        "wrote {} articles of {} documents to {}",
        corpus.articles().len(),
        corpus.documents.len(),
        out.display()
    );
    Ok(())
}

struct CrawlBar(ProgressBar);

impl crawl::Progress for CrawlBar {
    fn start(&self, pages: u64) {
        self.0.set_length(pages);
    }
    fn page(&self, url: &str, outcome: &crawl::PageOutcome) {
        if let crawl::PageOutcome::Failed(reason) = outcome {
            self.0.println(format!("failed: {reason}"));
        }
        self.0
            .set_message(url.rsplit('/').next().unwrap_or(url).to_owned());
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Crawls into the store, then brings the index up to date with content/ and the store when the
/// store changed (or a previous crawl's changes were never indexed): an incremental update of the
/// live generation, or a full build when it cannot be updated.
fn cmd_crawl(
    config: &Config,
    reindex: bool,
    summary_out: Option<&Path>,
    progress_bar: bool,
) -> Result<()> {
    let c = &config.crawl;
    let seeds = match &c.seed_file {
        Some(path) => crawl::parse_seeds(
            &std::fs::read_to_string(path)
                .with_context(|| format!("reading the seed list {}", path.display()))?,
        ),
        None => crawl::parse_seeds(crawl::DEFAULT_SEEDS_TSV),
    };
    let contact = c
        .contact_url
        .clone()
        .unwrap_or_else(|| config.server.public_url());
    let opts = crawl::CrawlOptions {
        store_dir: c.store_dir.clone(),
        index_url: c.index_url.clone(),
        seeds,
        policy: crawl::policy_from(
            &contact,
            c.per_host_concurrency,
            Duration::from_millis(c.min_delay_ms),
            Duration::from_millis(c.timeout_ms),
            c.retries,
            c.max_page_bytes,
            c.max_redirects,
        ),
        today: tracuu::model::Date::today(),
    };
    let progress = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(
            "{spinner} crawling [{bar:40}] {pos}/{len} pages ({eta}) {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if !progress_bar {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let summary = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(crawl::run(&opts, &CrawlBar(progress)))
        .with_context(|| format!("crawling {}", c.index_url))?;
    eprintln!(
        "crawled {} pages in {:.1} s{}: {} fetched, {} not modified, {} unchanged, {} gone; articles: {} new, {} changed, {} removed, {} in the store{}; {} failed",
        summary.pages,
        summary.took_ms as f64 / 1000.0,
        if summary.resumed_done > 0 {
            format!(" (resumed: {} done before)", summary.resumed_done)
        } else {
            String::new()
        },
        summary.fetched,
        summary.not_modified,
        summary.unchanged,
        summary.pages_gone,
        summary.articles_new,
        summary.articles_changed,
        summary.articles_removed,
        summary.articles_total,
        if summary.articles_skipped.is_empty() {
            String::new()
        } else {
            format!(
                " ({} without title, text or citation, not stored)",
                summary.articles_skipped.len()
            )
        },
        summary.failed.len(),
    );
    for (url, reason) in &summary.failed {
        eprintln!("  failed: {url}: {reason}");
    }
    let mut index_ms = None;
    let mut index_update = serde_json::Value::Null;
    if reindex && summary.index_pending {
        let started = Instant::now();
        let content = Some(config.content_dir.as_path())
            .filter(|d| d.join(ingest::CONTENT_DOCUMENTS_FILE).exists());
        let (corpus, sources, rejected) =
            load_law_corpus(content, config.phapdien_dir.as_deref(), Some(&c.store_dir))?;
        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template(
                "{spinner} updating the index [{bar:40}] {pos}/{len} articles ({eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        if !progress_bar {
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        index_update = match index::update(&config.index_dir, &corpus, sources, &Bar(bar))? {
            index::Update::Unchanged => {
                eprintln!("the index already holds the store as it is");
                serde_json::json!({ "mode": "unchanged" })
            }
            index::Update::Updated(r) => {
                eprintln!(
                    "index updated in place: {} articles added, {} changed, {} removed ({:.1} s, of which {:.1} s merging)",
                    r.added.len(),
                    r.changed.len(),
                    r.removed.len(),
                    r.took_ms as f64 / 1000.0,
                    r.merge_ms as f64 / 1000.0
                );
                serde_json::json!({
                    "mode": "incremental",
                    "added": r.added.len(),
                    "changed": r.changed.len(),
                    "removed": r.removed.len(),
                    "took_ms": r.took_ms,
                    "merge_ms": r.merge_ms,
                })
            }
            index::Update::NeedsRebuild { reason } => {
                eprintln!("full rebuild of the index: {reason}");
                cmd_index(
                    &config.index_dir,
                    content,
                    config.phapdien_dir.as_deref(),
                    config.procedures_dir.as_deref(),
                    None,
                    Some(&c.store_dir),
                )?;
                serde_json::json!({ "mode": "full", "reason": reason })
            }
        };
        if rejected > 0 {
            bail!("{rejected} record(s) rejected (listed above); the index holds the rest");
        }
        crawl::mark_indexed(&c.store_dir)?;
        index_ms = Some(started.elapsed().as_millis() as u64);
    } else if reindex {
        eprintln!("nothing changed: the index stays as it is");
    }
    if let Some(path) = summary_out {
        let json = serde_json::json!({
            "pages": summary.pages,
            "resumed_done": summary.resumed_done,
            "fetched": summary.fetched,
            "not_modified": summary.not_modified,
            "unchanged": summary.unchanged,
            "pages_gone": summary.pages_gone,
            "articles_new": summary.articles_new,
            "articles_changed": summary.articles_changed,
            "articles_removed": summary.articles_removed,
            "articles_total": summary.articles_total,
            "articles_skipped": summary.articles_skipped,
            "failed": summary.failed,
            "crawl_ms": summary.took_ms,
            "index_ms": index_ms,
            "index": index_update,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if !summary.failed.is_empty() {
        bail!(
            "{} page(s) failed (listed above); their previous records were kept",
            summary.failed.len()
        );
    }
    Ok(())
}

fn cmd_mirror(sites: &[PathBuf], addr: &str) -> Result<()> {
    let mut archive = crawl::SiteArchive::default();
    for path in sites {
        archive.overlay(
            crawl::SiteArchive::open(path)
                .with_context(|| format!("reading {}", path.display()))?,
        );
    }
    eprintln!("mirror: {} files", archive.files.len());
    let addr: SocketAddr = addr.parse().with_context(|| format!("--addr {addr:?}"))?;
    let site = std::sync::Arc::new(arc_swap::ArcSwap::from_pointee(
        tracuu::web::MirrorSite::new(archive),
    ));
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(tracuu::web::serve_mirror(site, addr))
        .with_context(|| format!("serving the mirror on {addr}"))
}

fn cmd_crawl_fidelity(
    site: &Path,
    reference: &Path,
    out: Option<&Path>,
    min_text: Option<f64>,
    min_metadata: Option<f64>,
) -> Result<()> {
    let archive =
        crawl::SiteArchive::open(site).with_context(|| format!("reading {}", site.display()))?;
    let report = crawl::fidelity(&archive, reference)
        .with_context(|| format!("reading {}", reference.display()))?;
    println!(
        "{} pages ({} failed), {} articles extracted, {} in the reference: same id {}, same text modulo whitespace {} ({:.4}), byte for byte {}, same metadata {} ({:.4}), same label and title {}, same chapter {}, same related {}, missing {}, extra {}",
        report.pages,
        report.pages_failed.len(),
        report.extracted_articles,
        report.reference_articles,
        report.same_id,
        report.same_text,
        report.same_text_ratio,
        report.same_text_exact,
        report.same_metadata,
        report.same_metadata_ratio,
        report.same_label_title,
        report.same_chapter,
        report.same_related,
        report.missing_ids.len(),
        report.extra_ids.len(),
    );
    println!("disagreements by field: {:?}", report.field_disagreements);
    if let Some(path) = out {
        std::fs::write(path, serde_json::to_vec_pretty(&report)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(min) = min_text
        && report.same_text_ratio < min
    {
        bail!("same text {:.4} is below {min}", report.same_text_ratio);
    }
    if let Some(min) = min_metadata
        && report.same_metadata_ratio < min
    {
        bail!(
            "same metadata {:.4} is below {min}",
            report.same_metadata_ratio
        );
    }
    Ok(())
}
