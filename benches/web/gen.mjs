// Builds a valid project target with n indicators spread over the cn-2015 framework
// (artux-2018 profile), for the benchmarks.
const GROUPS = [
  ["output", "quantity"], ["output", "quality"], ["output", "timeliness"], ["output", "cost"],
  ["benefit", "social"], ["benefit", "economic"], ["satisfaction", "beneficiary"],
];

export function makeTarget(n) {
  const indicators = [];
  for (let i = 0; i < n; i++) {
    const [level1, level2] = GROUPS[i % GROUPS.length];
    const quantitative = i % 10 !== 9;
    indicators.push(
      quantitative
        ? { id: `i${i + 1}`, level1, level2, name: `指标${i + 1}`, nature: "quantitative", operator: "ge", value: level1 === "satisfaction" ? "90" : String(100 + i), unit: level1 === "satisfaction" ? "%" : "个", points: "1", explanation: "说明" }
        : { id: `i${i + 1}`, level1, level2, name: `指标${i + 1}`, nature: "qualitative", value: "明显改善", points: "1" },
    );
  }
  return {
    kind: "project",
    fiscal_year: 2019,
    region: "653001",
    department: { code: "101", name: "阿图什市民政局" },
    unit: { code: "101001", name: "阿图什市儿童福利院" },
    project: { code: "P2019-001", name: "基准项目", attribute: "continuing", start: "2019-01-01", end: "2019-12-31" },
    funds: { annual_total: "86.40", mid_term_total: null, sources: [{ source: "本级财政", amount: "86.40" }] },
    goals: { annual: "基准目标", mid_term: null },
    classified: false,
    indicators,
  };
}
