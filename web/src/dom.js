/**
 * What every panel of the page shares: building DOM and SVG nodes from data (text nodes,
 * never HTML), the number and time formatters (scripts/page_test.py restates each one to
 * compare the page with the JSON it came from), and one `fetch` wrapper that never throws.
 */

export const $ = (id) => document.getElementById(id);

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") el.setAttribute("class", v);
    else if (k === "data") for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = dv;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Builds an element; string children become text nodes, never HTML. */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** Builds an SVG element, as [`h`] does. */
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs, children);
}

const pad = (n) => String(n).padStart(2, "0");

/** Seconds since midnight as HH:MM, rounded to the nearest minute. */
export function clock(seconds) {
  const m = Math.max(0, Math.round(seconds / 60));
  return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** A span of seconds as H:MM h, rounded to the nearest minute. */
export function span(seconds) {
  const m = Math.max(0, Math.round(seconds / 60));
  return `${Math.floor(m / 60)}:${pad(m % 60)} h`;
}

/** A short span of seconds in whole minutes. */
export function minutes(seconds) {
  return `${Math.max(0, Math.round(seconds / 60))} min`;
}

/**
 * A number with `digits` decimals (`toFixed`, so halves round away from zero on the
 * number's exact value; negative zero shows as 0); "–" for what JSON could not carry
 * (null for infinity) or a field that is absent.
 */
export function num(x, digits) {
  return typeof x === "number" && Number.isFinite(x) ? (x + 0).toFixed(digits) : "–";
}

export function metres(m) {
  return `${num(m / 1000, 2)} km`;
}

/** An RFC 3339 time of the API as `YYYY-MM-DD HH:MM:SS` (UTC, as sent, no conversion). */
export function stamp(text) {
  return typeof text === "string" ? `${text.slice(0, 10)} ${text.slice(11, 19)}` : "–";
}

/** fetch + JSON; returns `{ok, status, body, text}` and never throws. */
export async function call(url, init) {
  try {
    const r = await fetch(url, init);
    const text = await r.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { ok: r.ok, status: r.status, body, text };
  } catch (err) {
    return { ok: false, status: 0, body: null, text: `network error: ${err.message}` };
  }
}

/** Shows an API error in `#error`: its status, code, field and message, as sent. */
export function showError(status, body, fallback) {
  const e = body && body.error;
  const box = $("error");
  // (replaceChildren writes a null as the text "null": the field only when there is one.)
  box.replaceChildren(
    h("h2", {}, `Error${status ? ` ${status}` : ""}${e && e.code ? `: ${e.code}` : ""}`),
    h("p", { class: "message" }, e && e.message ? e.message : fallback || "no message"),
    ...(e && e.field ? [h("p", { class: "field" }, "field: ", h("code", {}, e.field))] : []),
  );
  box.hidden = false;
}

export function clearError() {
  $("error").hidden = true;
  $("error").replaceChildren();
}
