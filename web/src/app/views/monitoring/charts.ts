// The board's two charts, drawn by Apache ECharts with only the modules they use: the core,
// the bar chart (execution against time progress), the pie chart (lights), grid, tooltip,
// markLine (the time-progress line) and the canvas renderer — the renderer and bar chart the
// bureau's 工作台 already loads, in the same `echarts` chunk. Canvas drawing needs no inline
// style or script, so the strict CSP holds. The numbers are also in the tables beside them.
import * as echarts from "echarts/core";
import { BarChart, PieChart } from "echarts/charts";
import { GridComponent, MarkLineComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import { LIGHT, LIGHT_COLOR, fraction, percent, type BoardView } from "./labels";

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export { echarts };
export type ChartOption = echarts.EChartsCoreOption;

const AXIS = "#374151";
/** Bars of the departments' execution rates; the bureau's red, as the legacy board drew them. */
const BAR = "#9b1c1c";

/** A department's name for a chart axis (long names cut to 10 characters). */
function short(name: string): string {
  return name.length > 11 ? `${name.slice(0, 10)}…` : name;
}

/** Horizontal bars: each department's execution rate (0–100 %), a dashed line at time progress. */
export function executionOption(board: BoardView): ChartOption {
  const depts = [...board.departments].reverse(); // ECharts draws the first category at the bottom
  const tp = (fraction(board.time_progress) ?? 0) * 100;
  const names = depts.map((d) => d.department_name || d.department_code);
  return {
    animation: false,
    grid: { left: 8, right: 72, top: 30, bottom: 24, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v: unknown) => (typeof v === "number" ? `${v.toFixed(2)}%` : "未报"),
    },
    xAxis: {
      type: "value",
      min: 0,
      max: (e: { max: number }) => Math.max(100, Math.ceil(e.max / 25) * 25),
      interval: 25,
      axisLabel: { color: AXIS, formatter: "{value}%" },
    },
    yAxis: {
      type: "category",
      data: names,
      axisLabel: { color: AXIS, formatter: short },
      axisTick: { show: false },
    },
    series: [
      {
        name: "预算执行率",
        type: "bar",
        barMaxWidth: 18,
        itemStyle: { color: BAR },
        label: {
          show: true,
          position: "right",
          color: AXIS,
          formatter: (p: { dataIndex: number }) => {
            const rate = depts[p.dataIndex]?.execution_rate;
            return rate === null || rate === undefined ? "未报" : percent(rate);
          },
        },
        data: depts.map((d) => {
          const f = fraction(d.execution_rate);
          return f === null ? { value: 0, itemStyle: { color: "transparent" } } : Math.round(f * 10000) / 100;
        }),
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", color: "#111827", width: 2 },
          label: { position: "end", formatter: `时间进度 ${percent(board.time_progress)}`, color: "#111827" },
          data: [{ xAxis: tp }],
        },
      },
    ],
  };
}

/** A donut of the round's lights (submitted and accepted reports), each slice named. */
export function lightsOption(lights: BoardView["lights"]): ChartOption {
  const order = ["red", "yellow", "green"] as const;
  return {
    animation: false,
    tooltip: { trigger: "item", formatter: "{b}：{c} 份（{d}%）" },
    series: [
      {
        name: "监控结果",
        type: "pie",
        radius: ["34%", "56%"],
        center: ["50%", "50%"],
        avoidLabelOverlap: true,
        label: { formatter: "{b} {c}", color: AXIS, overflow: "none" },
        labelLine: { length: 8, length2: 8 },
        data: order.map((l) => ({ name: LIGHT[l], value: lights[l], itemStyle: { color: LIGHT_COLOR[l] } })),
      },
    ],
  };
}
