// The side menu by role. `to` is a route of this app; `href` one of the other pages
// (the target form and the pages not yet ported), opened in the same tab.
import type { Component } from "vue";
import { Bell, Checked, DataBoard, DataLine, Document, EditPen, Files, HomeFilled, Monitor, Reading, Tickets, User } from "@element-plus/icons-vue";
import type { Role } from "./api";

export interface MenuItem {
  label: string;
  icon: Component;
  to?: string;
  href?: string;
}

const HOME: MenuItem = { label: "工作台", icon: HomeFilled, to: "/" };
const PUBLIC: MenuItem = { label: "信息公开", icon: Reading, to: "/public" };

export const MENU: Record<Role, MenuItem[]> = {
  department: [
    HOME,
    { label: "绩效目标申报", icon: EditPen, to: "/declare" },
    { label: "我的绩效目标", icon: Document, to: "/mine" },
    { label: "执行监控", icon: Monitor, to: "/monitoring" },
    { label: "绩效自评", icon: Checked, to: "/evaluation" },
    PUBLIC,
  ],
  finance: [
    HOME,
    { label: "审核", icon: Tickets, to: "/review" },
    { label: "第三方评价", icon: Files, to: "/assignments" },
    { label: "运行监控看板", icon: DataBoard, to: "/monitoring/board" },
    { label: "评价结果", icon: DataLine, to: "/results" },
    PUBLIC,
  ],
  assessor: [
    HOME,
    { label: "我的评审任务", icon: Bell, to: "/assignments" },
    { label: "复评任务", icon: Checked, to: "/re-evaluations" },
    PUBLIC,
  ],
  admin: [
    HOME,
    { label: "用户管理", icon: User, to: "/users" },
    { label: "审核", icon: Tickets, to: "/review" },
    PUBLIC,
  ],
};

/** The menu of someone not signed in. */
export const ANONYMOUS: MenuItem[] = [PUBLIC];
