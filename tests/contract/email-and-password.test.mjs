// Better Auth's own client (npm better-auth, pinned in package.json) against this API: every
// email-and-password flow the front end uses, with dates read the way the client reads them.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  DAY,
  PASSWORD,
  SESSION_COOKIE,
  assertAbout,
  assertNow,
  bearerDevice,
  browser,
  emailedToken,
  newEmail,
  ok,
  refused,
  sessionOf,
  signIn,
  signUp,
} from "./support.mjs";

test("sign-up answers the user with its dates, and sets the session cookie", async () => {
  const { user, token, jar, email } = await signUp("signup");

  assert.equal(user.email, email);
  assert.equal(user.emailVerified, false);
  assert.match(token, /^[A-Za-z0-9]+$/);
  assertNow(user.createdAt, "user.createdAt");
  assertNow(user.updatedAt, "user.updatedAt");
  assert.ok(jar.get(SESSION_COOKIE), "session cookie kept");
});

test("sign-in: a wrong password is 401 INVALID_EMAIL_OR_PASSWORD; the right one opens a session", async () => {
  const { email } = await signUp("signin");
  const device = browser();

  refused(await device.client.signIn.email({ email, password: "wrong password" }), 401, "INVALID_EMAIL_OR_PASSWORD");
  const data = ok(await device.client.signIn.email({ email, password: PASSWORD }), "sign-in");

  assert.equal(data.redirect, false);
  assert.equal(data.user.email, email);
  assertNow(data.user.createdAt, "user.createdAt");
  assert.equal((await sessionOf(device)).user.email, email);
});

test("get-session: dates as the clock says, expiresAt seven days ahead", async () => {
  const device = await signUp("session");

  const { session, user } = await sessionOf(device);

  assert.equal(user.id, device.user.id);
  assert.equal(session.userId, user.id);
  assertNow(session.createdAt, "session.createdAt");
  assertNow(session.updatedAt, "session.updatedAt");
  assertAbout(session.expiresAt, Date.now() + 7 * DAY, "session.expiresAt");
  assertNow(user.createdAt, "user.createdAt");
});

test("list-sessions shows both devices; revoke-session with a listed token ends the other one", async () => {
  const laptop = await signUp("devices");
  const phone = await signIn(laptop.email);

  const sessions = ok(await laptop.client.listSessions(), "list-sessions");
  assert.equal(sessions.length, 2);
  for (const session of sessions) {
    assertNow(session.createdAt, "listed createdAt");
    assertAbout(session.expiresAt, Date.now() + 7 * DAY, "listed expiresAt");
  }
  const phoneSession = (await sessionOf(phone)).session;
  const listed = sessions.find((session) => session.id === phoneSession.id);
  assert.ok(listed, "the phone's session is listed");

  assert.deepEqual(ok(await laptop.client.revokeSession({ token: listed.token }), "revoke-session"), { status: true });
  assert.equal(await sessionOf(phone), null);
  assert.equal((await sessionOf(laptop)).user.id, laptop.user.id);
});

test("revoke-other-sessions keeps only the current one; revoke-sessions ends them all", async () => {
  const laptop = await signUp("revoke");
  const phone = await signIn(laptop.email);

  assert.deepEqual(ok(await laptop.client.revokeOtherSessions(), "revoke-other-sessions"), { status: true });
  assert.equal(await sessionOf(phone), null);
  assert.ok(await sessionOf(laptop));

  const tablet = await signIn(laptop.email);
  assert.deepEqual(ok(await laptop.client.revokeSessions(), "revoke-sessions"), { status: true });
  assert.equal(await sessionOf(tablet), null);
  assert.equal(await sessionOf(laptop), null);
});

test("update-user changes the profile and refuses an email change", async () => {
  const device = await signUp("update");

  assert.deepEqual(ok(await device.client.updateUser({ name: "Casper II", lastName: "Ghost" }), "update-user"), {
    status: true,
  });
  refused(await device.client.updateUser({ email: newEmail() }), 400, "EMAIL_CAN_NOT_BE_UPDATED");

  const { user } = await sessionOf(device);
  assert.equal(user.name, "Casper II");
  assert.equal(user.lastName, "Ghost");
  assertNow(user.updatedAt, "user.updatedAt");
});

