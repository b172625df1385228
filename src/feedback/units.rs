//! The units that receive submissions: Bộ Tư pháp's own units and the other ministries, read
//! from a TOML file (`feedback.units_file`, first written by `make_units.py` from the shared
//! reference data). Former names are aliases: a unit is found by its code, name or any alias.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::FeedbackError;

/// The ministry whose portal this is: its units are `kind = "unit"`.
pub const HOME_MINISTRY: &str = "Bộ Tư pháp";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    /// A unit of Bộ Tư pháp.
    Unit,
    /// Another ministry or central body.
    Ministry,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Phrases of its remit, for routing.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Procedure fields (lĩnh vực, as procedures/ names them) it handles.
    #[serde(default)]
    pub linh_vuc: Vec<String>,
    /// For a ministry: its name in procedures/ (`bo_nganh`).
    #[serde(default)]
    pub procedure_ministry: Option<String>,
}

impl Unit {
    /// The ministry this unit answers for, as procedures/ names it.
    pub fn ministry(&self) -> &str {
        match self.kind {
            UnitKind::Unit => HOME_MINISTRY,
            UnitKind::Ministry => self.procedure_ministry.as_deref().unwrap_or(&self.name),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    unit: Vec<Unit>,
}

/// Every unit, with lookups by code, name and alias.
#[derive(Debug, Clone, Default)]
pub struct Units {
    units: Vec<Unit>,
    by_name: HashMap<String, usize>,
}

impl Units {
    pub fn load(path: &Path) -> Result<Units, FeedbackError> {
        let text = std::fs::read_to_string(path).map_err(|source| FeedbackError::Io {
            path: path.to_owned(),
            source,
        })?;
        Units::from_toml(&text).map_err(|message| FeedbackError::Units {
            path: path.to_owned(),
            message,
        })
    }

    pub fn from_toml(text: &str) -> Result<Units, String> {
        let file: UnitsFile = toml::from_str(text).map_err(|e| e.to_string())?;
        Units::new(file.unit)
    }

    pub fn new(units: Vec<Unit>) -> Result<Units, String> {
        let mut by_name = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            if u.code.is_empty()
                || !u
                    .code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(format!(
                    "unit {:?}: code must be ASCII letters, digits, _",
                    u.name
                ));
            }
            for key in [&u.code, &u.name].into_iter().chain(&u.aliases) {
                let key = fold_key(key);
                if let Some(j) = by_name.insert(key.clone(), i)
                    && j != i
                {
                    return Err(format!(
                        "{key:?} names both {} and {}",
                        units[j].code, u.code
                    ));
                }
            }
        }
        Ok(Units { units, by_name })
    }

    pub fn all(&self) -> &[Unit] {
        &self.units
    }

    /// By code, name or former name, in any case and with or without diacritics.
    pub fn find(&self, name: &str) -> Option<&Unit> {
        self.by_name.get(&fold_key(name)).map(|&i| &self.units[i])
    }

    /// By code exactly.
    pub fn get(&self, code: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.code == code)
    }

    /// The unit a procedure field goes to, among Bộ Tư pháp's units.
    pub fn for_linh_vuc(&self, linh_vuc: &str) -> Option<&Unit> {
        let key = fold_key(linh_vuc);
        self.units
            .iter()
            .find(|u| u.kind == UnitKind::Unit && u.linh_vuc.iter().any(|l| fold_key(l) == key))
    }

    /// The entry for a ministry named as procedures/ names it (`Bộ Tư pháp` has none: its
    /// units stand for it).
    pub fn for_ministry(&self, ministry: &str) -> Option<&Unit> {
        let key = fold_key(ministry);
        self.units.iter().find(|u| {
            u.kind == UnitKind::Ministry
                && (u.procedure_ministry.as_deref().map(fold_key) == Some(key.clone())
                    || fold_key(&u.name) == key)
        })
    }
}

fn fold_key(s: &str) -> String {
    crate::analysis::fold(s.trim()).to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_units_load() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/feedback/units.toml");
        let units = Units::load(&path).unwrap();
        let home = units
            .all()
            .iter()
            .filter(|u| u.kind == UnitKind::Unit)
            .count();
        assert_eq!(home, 20);
        // Former names find the current unit.
        assert_eq!(
            units
                .find("Tổng cục Thi hành án dân sự (ND 98/2022)")
                .unwrap()
                .code,
            "QLTHADS"
        );
        assert_eq!(units.find("cuc ho tro tu phap"), None);
        assert_eq!(units.find("cục bổ trợ tư pháp").unwrap().code, "BTTP");
        assert_eq!(units.for_linh_vuc("Hộ tịch").unwrap().code, "HCTP");
        assert_eq!(units.for_ministry("Bộ Công an").unwrap().code, "BCA");
        assert_eq!(units.get("BTTP").unwrap().ministry(), HOME_MINISTRY);
    }

    #[test]
    fn duplicate_names_are_refused() {
        let err = Units::from_toml(
            "[[unit]]\ncode=\"A\"\nname=\"X\"\nkind=\"unit\"\n[[unit]]\ncode=\"B\"\nname=\"x\"\nkind=\"unit\"\n",
        )
        .unwrap_err();
        assert!(err.contains("names both"), "{err}");
        assert!(Units::from_toml("[[unit]]\ncode=\"A b\"\nname=\"X\"\nkind=\"unit\"\n").is_err());
    }
}
