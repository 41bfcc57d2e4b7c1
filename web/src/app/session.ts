// Who is signed in (pinia): the session from GET /session (cookie), or a developer's
// bearer token when no cookie session exists; sign-in, sign-out, the department names.
import { defineStore } from "pinia";
import { api, auth, devToken, must, setCsrf, type User } from "./api";

export const useSession = defineStore("session", {
  state: () => ({
    user: null as User | null,
    loaded: false,
    viaToken: false,
    departments: {} as Record<string, string>,
  }),
  getters: {
    role: (s) => s.user?.role ?? null,
  },
  actions: {
    /** Reads the session once (again with `force`): cookie first, then the developer token. */
    async load(force = false): Promise<void> {
      if (this.loaded && !force) return;
      auth.bearer = false;
      let r = await api.GET("/api/v1/session").catch(() => undefined);
      if (!r?.data && devToken()) {
        auth.bearer = true;
        r = await api.GET("/api/v1/session").catch(() => undefined);
      }
      if (r?.data) {
        this.user = r.data.user;
        this.viaToken = auth.bearer;
        setCsrf(r.data.csrf_token ?? null);
        void this.loadDepartments();
      } else {
        auth.bearer = false;
        this.user = null;
        this.viaToken = false;
        setCsrf(null);
      }
      this.loaded = true;
    },
    /** POST /session; throws ApiError (401 wrong name or password, 429 with Retry-After). */
    async signIn(username: string, password: string): Promise<void> {
      auth.bearer = false;
      const s = await must(api.POST("/api/v1/session", { body: { username, password } }));
      this.user = s.user;
      this.viaToken = false;
      this.loaded = true;
      setCsrf(s.csrf_token ?? null);
      void this.loadDepartments();
    },
    async signOut(): Promise<void> {
      if (!auth.bearer) await api.DELETE("/api/v1/session").catch(() => undefined);
      auth.bearer = false;
      setCsrf(null);
      this.user = null;
      this.viaToken = false;
    },
    async loadDepartments(): Promise<void> {
      const r = await api.GET("/api/v1/departments").catch(() => undefined);
      if (r?.data) this.departments = Object.fromEntries(r.data.map((d) => [d.code, d.name]));
    },
    /** The department's name for a code (from the row, else the list), or "". */
    departmentName(code: string | null | undefined, fromRow?: string | null): string {
      return fromRow || (code ? (this.departments[code] ?? "") : "");
    },
  },
});
