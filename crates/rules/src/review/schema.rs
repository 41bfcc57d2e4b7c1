//! JSON Schemas of the review request bodies, checked by the server before parsing (a shape
//! error is a 400 with its instance path).

/// JSON Schema of the body of `POST /api/v1/targets/{id}/review` ([`ReviewInput`]).
pub const REVIEW_DECISION_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://jixiao.example/schemas/review-decision.json",
  "title": "ReviewDecision",
  "type": "object",
  "additionalProperties": false,
  "required": ["decision", "grade"],
  "properties": {
    "decision": { "enum": ["approve", "return"] },
    "grade": { "enum": ["excellent", "good", "fair", "poor"] },
    "criteria": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "completeness": { "type": ["string", "null"], "maxLength": 4000 },
        "relevance": { "type": ["string", "null"], "maxLength": 4000 },
        "appropriateness": { "type": ["string", "null"], "maxLength": 4000 },
        "feasibility": { "type": ["string", "null"], "maxLength": 4000 }
      }
    },
    "opinion": { "type": ["string", "null"], "maxLength": 4000 },
    "approved_amount": { "type": ["string", "null"], "maxLength": 32 }
  }
}"##;

/// JSON Schema of the body of an assessor's opinion ([`OpinionInput`]).
pub const ASSESSOR_OPINION_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://jixiao.example/schemas/assessor-opinion.json",
  "title": "AssessorOpinion",
  "type": "object",
  "additionalProperties": false,
  "required": ["criteria", "recommendation"],
  "$defs": {
    "criterion": {
      "type": "object",
      "additionalProperties": false,
      "required": ["score", "remarks"],
      "properties": {
        "score": { "type": "string", "maxLength": 8 },
        "remarks": { "type": "string", "maxLength": 4000 }
      }
    }
  },
  "properties": {
    "criteria": {
      "type": "object",
      "additionalProperties": false,
      "required": ["completeness", "relevance", "appropriateness", "feasibility"],
      "properties": {
        "completeness": { "$ref": "#/$defs/criterion" },
        "relevance": { "$ref": "#/$defs/criterion" },
        "appropriateness": { "$ref": "#/$defs/criterion" },
        "feasibility": { "$ref": "#/$defs/criterion" }
      }
    },
    "findings": { "type": "array", "maxItems": 100, "items": { "type": "string", "maxLength": 4000 } },
    "recommendation": { "enum": ["approve", "revise"] }
  }
}"##;

/// JSON Schema of the body of an assignment to a third-party assessor
/// (`{"target_ids": [...], "organisation": "...", "due": "YYYY-MM-DD"}`).
pub const ASSIGNMENT_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://jixiao.example/schemas/assignment.json",
  "title": "Assignment",
  "type": "object",
  "additionalProperties": false,
  "required": ["target_ids", "organisation", "due"],
  "properties": {
    "target_ids": { "type": "array", "minItems": 1, "maxItems": 500, "uniqueItems": true,
                    "items": { "type": "string", "minLength": 1, "maxLength": 64 } },
    "organisation": { "type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S" },
    "due": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }
  }
}"##;
