// What the contract tests share: clients of the API as the front end builds them, and the local outbox.
//
// Run by tests/integration/contract/test_better_auth_client.py, which starts the local API and passes
// SPOOKY_API_URL (the client's baseURL) and SPOOKY_OUTBOX_PATH (where the API writes its emails).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createAuthClient } from "better-auth/client";

export const BASE_URL = required("SPOOKY_API_URL");
const OUTBOX_PATH = required("SPOOKY_OUTBOX_PATH");
export const PASSWORD = "correct horse battery staple";
export const SESSION_COOKIE = "better-auth.session_token";
const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
// Better Auth's server: Date.prototype.toISOString().
const WIRE_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ANY_ISO_DATE = /"(\d{4}-\d\d-\d\dT[^"]*)"/g;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests/integration/contract/test_better_auth_client.py`);
  return value;
}

export function newEmail(name = "client") {
  return `${name}-${randomUUID()}@example.com`;
}

/** A date as the client hands it over: a Date, read from the wire by Better Auth's own parser. */
export function assertAbout(date, expected, what) {
  assert.ok(date instanceof Date, `${what} is a Date, not ${typeof date} ${date}`);
  const off = date.getTime() - expected;
  assert.ok(Math.abs(off) < MINUTE, `${what} = ${date.toISOString()} is ${Math.round(off / 1000)} s off`);
}

export function assertNow(date, what) {
  assertAbout(date, Date.now(), what);
}

/** Every date in a raw answer, exactly as Better Auth's server writes dates. */
function assertWireDates(text, where) {
  for (const [, value] of text.matchAll(ANY_ISO_DATE)) {
    assert.match(value, WIRE_DATE, `${where} sends a date as ${value}`);
  }
}

function storeCookies(jar, response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";").map((part) => part.trim());
    const name = pair.slice(0, pair.indexOf("="));
    const expired = attributes.some((attribute) => attribute.toLowerCase() === "max-age=0");
    if (expired) jar.delete(name);
    else jar.set(name, pair.slice(name.length + 1));
  }
}

/**
 * A device as the front end would be: the better-auth client with a cookie jar. Node's fetch keeps no
 * cookies, so the hooks play the browser: send the jar back, and the Origin of a page on the API's own
 * origin (the client's baseURL), which the API trusts as Better Auth trusts its baseURL.
 */
export function browser() {
  const jar = new Map();
  const client = createAuthClient({
    baseURL: BASE_URL,
    fetchOptions: {
      onRequest(context) {
        context.headers.set("origin", new URL(BASE_URL).origin);
        if (jar.size) context.headers.set("cookie", [...jar].map(([name, value]) => `${name}=${value}`).join("; "));
      },
      async onResponse(context) {
        storeCookies(jar, context.response);
        assertWireDates(await context.response.clone().text(), context.request.url.toString());
      },
    },
  });
  return { client, jar };
}

/** A device in bearer mode, as Better Auth documents it: keep set-auth-token, send it as Authorization. */
export function bearerDevice() {
  const device = { token: "" };
  device.client = createAuthClient({
    baseURL: BASE_URL,
    fetchOptions: {
      auth: { type: "Bearer", token: () => device.token },
      onSuccess(context) {
        const token = context.response.headers.get("set-auth-token");
        if (token) device.token = token;
      },
    },
  });
  return device;
}

/** The data of a successful call; the test fails with the API's error otherwise. */
export function ok(result, what) {
  assert.equal(result.error, null, `${what}: ${JSON.stringify(result.error)}`);
  return result.data;
}

export function refused(result, status, code) {
  assert.ok(result.error, `expected ${status} ${code}, got ${JSON.stringify(result.data)}`);
  assert.equal(result.error.status, status, JSON.stringify(result.error));
  assert.equal(result.error.code, code);
}

export async function signUp(name = "client") {
  const device = browser();
  const email = newEmail(name);
  const data = ok(await device.client.signUp.email({ name: "Casper", email, password: PASSWORD }), "sign-up");
  return { ...device, email, user: data.user, token: data.token };
}

export async function signIn(email, password = PASSWORD) {
  const device = browser();
  ok(await device.client.signIn.email({ email, password }), "sign-in");
  return device;
}

export async function sessionOf(device) {
  return ok(await device.client.getSession(), "get-session");
}

/** The token of the newest email of ``kind`` ("verify-email", "reset-password") sent to ``email``. */
export function emailedToken(email, kind) {
  const messages = readFileSync(OUTBOX_PATH, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))
    .filter((message) => message.to === email && message.tag === kind);
  assert.ok(messages.length, `no ${kind} email to ${email} in ${OUTBOX_PATH}`);
  return new URL(messages.at(-1).link).searchParams.get("token");
}
