// A JSON Schema of the same shape as the target document (FORMATS.md §1), for AJV:
// what a schema-form library would check on each keystroke. It covers the field
// formats only; it cannot express the tree, share, uniqueness or sum rules.
const amount = { type: "string", pattern: "^[0-9]+(\\.[0-9]{1,2})?$" };
const decimal = "^-?[0-9]+(\\.[0-9]+)?$";
const date = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
const nonBlank = { type: "string", pattern: "\\S" };
const party = { type: "object", required: ["name"], properties: { code: { type: "string" }, name: nonBlank } };

export const schema = {
  type: "object",
  required: ["kind", "fiscal_year", "department", "funds", "goals", "indicators"],
  properties: {
    kind: { enum: ["project", "department"] },
    fiscal_year: { type: "integer", minimum: 2000, maximum: 2100 },
    region: { type: "string", pattern: "^[0-9]{6}$" },
    department: party,
    unit: party,
    project: {
      type: "object",
      required: ["name"],
      properties: {
        code: { type: "string" },
        name: nonBlank,
        attribute: { enum: ["new", "continuing"] },
        start: { type: "string", pattern: date },
        end: { type: "string", pattern: date },
      },
    },
    funds: {
      type: "object",
      required: ["annual_total"],
      properties: {
        annual_total: amount,
        mid_term_total: { anyOf: [{ type: "null" }, amount] },
        sources: { type: "array", items: { type: "object", required: ["source", "amount"], properties: { source: nonBlank, amount } } },
      },
    },
    goals: { type: "object", required: ["annual"], properties: { annual: nonBlank, mid_term: { type: ["string", "null"] } } },
    classified: { type: "boolean" },
    indicators: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "level1", "level2", "name", "nature", "value"],
        properties: {
          id: nonBlank,
          level1: { enum: ["output", "benefit", "satisfaction"] },
          level2: { enum: ["quantity", "quality", "timeliness", "cost", "economic", "social", "ecological", "sustainability", "beneficiary"] },
          name: { type: "string", minLength: 1, maxLength: 100 },
          nature: { enum: ["quantitative", "qualitative"] },
          operator: { enum: ["ge", "gt", "eq", "le", "lt"] },
          value: { type: "string", not: { pattern: "^[\\s*_/-]*$|^\\s*(无|暂无)\\s*$" } },
          unit: { type: "string", minLength: 1 },
          points: { type: "string", pattern: decimal },
          explanation: { type: "string" },
        },
        if: { properties: { nature: { const: "quantitative" } } },
        then: { required: ["operator", "unit"], properties: { value: { anyOf: [{ pattern: decimal }, { pattern: date }] } } },
        else: { not: { required: ["operator"] } },
      },
    },
  },
};
