// my-targets.html moved into the app: 我的绩效目标 is #/mine (?status= the tab), one target
// #/mine/:id, and its content is edited in the target form, #/declare/:id — no JSON box is
// left for department staff. Old links and bookmarks (the older pages' menu links here)
// land on the same place in the app.
export {};
const q = new URLSearchParams(location.search);
const id = q.get("id");
const tab = q.get("status");
location.replace(id ? `./#/mine/${encodeURIComponent(id)}` : `./#/mine${tab ? `?status=${encodeURIComponent(tab)}` : ""}`);
