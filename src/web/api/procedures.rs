//! `/api/v1/procedures`: search with filters and counts, one procedure, name suggestions. The
//! JSON shapes are this file's own, apart from `procedures::Procedure`.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Serialize;
use serde_json::{Value, json};

use super::openapi::{error_response, json_response, path_param, query_param};

use crate::procedures::{self, ChannelKind, Fee, MAX_SUGGESTIONS, Procedure};
use crate::search::Resolution;
use crate::web::error::{ApiError, WebError};
use crate::web::pages::procedures::ProcedureParams;
use crate::web::pages::{ApiSegment, blocking};
use crate::web::state::AppState;
use crate::web::views::doc_url;
use crate::web::views::procedures::{channel_label, procedure_url};

#[derive(Serialize)]
pub struct ProcedureSummary {
    pub ma: String,
    pub name: String,
    pub ministry: String,
    pub field: String,
    pub levels: Vec<String>,
    pub subjects: Vec<String>,
    pub channels: Vec<&'static str>,
    pub url: String,
    pub api_url: String,
}

impl From<&Procedure> for ProcedureSummary {
    fn from(p: &Procedure) -> ProcedureSummary {
        let url = procedure_url(&p.ma);
        ProcedureSummary {
            ma: p.ma.clone(),
            name: p.name.clone(),
            ministry: p.ministry.clone(),
            field: p.field.clone(),
            levels: p.levels.clone(),
            subjects: p.subjects.clone(),
            channels: p.channel_kinds().into_iter().map(|k| k.slug()).collect(),
            api_url: format!("/api/v1/procedures/{}", &url["/thu-tuc/".len()..]),
            url,
        }
    }
}

#[derive(Serialize)]
pub struct FacetValueJson {
    pub value: String,
    pub label: String,
    pub count: usize,
}

#[derive(Serialize)]
pub struct ProcedureFacetsJson {
    pub kenh: Vec<FacetValueJson>,
    pub cap: Vec<FacetValueJson>,
    #[serde(rename = "linh-vuc")]
    pub linh_vuc: Vec<FacetValueJson>,
    #[serde(rename = "doi-tuong")]
    pub doi_tuong: Vec<FacetValueJson>,
    pub bo: Vec<FacetValueJson>,
}

#[derive(Serialize)]
pub struct ProcedureSearchResponse {
    pub query: String,
    pub page: usize,
    pub page_size: usize,
    pub total: usize,
    /// Official terms the colloquial lexicon added.
    pub expanded: Vec<String>,
    pub hits: Vec<ProcedureSummary>,
    pub facets: ProcedureFacetsJson,
    pub took_us: u64,
}

#[derive(Serialize)]
pub struct FeeJson {
    /// free, amount, not_stated.
    pub kind: &'static str,
    pub vnd: Option<u64>,
    pub text: Option<String>,
}

#[derive(Serialize)]
pub struct ChannelJson {
    pub kind: &'static str,
    pub label: &'static str,
    pub deadline: Option<String>,
    pub fee: FeeJson,
    pub description: String,
}

#[derive(Serialize)]
pub struct DossierItemJson {
    pub name: String,
    pub form: Option<String>,
    pub quantity: Option<String>,
}

#[derive(Serialize)]
pub struct DossierGroupJson {
    pub case: Option<String>,
    pub items: Vec<DossierItemJson>,
}

#[derive(Serialize)]
pub struct StepJson {
    pub label: String,
    pub text: String,
}

#[derive(Serialize)]
pub struct BasisJson {
    pub title: String,
    pub number: String,
    /// The document's page when it is in the index.
    pub document_url: Option<String>,
}

/// A part with structure when the source allowed it, and always the published text.
#[derive(Serialize)]
pub struct PartJson<T> {
    pub parsed: Option<T>,
    pub published: String,
}

