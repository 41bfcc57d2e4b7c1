// The page language: zh-CN by default, English on request, remembered in localStorage.
// Page texts are looked up by key; elements with data-i18n="key" are filled in by apply().

import type { Labels, Locale } from "./rules";

const KEY = "jixiao.locale";
type Dict = Record<string, string>;
const dictionaries: Record<Locale, Dict> = { "zh-CN": {}, en: {} };

/** Registers a page's texts for both locales. */
export function register(zh: Dict, en: Dict): void {
  Object.assign(dictionaries["zh-CN"], zh);
  Object.assign(dictionaries.en, en);
}

/** The current locale. */
export function currentLocale(): Locale {
  return localStorage.getItem(KEY) === "en" ? "en" : "zh-CN";
}

/** Switches the locale (remembered). */
export function setLocale(l: Locale): void {
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
}

/** A text in the current locale, with {name} placeholders filled. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const text = dictionaries[currentLocale()][key] ?? dictionaries["zh-CN"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** A data label in the current locale. */
export function label(l: Labels): string {
  return currentLocale() === "en" && l.en ? l.en : l["zh-CN"];
}

/** Fills every [data-i18n] element (text) and [data-i18n-aria] (aria-label) under root. */
export function apply(root: ParentNode = document): void {
  document.documentElement.lang = currentLocale();
  root.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => {
    el.textContent = t(el.dataset.i18n ?? "");
  });
  root.querySelectorAll<HTMLElement>("[data-i18n-aria]").forEach((el) => {
    el.setAttribute("aria-label", t(el.dataset.i18nAria ?? ""));
  });
}
