// The popup's entry form: a new entry (name, username, a typed or generated
// password, `url:` prefilled with the tab's origin, an OTP secret,
// `autosubmit`) or an existing one opened for editing (the background
// decrypts it, asking for the PIN in its window, and writes the edit with
// `store.write`'s conflict check; lines the form does not show stay as they
// are). And the "Create my password store" button when the default store is
// missing.
//
// The password is in the DOM only as the value of the form's password input
// (type=password unless the user shows it), emptied when the form closes; it
// is never logged, never put on the clipboard.

import { byTestId, el } from "../pages/dom";
import { t } from "../shared/i18n";
import type { CredentialsRequest, EntryForm, EntryRef, StoreProblemView } from "../shared/contracts/credentials";
import {
  MAX_LENGTH,
  MAX_WORDS,
  MIN_LENGTH,
  MIN_WORDS,
  generatePassphrase,
  generatePassword,
  passphraseBits,
  passwordBits,
  type CharClass,
} from "./password-generator";

type Reply = ({ ok: true } & Record<string, unknown>) | { ok: false; code: string; message: string };

/** What the logins section (credentials.ts) lends the form. */
export interface EditorHost {
  send(message: CredentialsRequest): Promise<Reply>;
  status(text: string, kind?: "info" | "error"): void;
  fail(r: { code: string; message: string }): void;
  refresh(): Promise<void>;
  stores(): string[];
  tabUrl(): string | null;
}

let host: EditorHost | null = null;
/** The entry being edited and the version it was opened at; null for a new entry. */
let editing: { ref: EntryRef; previous: string } | null = null;

const CLASS_NAMES: Array<[CharClass, string]> = [
  ["lower", "credGenLower"],
  ["upper", "credGenUpper"],
  ["digits", "credGenDigits"],
  ["symbols", "credGenSymbols"],
];

function field(testId: string, labelKey: string, input: HTMLElement, ...after: HTMLElement[]): HTMLLabelElement {
  const label = el("label", { "data-testid": `${testId}-label` });
  label.append(el("span", {}, t(labelKey)), input, ...after);
  return label;
}

function input(testId: string, type: string, attrs: Record<string, string> = {}): HTMLInputElement {
  return el("input", { type, "data-testid": testId, autocomplete: "off", spellcheck: "false", ...attrs });
}

/** The form's inputs, built once. */
interface Form {
  section: HTMLElement;
  title: HTMLElement;
  store: HTMLSelectElement;
  path: HTMLInputElement;
  login: HTMLInputElement;
  password: HTMLInputElement;
  show: HTMLButtonElement;
  mode: HTMLSelectElement;
  length: HTMLInputElement;
  words: HTMLInputElement;
  classes: Map<CharClass, HTMLInputElement>;
  bits: HTMLElement;
  url: HTMLInputElement;
  otp: HTMLInputElement;
  autosubmit: HTMLInputElement;
  save: HTMLButtonElement;
}

let form: Form | null = null;

