/**
 * Writes an `authorized_user` credentials file in the format gcloud writes for application default
 * credentials (docs/oauth.md §4.1), so the sdk, google-auth-library and gcloud-aware tools
 * all read it.
 *
 * The file holds a long-lived refresh token, so it is created 0600 in a 0700 directory, and written to a
 * temporary file in the same directory first and renamed into place: a reader never sees half a file,
 * and an existing file is replaced atomically rather than truncated and rewritten.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";

export interface AuthorizedUserCredentials {
  type: "authorized_user";
  client_id: string;
  client_secret: string;
  refresh_token: string;
  quota_project_id?: string;
}

/**
 * Our own location rather than gcloud's application_default_credentials.json: overwriting that file
 * would silently change the identity of every other tool that uses ADC on this machine.
 */
export function defaultCredentialsPath(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(configHome, "gcp-billing-link", "credentials.json");
}

export function credentialsJson(c: AuthorizedUserCredentials): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}

export function writeCredentialsFile(path: string, c: AuthorizedUserCredentials): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  // "wx": never follow or reuse an existing file at the temporary name.
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, credentialsJson(c));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
