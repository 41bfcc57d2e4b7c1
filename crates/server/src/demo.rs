//! Deterministic demo data shaped like the 2018 阿图什 report (filled in by the demo work).

/// A budget unit of the demo data set.
#[derive(Debug, Clone)]
pub struct DemoDepartment {
    /// 主管部门 code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// The demo data set: departments and canonical target documents.
#[derive(Debug, Clone, Default)]
pub struct DemoDataset {
    /// Budget units.
    pub departments: Vec<DemoDepartment>,
    /// Canonical target documents (FORMATS.md §1), one per project.
    pub targets: Vec<serde_json::Value>,
}

/// Builds the demo data set (deterministic).
pub fn demo_dataset() -> DemoDataset {
    DemoDataset::default()
}