function build(section: HTMLElement): Form {
  const title = el("h3", { "data-testid": "cred-form-title" });
  const store = el("select", { "data-testid": "cred-form-store" });
  const path = input("cred-form-path", "text");
  const login = input("cred-form-login", "text");
  const password = input("cred-form-password", "password", { autocomplete: "new-password" });
  const show = el("button", { type: "button", "data-testid": "cred-form-show", "aria-pressed": "false" }, t("credFormShow"));
  const generate = el("button", { type: "button", "data-testid": "cred-form-generate" }, t("credFormGenerate"));
  const mode = el("select", { "data-testid": "cred-gen-mode" });
  mode.append(el("option", { value: "chars" }, t("credGenChars")), el("option", { value: "words" }, t("credGenWords")));
  const length = input("cred-gen-length", "number", { min: String(MIN_LENGTH), max: String(MAX_LENGTH) });
  length.value = "20";
  const words = input("cred-gen-words", "number", { min: String(MIN_WORDS), max: String(MAX_WORDS) });
  words.value = "6";
  const classes = new Map<CharClass, HTMLInputElement>();
  const classBoxes = CLASS_NAMES.map(([c, key]) => {
    const box = input(`cred-gen-${c}`, "checkbox");
    box.checked = true;
    classes.set(c, box);
    return field(`cred-gen-${c}`, key, box);
  });
  const bits = el("p", { "data-testid": "cred-gen-bits", class: "cred-gen-bits" });
  const url = input("cred-form-url", "url", { placeholder: "https://" });
  const otp = input("cred-form-otp", "password");
  const autosubmit = input("cred-form-autosubmit", "checkbox");
  const save = el("button", { type: "submit", "data-testid": "cred-form-save", class: "primary" }, t("credFormSave"));
  const cancel = el("button", { type: "button", "data-testid": "cred-form-cancel" }, t("credFormCancel"));

  const gen = el("details", { "data-testid": "cred-gen", class: "cred-gen" });
  const lengthField = field("cred-gen-length", "credGenLength", length);
  const wordsField = field("cred-gen-words", "credGenWordCount", words);
  gen.append(el("summary", {}, t("credGenOptions")), field("cred-gen-mode", "credGenMode", mode), lengthField, ...classBoxes, wordsField, bits);

  const f: Form = { section, title, store, path, login, password, show, mode, length, words, classes, bits, url, otp, autosubmit, save };
  const updateGen = (): void => {
    const byWords = mode.value === "words";
    lengthField.hidden = byWords;
    wordsField.hidden = !byWords;
    for (const b of classBoxes) b.hidden = byWords;
    bits.textContent = t("credGenBits", [
      String(byWords ? passphraseBits(Number(words.value)) : passwordBits({ length: Number(length.value), classes: chosenClasses(f) })),
    ]);
  };
  for (const control of [mode, length, words, ...classes.values()]) control.addEventListener("input", updateGen);
  mode.addEventListener("change", updateGen);
  updateGen();

  show.addEventListener("click", () => {
    const showing = password.type === "password";
    password.type = showing ? "text" : "password";
    otp.type = password.type;
    show.setAttribute("aria-pressed", String(showing));
    show.textContent = t(showing ? "credFormHide" : "credFormShow");
  });
  generate.addEventListener("click", () => {
    try {
      password.value =
        mode.value === "words"
          ? generatePassphrase(Number(words.value))
          : generatePassword({ length: Number(length.value), classes: chosenClasses(f) });
    } catch {
      host?.status(t("credGenImpossible", [String(MIN_LENGTH), String(MAX_LENGTH), String(MIN_WORDS), String(MAX_WORDS)]), "error");
    }
  });

  const passwordRow = el("div", { class: "cred-password-row" });
  passwordRow.append(password, show, generate);
  const formEl = el("form", { "data-testid": "cred-form", class: "cred-form" });
  formEl.noValidate = true;
  formEl.append(
    title,
    field("cred-form-store", "credFormStore", store),
    field("cred-form-path", "credFormPath", path),
    field("cred-form-login", "credFormLogin", login),
    field("cred-form-password", "credFormPassword", passwordRow),
    gen,
    field("cred-form-url", "credFormUrl", url),
    field("cred-form-otp", "credFormOtp", otp),
    field("cred-form-autosubmit", "credFormAutosubmit", autosubmit),
  );
  const buttons = el("div", { class: "cred-form-buttons" });
  buttons.append(save, cancel);
  formEl.append(buttons);
  formEl.addEventListener("submit", (ev) => {
    ev.preventDefault();
    void submit(f);
  });
  cancel.addEventListener("click", () => close(f));
  section.replaceChildren(formEl);
  return f;
}

function chosenClasses(f: Form): CharClass[] {
  return [...f.classes].filter(([, box]) => box.checked).map(([c]) => c);
}

/** Empties every input that held a secret and hides the form. */
function close(f: Form): void {
  f.password.value = "";
  f.otp.value = "";
  f.password.type = "password";
  f.otp.type = "password";
  f.show.setAttribute("aria-pressed", "false");
  f.show.textContent = t("credFormShow");
  f.section.hidden = true;
  editing = null;
}

