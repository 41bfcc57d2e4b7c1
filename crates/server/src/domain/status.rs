//! The status of a stored target. This module only answers what the CRUD routes need
//! (may a department still edit or delete it?); the transitions of the review cycle
//! (submit, return, approve) belong to the review work and build on this type.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a target is in its life: 草稿 / 已提交 / 已退回 / 已批复.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TargetStatus {
    /// 草稿: being written by the department.
    Draft,
    /// 已提交: waiting for review; read-only for the department.
    Submitted,
    /// 已退回: returned for changes; editable again.
    Returned,
    /// 已批复: approved with the budget.
    Approved,
}

impl TargetStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Draft => "draft",
            TargetStatus::Submitted => "submitted",
            TargetStatus::Returned => "returned",
            TargetStatus::Approved => "approved",
        }
    }

    /// 草稿 / 已提交 / 已退回 / 已批复 (the review's words).
    pub fn label_zh(self) -> &'static str {
        match self {
            TargetStatus::Draft => "草稿",
            TargetStatus::Submitted => "已提交",
            TargetStatus::Returned => "已退回",
            TargetStatus::Approved => "已批复",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<TargetStatus> {
        match s {
            "draft" => Some(TargetStatus::Draft),
            "submitted" => Some(TargetStatus::Submitted),
            "returned" => Some(TargetStatus::Returned),
            "approved" => Some(TargetStatus::Approved),
            _ => None,
        }
    }

    /// Whether the document may be replaced (`PUT`): drafts and returned targets.
    pub fn allows_edit(self) -> bool {
        matches!(self, TargetStatus::Draft | TargetStatus::Returned)
    }

    /// Whether the target may be deleted: drafts only.
    pub fn allows_delete(self) -> bool {
        self == TargetStatus::Draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_drafts_and_returned_targets_are_editable() {
        for s in [TargetStatus::Draft, TargetStatus::Submitted, TargetStatus::Returned, TargetStatus::Approved] {
            assert_eq!(TargetStatus::parse(s.as_str()), Some(s));
        }
        assert!(TargetStatus::Draft.allows_edit() && TargetStatus::Returned.allows_edit());
        assert!(!TargetStatus::Submitted.allows_edit() && !TargetStatus::Approved.allows_edit());
        assert!(TargetStatus::Draft.allows_delete() && !TargetStatus::Returned.allows_delete());
    }
}
