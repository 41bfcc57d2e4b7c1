// The grade distribution of 评价结果 (FORMATS §7), drawn by ECharts with the modules the
// monitoring board already registers (core, bar chart, grid, tooltip, canvas renderer; the
// shared `echarts` chunk): vertical bars of the projects per final grade, each labelled with
// its count and share. The same numbers are in the table beside the chart.
import type { ChartOption } from "../monitoring/charts";

export type Grade = "excellent" | "good" | "fair" | "poor";
export const GRADES: Grade[] = ["excellent", "good", "fair", "poor"];
export const GRADE: Record<Grade, string> = { excellent: "优", good: "良", fair: "中", poor: "差" };
/** Dark enough for the labels beside them (4.5:1 on white). */
const COLOR: Record<Grade, string> = { excellent: "#15803d", good: "#1d4ed8", fair: "#b45309", poor: "#9b1c1c" };
const AXIS = "#374151";

/** A count's share of all, one decimal, for labels only ("50.0%"; "—" when there is none). */
export function share(n: number, of: number): string {
  return of > 0 ? `${(Math.round((n * 1000) / of) / 10).toFixed(1)}%` : "—";
}

export function gradesOption(grades: Record<Grade, number>): ChartOption {
  const n = GRADES.reduce((a, g) => a + grades[g], 0);
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: unknown) => `${String(v)} 个` },
    xAxis: {
      type: "category",
      data: GRADES.map((g) => GRADE[g]),
      axisLabel: { color: AXIS, fontSize: 14 },
      axisTick: { show: false },
    },
    yAxis: { type: "value", minInterval: 1, axisLabel: { color: AXIS }, name: "项目数", nameTextStyle: { color: AXIS } },
    series: [
      {
        name: "项目数",
        type: "bar",
        barMaxWidth: 56,
        label: {
          show: true,
          position: "top",
          color: AXIS,
          formatter: (p: { dataIndex: number }) => {
            const c = grades[GRADES[p.dataIndex]];
            return `${c}（${share(c, n)}）`;
          },
        },
        data: GRADES.map((g) => ({ value: grades[g], itemStyle: { color: COLOR[g] } })),
      },
    ],
  };
}