test("change-password with revokeOtherSessions opens a new session and ends the others", async () => {
  const laptop = await signUp("password");
  const phone = await signIn(laptop.email);
  const before = (await sessionOf(laptop)).session.id;
  const newPassword = `${PASSWORD} 2`;

  const data = ok(
    await laptop.client.changePassword({ currentPassword: PASSWORD, newPassword, revokeOtherSessions: true }),
    "change-password",
  );

  assert.match(data.token, /^[A-Za-z0-9]+$/);
  assertNow(data.user.updatedAt, "user.updatedAt");
  assert.notEqual((await sessionOf(laptop)).session.id, before, "the laptop holds the new session");
  assert.equal(await sessionOf(phone), null);
  refused(await browser().client.signIn.email({ email: laptop.email, password: PASSWORD }), 401, "INVALID_EMAIL_OR_PASSWORD");
  await signIn(laptop.email, newPassword);
});

test("send-verification-email and verify-email mark the user verified", async () => {
  const device = await signUp("verify");

  const sent = ok(await device.client.sendVerificationEmail({ email: device.email }), "send-verification-email");
  assert.deepEqual(sent, { status: true });
  const token = emailedToken(device.email, "verify-email");
  const verified = ok(await device.client.verifyEmail({ query: { token } }), "verify-email");

  assert.deepEqual(verified, { status: true, user: null });
  assert.equal((await sessionOf(device)).user.emailVerified, true);
  refused(await device.client.verifyEmail({ query: { token } }), 401, "INVALID_TOKEN");
});

test("request-password-reset and reset-password: a new password, every session ended, no token reuse", async () => {
  const device = await signUp("reset");
  const anonymous = browser().client;
  const newPassword = `${PASSWORD} reset`;

  const requested = ok(
    await anonymous.requestPasswordReset({ email: device.email, redirectTo: "/reset-password" }),
    "request-password-reset",
  );
  assert.equal(requested.status, true);
  const token = emailedToken(device.email, "reset-password");
  assert.deepEqual(ok(await anonymous.resetPassword({ newPassword, token }), "reset-password"), { status: true });

  refused(await anonymous.resetPassword({ newPassword: `${newPassword}!`, token }), 400, "INVALID_TOKEN");
  assert.equal(await sessionOf(device), null);
  await signIn(device.email, newPassword);
});

test("delete-user with the password removes the account and its sessions", async () => {
  const device = await signUp("delete");

  const deleted = ok(await device.client.deleteUser({ password: PASSWORD }), "delete-user");

  assert.deepEqual(deleted, { success: true, message: "User deleted" });
  assert.equal(device.jar.has(SESSION_COOKIE), false, "cookie cleared");
  assert.equal(await sessionOf(device), null);
  refused(await browser().client.signIn.email({ email: device.email, password: PASSWORD }), 401, "INVALID_EMAIL_OR_PASSWORD");
});

test("sign-out ends the session and clears the cookie", async () => {
  const device = await signUp("signout");

  assert.deepEqual(ok(await device.client.signOut(), "sign-out"), { success: true });

  assert.equal(device.jar.has(SESSION_COOKIE), false);
  assert.equal(await sessionOf(device), null);
});

test("bearer mode: set-auth-token as Authorization, no cookies", async () => {
  const { email } = await signUp("bearer");
  const device = bearerDevice();

  ok(await device.client.signIn.email({ email, password: PASSWORD }), "sign-in");
  const { session } = await sessionOf(device);

  assertAbout(session.expiresAt, Date.now() + 7 * DAY, "session.expiresAt");
  assert.equal(ok(await device.client.listSessions(), "list-sessions").length, 2);
  ok(await device.client.signOut(), "sign-out");
  assert.equal(await sessionOf(device), null, "the token no longer opens a session");
});
