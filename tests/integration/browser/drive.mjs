// Drives Debian's Chromium (never a downloaded build) through the test page: node drive.mjs '<json>'.
// Input: {pages: {cookie, bearer, second, untrusted}, api: {sameSite, crossSite}}; prints one JSON
// object of observations for tests/integration/browser/test_browser.py to judge.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const config = JSON.parse(process.argv[2]);
// Without the background-networking flags Chromium's own connections are refused by the sandbox network.
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

async function open(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.ready === true);
  return page;
}

// The session as the page sees it: the signed-in email, or null.
const sessionEmail = (page) =>
  page.evaluate(async () => (await window.auth.getSession()).data?.user?.email ?? null);

async function signUp(page, email) {
  return page.evaluate(
    async (address) => {
      const { data, error } = await window.auth.signUp.email({
        name: "Casper", email: address, password: "correct horse battery",
      });
      return { email: data?.user?.email ?? null, error: error?.code ?? error?.message ?? null };
    },
    email,
  );
}

async function reloaded(page) {
  await page.reload();
  await page.waitForFunction(() => window.ready === true);
  return page;
}

async function cookieFlow(context) {
  const page = await open(context, config.pages.cookie);
  const email = `cookie-${Date.now()}@example.com`;
  const result = { signUp: await signUp(page, email), email };
  result.afterSignUp = await sessionEmail(page);
  result.afterReload = await sessionEmail(await reloaded(page));
  result.signOut = await page.evaluate(async () => (await window.auth.signOut()).data?.success ?? null);
  result.afterSignOut = await sessionEmail(page);
  return result;
}

async function bearerFlow(context) {
  const page = await open(context, config.pages.bearer);
  const email = `bearer-${Date.now()}@example.com`;
  const result = { signUp: await signUp(page, email), email };
  result.tokenKept = await page.evaluate(() => Boolean(localStorage.getItem("bearer_token")));
  result.afterReload = await sessionEmail(await reloaded(page));
  // A route behind the API Gateway authorizer, with the bearer token only.
  result.listSessions = await page.evaluate(async () => (await window.auth.listSessions()).data?.length ?? null);
  await page.evaluate(async () => { await window.auth.signOut(); window.forgetToken(); });
  result.afterSignOut = await sessionEmail(page);
  return result;
}

// fetch from a page on ``pageUrl``: the status and body when the browser lets the page read them.
async function readFrom(context, pageUrl, requests) {
  const page = await open(context, pageUrl);
  return page.evaluate(async (calls) => {
    const seen = {};
    for (const [name, url, init] of calls) {
      try {
        const response = await fetch(url, { credentials: "include", ...init });
        seen[name] = { status: response.status, body: await response.json() };
      } catch (error) {
        seen[name] = { blocked: String(error) };
      }
    }
    return seen;
  }, requests);
}

function corsProbes(api) {
  const json = { method: "POST", headers: { "Content-Type": "application/json" } };
  return [
    // Preflighted (JSON body): a wrong password, as the function answers it.
    ["signIn", `${api}/api/auth/sign-in/email`, { ...json, body: JSON.stringify({ email: "nobody@example.com", password: "wrong password" }) }],
    // The authorizer's 401 (an API Gateway response).
    ["protected", `${api}/api/auth/list-sessions`, {}],
    ["notFound", `${api}/api/auth/no-such-endpoint`, {}],
  ];
}

// A flow that throws (a blocked fetch inside the client) is an observation too, not a crash of the run.
async function attempt(flow) {
  try {
    return await flow();
  } catch (error) {
    return { crashed: String(error).split("\n")[0] };
  }
}

const userDataDir = mkdtempSync(join(tmpdir(), "chromium-profile-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ARGS,
});
try {
  const observations = {
    cookie: await attempt(() => cookieFlow(context)),
    bearer: await attempt(() => bearerFlow(context)),
    secondOrigin: await readFrom(context, config.pages.second, corsProbes(config.api.sameSite)),
    untrusted: await readFrom(context, config.pages.untrusted, corsProbes(config.api.sameSite)),
  };
  process.stdout.write(JSON.stringify(observations));
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
