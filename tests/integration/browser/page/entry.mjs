// Bundled by esbuild at test time into better-auth-client.js: the npm client, exactly as a front end ships it.
export { createAuthClient } from "better-auth/client";
