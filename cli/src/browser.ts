/**
 * Best-effort opening of the system browser (RFC 8252 §8.12: never an embedded web view). Failing to open
 * one is never an error: the consent URL is always printed too, and on a headless machine the user
 * opens it elsewhere.
 */
import { spawn } from "node:child_process";

export type BrowserOpener = (url: string) => Promise<boolean>;

function command(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): [string, string[]] | undefined {
  if (platform === "darwin") return ["open", []];
  // `start` treats its first quoted argument as a window title, hence the empty "".
  if (platform === "win32") return ["cmd", ["/c", "start", '""']];
  // Without a display xdg-open would fall back to a text-mode browser inside our terminal.
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  return ["xdg-open", []];
}

/** Resolves true if a browser launcher started; never rejects. */
export function systemBrowserOpener(env: NodeJS.ProcessEnv = process.env): BrowserOpener {
  return (url) =>
    new Promise((resolve) => {
      const cmd = command(process.platform, env);
      if (!cmd) return resolve(false);
      try {
        const child = spawn(cmd[0], [...cmd[1], url], { stdio: "ignore", detached: true });
        child.once("error", () => resolve(false));
        child.once("spawn", () => {
          child.unref();
          resolve(true);
        });
      } catch {
        resolve(false);
      }
    });
}