#[derive(Serialize)]
pub struct ProcedureDetail {
    #[serde(flatten)]
    pub summary: ProcedureSummary,
    pub kind: String,
    pub decision: String,
    pub implementing_bodies: Vec<String>,
    pub competent_body: String,
    pub channels: PartJson<Vec<ChannelJson>>,
    pub dossier: PartJson<Vec<DossierGroupJson>>,
    pub steps: PartJson<Vec<StepJson>>,
    pub conditions: String,
    pub results: PartJson<Vec<String>>,
    pub legal_basis: PartJson<Vec<BasisJson>>,
    pub source_url: String,
    /// The same procedure at other levels.
    pub other_levels: Vec<ProcedureSummary>,
}

#[derive(Serialize)]
pub struct ProcedureSuggestion {
    pub label: String,
    pub ma: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct ProcedureSuggestResponse {
    pub query: String,
    pub suggestions: Vec<ProcedureSuggestion>,
}

pub async fn procedures_search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ProcedureSearchResponse>, ApiError> {
    let params =
        ProcedureParams::parse(raw.as_deref().unwrap_or("")).map_err(WebError::BadRequest)?;
    let site = state.site();
    let lexicon = state.lexicon();
    let response = blocking(move || {
        let query = params.query()?;
        let r = procedures::search(&site.procedures, &lexicon, &query)?;
        let plain = |v: &[(String, usize)]| -> Vec<FacetValueJson> {
            v.iter()
                .map(|(k, n)| FacetValueJson {
                    value: k.clone(),
                    label: k.clone(),
                    count: *n,
                })
                .collect()
        };
        Ok(ProcedureSearchResponse {
            query: query.text().to_owned(),
            page: query.page(),
            page_size: query.page_size(),
            total: r.total,
            expanded: r.expanded.clone(),
            hits: r.hits.iter().map(|h| (&*h.procedure).into()).collect(),
            facets: ProcedureFacetsJson {
                kenh: r
                    .facets
                    .channel
                    .iter()
                    .map(|(k, n)| FacetValueJson {
                        value: k.slug().to_owned(),
                        label: channel_label(*k).to_owned(),
                        count: *n,
                    })
                    .collect(),
                cap: plain(&r.facets.level),
                linh_vuc: plain(&r.facets.field),
                doi_tuong: plain(&r.facets.subject),
                bo: plain(&r.facets.ministry),
            },
            took_us: r.took_us,
        })
    })
    .await?;
    Ok(Json(response))
}

fn fee_json(f: &Fee) -> FeeJson {
    match f {
        Fee::Free => FeeJson {
            kind: "free",
            vnd: Some(0),
            text: None,
        },
        Fee::Amount { vnd, text } => FeeJson {
            kind: "amount",
            vnd: Some(*vnd),
            text: Some(text.clone()),
        },
        Fee::NotStated => FeeJson {
            kind: "not_stated",
            vnd: None,
            text: None,
        },
    }
}

fn part<T, U>(s: &procedures::Section<T>, f: impl Fn(&T) -> U) -> PartJson<U> {
    PartJson {
        parsed: s.parsed.as_ref().map(f),
        published: s.published.clone(),
    }
}

pub async fn procedure(
    State(state): State<AppState>,
    ApiSegment(ma): ApiSegment,
) -> Result<Json<ProcedureDetail>, ApiError> {
    let site = state.site();
    let detail = blocking(move || {
        let p = site
            .procedures
            .get(&ma)
            .cloned()
            .ok_or_else(|| WebError::NotFound("Không có thủ tục với mã này.".to_owned()))?;
        Ok(ProcedureDetail {
            summary: (&*p).into(),
            kind: p.kind.clone(),
            decision: p.decision.clone(),
            implementing_bodies: p.implementing_bodies.clone(),
            competent_body: p.competent_body.clone(),
            channels: part(&p.channels, |cs| {
                cs.iter()
                    .map(|c| ChannelJson {
                        kind: c.kind.slug(),
                        label: channel_label(c.kind),
                        deadline: c.deadline.clone(),
                        fee: fee_json(&c.fee),
                        description: c.description.clone(),
                    })
                    .collect()
            }),
            dossier: part(&p.dossier, |gs| {
                gs.iter()
                    .map(|g| DossierGroupJson {
                        case: g.case.clone(),
                        items: g
                            .items
                            .iter()
                            .map(|i| DossierItemJson {
                                name: i.name.clone(),
                                form: i.form.clone(),
                                quantity: i.quantity.clone(),
                            })
                            .collect(),
                    })
                    .collect()
            }),
            steps: part(&p.steps, |ss| {
                ss.iter()
                    .map(|s| StepJson {
                        label: s.label.clone(),
                        text: s.text.clone(),
                    })
                    .collect()
            }),
            conditions: p.conditions.clone(),
            results: part(&p.results, Clone::clone),
            legal_basis: part(&p.legal_basis, |bs| {
                bs.iter()
                    .map(|b| BasisJson {
                        title: b.title.clone(),
                        number: b.number.clone(),
                        document_url: match site.catalog.resolve(&b.number) {
                            Resolution::Found(doc) if b.parsed => Some(doc_url(&doc.key)),
                            _ => None,
                        },
                    })
                    .collect()
            }),
            source_url: p.source_url.clone(),
            other_levels: site
                .procedures
                .at_other_levels(&p.ma)
                .iter()
                .map(|o| (&**o).into())
                .collect(),
        })
    })
    .await?;
    Ok(Json(detail))
}

pub async fn procedures_suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Json<ProcedureSuggestResponse> {
    let q = super::q_of(raw.as_deref());
    // A scan of a few thousand names: cheap enough for the async worker.
    let suggestions = procedures::suggest(&state.site().procedures, &q, MAX_SUGGESTIONS)
        .iter()
        .map(|p| ProcedureSuggestion {
            label: p.name.clone(),
            ma: p.ma.clone(),
            url: procedure_url(&p.ma),
        })
        .collect();
    Json(ProcedureSuggestResponse {
        query: q,
        suggestions,
    })
}

/// The procedure paths and schemas of the OpenAPI document.
pub fn openapi() -> (Value, Value) {
    let channels: Vec<&str> = ChannelKind::ALL.iter().map(|k| k.slug()).collect();
    let paths = json!({
            "/procedures": { "get": {
                "summary": "Tìm thủ tục hành chính (câu hỏi thông thường được hiểu theo cách gọi chính thức)",
                "parameters": [
                    query_param("q", "Việc cần làm, có dấu hoặc không dấu; để trống để duyệt theo bộ lọc.", json!("làm giấy khai sinh cho con"), false),
                    query_param("kenh", &format!("Lọc theo cách nộp hồ sơ: {}.", channels.join(", ")), json!("truc-tuyen"), false),
                    query_param("cap", "Lọc theo cấp thực hiện (lặp lại được).", json!("Cấp xã"), false),
                    query_param("linh-vuc", "Lọc theo lĩnh vực (lặp lại được).", json!("Hộ tịch"), false),
                    query_param("doi-tuong", "Lọc theo đối tượng thực hiện (lặp lại được).", json!("Công dân Việt Nam"), false),
                    query_param("bo", "Lọc theo bộ, ngành (lặp lại được).", json!("Bộ Tư pháp"), false),
                    query_param("trang", "Trang, từ 1 đến 50.", json!(1), false)
                ],
                "responses": {
                    "200": json_response("Một trang thủ tục, với bộ lọc và số lượng", "ProcedureSearchResponse"),
                    "400": error_response("Tham số không hợp lệ")
                }
            }},
            "/procedures/{ma}": { "get": {
                "summary": "Một thủ tục: cách nộp, thời hạn, lệ phí, hồ sơ, các bước, căn cứ pháp lý",
                "parameters": [path_param("ma", "Mã thủ tục trên Cổng Dịch vụ công quốc gia", "1.001193")],
                "responses": {
                    "200": json_response("Thủ tục", "Procedure"),
                    "404": error_response("Không có thủ tục")
                }
            }},
            "/procedures/suggest": { "get": {
                "summary": "Gợi ý tên thủ tục",
                "parameters": [query_param("q", "Một phần tên thủ tục, có dấu hoặc không dấu", json!("dang ky khai"), true)],
                "responses": { "200": json_response("Tối đa 10 gợi ý", "ProcedureSuggestResponse") }
            }},
    });
    let schemas = json!({
            "ProcedureSummary": { "type": "object", "properties": {
                "ma": { "type": "string" }, "name": { "type": "string" },
                "ministry": { "type": "string" }, "field": { "type": "string" },
                "levels": { "type": "array", "items": { "type": "string" } },
                "subjects": { "type": "array", "items": { "type": "string" } },
                "channels": { "type": "array", "items": { "type": "string" } },
                "url": { "type": "string" }, "api_url": { "type": "string" }
            }},
            "ProcedureSearchResponse": { "type": "object", "properties": {
                "query": { "type": "string" }, "page": { "type": "integer" }, "page_size": { "type": "integer" },
                "total": { "type": "integer" },
                "expanded": { "type": "array", "items": { "type": "string" }, "description": "Cách gọi chính thức đã thêm vào câu hỏi" },
                "hits": { "type": "array", "items": { "$ref": "#/components/schemas/ProcedureSummary" } },
                "facets": { "type": "object", "properties": {
                    "kenh": { "$ref": "#/components/schemas/Facet" },
                    "cap": { "$ref": "#/components/schemas/Facet" },
                    "linh-vuc": { "$ref": "#/components/schemas/Facet" },
                    "doi-tuong": { "$ref": "#/components/schemas/Facet" },
                    "bo": { "$ref": "#/components/schemas/Facet" }
                }},
                "took_us": { "type": "integer" }
            }},
            "Procedure": { "allOf": [{ "$ref": "#/components/schemas/ProcedureSummary" }, { "type": "object", "properties": {
                "kind": { "type": "string" }, "decision": { "type": "string" },
                "implementing_bodies": { "type": "array", "items": { "type": "string" } },
                "competent_body": { "type": "string" },
                "channels": { "type": "object", "description": "parsed: null khi nguồn không tách được; published: nguyên văn", "properties": {
                    "parsed": { "type": "array", "nullable": true, "items": { "type": "object", "properties": {
                        "kind": { "type": "string" }, "label": { "type": "string" },
                        "deadline": { "type": "string", "nullable": true },
                        "fee": { "type": "object", "properties": {
                            "kind": { "type": "string", "enum": ["free", "amount", "not_stated"] },
                            "vnd": { "type": "integer", "nullable": true }, "text": { "type": "string", "nullable": true }
                        }},
                        "description": { "type": "string" }
                    }}},
                    "published": { "type": "string" }
                }},
                "dossier": { "type": "object", "properties": {
                    "parsed": { "type": "array", "nullable": true, "items": { "type": "object", "properties": {
                        "case": { "type": "string", "nullable": true },
                        "items": { "type": "array", "items": { "type": "object", "properties": {
                            "name": { "type": "string" }, "form": { "type": "string", "nullable": true },
                            "quantity": { "type": "string", "nullable": true }
                        }}}
                    }}},
                    "published": { "type": "string" }
                }},
                "steps": { "type": "object", "properties": {
                    "parsed": { "type": "array", "nullable": true, "items": { "type": "object", "properties": {
                        "label": { "type": "string" }, "text": { "type": "string" } } } },
                    "published": { "type": "string" }
                }},
                "conditions": { "type": "string" },
                "results": { "type": "object", "properties": {
                    "parsed": { "type": "array", "nullable": true, "items": { "type": "string" } },
                    "published": { "type": "string" }
                }},
                "legal_basis": { "type": "object", "properties": {
                    "parsed": { "type": "array", "nullable": true, "items": { "type": "object", "properties": {
                        "title": { "type": "string" }, "number": { "type": "string" },
                        "document_url": { "type": "string", "nullable": true }
                    }}},
                    "published": { "type": "string" }
                }},
                "source_url": { "type": "string" },
                "other_levels": { "type": "array", "description": "Cùng thủ tục ở cấp khác (tên giống nhau, chỉ khác cấp thực hiện)", "items": { "$ref": "#/components/schemas/ProcedureSummary" } }
            }}]},
            "ProcedureSuggestResponse": { "type": "object", "properties": {
                "query": { "type": "string" },
                "suggestions": { "type": "array", "maxItems": 10, "items": { "type": "object", "properties": {
                    "label": { "type": "string" }, "ma": { "type": "string" }, "url": { "type": "string" }
                }}}
            }},
    });
    (paths, schemas)
}
