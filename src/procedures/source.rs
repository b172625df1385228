//! The national portal's records as published (`procedures-*.jsonl.gz` in
//! `../shared/data/procedures`, and the curated copy in `content/procedures/`), read line by
//! line. A malformed line is a [`Rejection`], never a silent skip.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ProcedureError;

/// One line of the source file: the fields this program reads; others are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SourceRecord {
    pub ma_thu_tuc: String,
    pub ten_thu_tuc: String,
    pub bo_nganh: String,
    pub linh_vuc: String,
    pub cap_thuc_hien: String,
    pub cap_thuc_hien_list: Vec<String>,
    pub loai_thu_tuc: String,
    pub so_quyet_dinh: String,
    pub doi_tuong_thuc_hien: String,
    pub co_quan_thuc_hien: String,
    pub co_quan_thuc_hien_list: Vec<String>,
    pub co_quan_co_tham_quyen: String,
    pub trinh_tu_thuc_hien: String,
    pub cach_thuc_thuc_hien: String,
    pub thanh_phan_ho_so: String,
    pub thanh_phan_ho_so_parsed: Option<Vec<SourceDossierGroup>>,
    pub can_cu_phap_ly: String,
    pub can_cu_so_ky_hieu: Vec<String>,
    pub yeu_cau_dieu_kien: String,
    pub ket_qua_xu_ly: String,
    pub thu_tuc_lien_quan: String,
    pub detail_url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SourceDossierGroup {
    pub giay_to: Vec<SourceDossierItem>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SourceDossierItem {
    pub mau_don: Option<String>,
}

impl SourceRecord {
    /// The form file names the source's own best-effort parse found.
    pub fn form_names(&self) -> Vec<&str> {
        self.thanh_phan_ho_so_parsed
            .iter()
            .flatten()
            .flat_map(|g| &g.giay_to)
            .filter_map(|i| i.mau_don.as_deref())
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect()
    }
}

/// A line that could not be read as a procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub file: PathBuf,
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.reason)
    }
}

/// The source files of a directory: `procedures*.jsonl` or `.jsonl.gz`, without the
/// `*-raw-text*` copy (the same records with the page text), in name order.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, ProcedureError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ProcedureError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("procedures")
                && !name.contains("raw-text")
                && (name.ends_with(".jsonl") || name.ends_with(".jsonl.gz"))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Reads every record of `path`; malformed lines go to `rejected`.
pub fn read(
    path: &Path,
    rejected: &mut Vec<Rejection>,
) -> Result<Vec<SourceRecord>, ProcedureError> {
    let io = |source| ProcedureError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut out = Vec::new();
    for (i, line) in BufReader::new(reader).lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let reject = |reason: String| Rejection {
            file: path.to_owned(),
            line: i + 1,
            reason,
        };
        match serde_json::from_str::<SourceRecord>(&line) {
            Ok(r) if r.ma_thu_tuc.trim().is_empty() => {
                rejected.push(reject("`ma_thu_tuc` is empty".to_owned()))
            }
            Ok(r) if r.ten_thu_tuc.trim().is_empty() => {
                rejected.push(reject("`ten_thu_tuc` is empty".to_owned()))
            }
            Ok(r) => out.push(r),
            Err(e) => rejected.push(reject(e.to_string())),
        }
    }
    Ok(out)
}
