// Routes (hash history: the server serves one index.html). `meta.roles` lists who may
// open a route; `meta.anonymous` marks the ones open without signing in.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from "vue-router";
import type { Role } from "./api";
import { useSession } from "./session";
import Layout from "./Layout.vue";
import SignIn from "./views/SignIn.vue";
import Home from "./views/Home.vue";
import TargetQueue from "./views/TargetQueue.vue";
import ReviewDetail from "./views/ReviewDetail.vue";
import MyTargetDetail from "./views/MyTargetDetail.vue";
import PublicList from "./views/PublicList.vue";
import PublicDetail from "./views/PublicDetail.vue";
import Assignments from "./views/Assignments.vue";
import AssignmentDetail from "./views/AssignmentDetail.vue";
import Users from "./views/Users.vue";
import Password from "./views/Password.vue";

declare module "vue-router" {
  interface RouteMeta {
    title?: string;
    roles?: Role[];
    anonymous?: boolean;
  }
}

const routes: RouteRecordRaw[] = [
  { path: "/login", component: SignIn, meta: { title: "登录", anonymous: true } },
  {
    path: "/",
    component: Layout,
    children: [
      { path: "", component: Home, meta: { title: "工作台" } },
      { path: "review", component: TargetQueue, props: { mode: "review" }, meta: { title: "审核", roles: ["finance", "admin"] } },
      { path: "review/:id", component: ReviewDetail, props: true, meta: { title: "审核", roles: ["finance", "admin"] } },
      { path: "mine", component: TargetQueue, props: { mode: "mine" }, meta: { title: "我的绩效目标", roles: ["department"] } },
      { path: "mine/:id", component: MyTargetDetail, props: true, meta: { title: "我的绩效目标", roles: ["department"] } },
      { path: "assignments", component: Assignments, meta: { title: "评审任务", roles: ["finance", "admin", "assessor"] } },
      { path: "assignments/:id", component: AssignmentDetail, props: true, meta: { title: "评审任务", roles: ["assessor"] } },
      { path: "monitoring/board", component: () => import("./views/monitoring/Board.vue"), meta: { title: "运行监控看板", roles: ["finance", "admin"] } },
      // 执行监控 (department) and 评价结果 (finance)
      { path: "monitoring", component: () => import("./views/monitoring/Reports.vue"), meta: { title: "执行监控", roles: ["department"] } },
      { path: "monitoring/reports/:id", component: () => import("./views/monitoring/ReportForm.vue"), props: true, meta: { title: "执行监控", roles: ["department"] } },
      { path: "results", component: () => import("./views/results/Results.vue"), meta: { title: "评价结果", roles: ["finance", "admin"] } },
      // 绩效自评 (department) and 复评 (assessor)
      { path: "evaluation", component: () => import("./views/evaluation/SelfEvaluations.vue"), meta: { title: "绩效自评", roles: ["department"] } },
      { path: "evaluation/:id", component: () => import("./views/evaluation/SelfEvaluationForm.vue"), props: true, meta: { title: "绩效自评", roles: ["department"] } },
      { path: "re-evaluations", component: () => import("./views/evaluation/ReEvaluations.vue"), meta: { title: "复评任务", roles: ["assessor"] } },
      { path: "re-evaluations/:id", component: () => import("./views/evaluation/ReEvaluationDetail.vue"), props: true, meta: { title: "复评任务", roles: ["assessor"] } },
      // 绩效目标申报 (department): a new draft, or an existing target (draft, returned, adjustment)
      { path: "declare", component: () => import("./views/declare/Declare.vue"), meta: { title: "绩效目标申报", roles: ["department"] } },
      { path: "declare/:id", component: () => import("./views/declare/Declare.vue"), props: true, meta: { title: "绩效目标申报", roles: ["department"] } },
      { path: "users", component: Users, meta: { title: "用户管理", roles: ["admin"] } },
      { path: "password", component: Password, meta: { title: "修改密码" } },
      { path: "public", component: PublicList, meta: { title: "信息公开", anonymous: true } },
      { path: "public/:id", component: PublicDetail, props: true, meta: { title: "绩效目标公开详情", anonymous: true } },
    ],
  },
  { path: "/:rest(.*)*", redirect: "/" },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach(async (to) => {
  const session = useSession();
  await session.load();
  if (to.meta.anonymous) return true;
  if (!session.user) return { path: "/login", query: to.fullPath !== "/" ? { redirect: to.fullPath } : {} };
  if (to.meta.roles && !to.meta.roles.includes(session.user.role)) return { path: "/" };
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title ? `${to.meta.title} · ` : ""}预算绩效管理系统`;
});