function fill(f: Form, ref: EntryRef | null, values: EntryForm): void {
  const stores = host?.stores() ?? [];
  f.store.replaceChildren(...(stores.length > 0 ? stores : ["default"]).map((s) => el("option", { value: s }, s)));
  f.store.value = ref?.store ?? f.store.options[0]?.value ?? "default";
  f.store.disabled = ref !== null;
  // One store: nothing to choose.
  const storeLabel = f.store.closest("label");
  if (storeLabel !== null) storeLabel.hidden = stores.length <= 1;
  f.path.value = ref?.path ?? "";
  f.path.readOnly = ref !== null;
  f.login.value = values.login;
  f.password.value = values.password;
  f.url.value = values.url;
  f.otp.value = values.otp;
  f.autosubmit.checked = values.autosubmit;
  f.title.textContent = ref === null ? t("credFormTitleNew") : t("credFormTitleEdit", [ref.path]);
  f.section.hidden = false;
}

/** The tab's origin (scheme, host and port), when it is a web page. */
function tabOrigin(): string {
  const url = host?.tabUrl() ?? null;
  if (url === null) return "";
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.origin : "";
  } catch {
    return "";
  }
}

/** A new entry, named after the tab's host, its `url:` the tab's origin. */
export function openNew(): void {
  if (form === null) return;
  editing = null;
  const origin = tabOrigin();
  fill(form, null, { password: "", login: "", url: origin, otp: "", autosubmit: false });
  form.path.value = origin === "" ? "" : new URL(origin).hostname;
  (form.path.value === "" ? form.path : form.login).focus();
}

/** Decrypts the entry (the PIN window may open) and fills the form with it. */
export async function openEdit(ref: EntryRef): Promise<void> {
  if (form === null || host === null) return;
  host.status(t("credOpening", [ref.path]));
  const r = await host.send({ type: "credentials.openForEdit", ...ref });
  if (!r.ok) return host.fail(r);
  const values = r["form"] as EntryForm;
  editing = { ref, previous: String(r["previous"]) };
  fill(form, ref, values);
  host.status("");
  form.password.focus();
}

async function submit(f: Form): Promise<void> {
  if (host === null) return;
  const ref: EntryRef = editing?.ref ?? { store: f.store.value, path: f.path.value.trim().replace(/^\/+|\/+$/g, "") };
  if (ref.path === "") return host.status(t("credFormNoName"), "error");
  if (f.password.value === "") return host.status(t("credFormNoPassword"), "error");
  f.save.disabled = true;
  try {
    const r = await host.send({
      type: "credentials.saveEntry",
      ...ref,
      previous: editing?.previous ?? null,
      password: f.password.value,
      login: f.login.value.trim(),
      url: f.url.value.trim(),
      otp: f.otp.value.trim(),
      autosubmit: f.autosubmit.checked,
    });
    if (!r.ok) return host.fail(r);
    close(f);
    host.status(t("credSaved", [String(r["written"])]));
    await host.refresh();
  } finally {
    f.save.disabled = false;
  }
}

/** Shows "Create my password store" when the default store's folder is missing. */
export function showStoreSetup(problems: StoreProblemView[]): void {
  const missing = problems.some((p) => p.store === "default" && p.code === "store_not_found");
  byTestId("cred-store-setup").hidden = !missing;
}

async function createStore(): Promise<void> {
  if (host === null) return;
  const button = byTestId<HTMLButtonElement>("cred-init-store");
  button.disabled = true;
  try {
    const r = await host.send({ type: "credentials.initStore", store: "default" });
    if (!r.ok) return host.fail(r);
    const made = r["initialized"] as { path: string };
    byTestId("cred-store-setup").hidden = true;
    await host.refresh();
    host.status(t("credStoreCreated", [made.path]));
  } finally {
    button.disabled = false;
  }
}

export function initEntryEditor(h: EditorHost): void {
  host = h;
  const section = byTestId("cred-editor");
  form = build(section);
  section.hidden = true;
  byTestId("cred-new").addEventListener("click", openNew);
  byTestId("cred-init-store").addEventListener("click", () => void createStore());
}
