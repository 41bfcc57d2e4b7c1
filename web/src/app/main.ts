// The app at web/index.html: Vue 3 + vue-router + pinia + Element Plus (zh-CN).
import { createApp } from "vue";
import { createPinia } from "pinia";
import App from "./App.vue";
import { router } from "./router";
import "./app.css";

createApp(App).use(createPinia()).use(router).mount("#app");
