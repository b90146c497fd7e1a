/**
 * Refuses credentials kept as plain (non-secret) stack config. Pulumi records all stack config in the
 * stack's state as the inputs of the default `pulumi-nodejs` provider (docs/provider.md), so a refresh
 * token set without `--secret` would sit unencrypted in every checkpoint and backup. Only the program
 * knows which config values are secret (the provider process receives them all as plain strings), so this
 * runs in the program, before the first ProjectBillingLink is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { configKey, isInlineCredentials, SECRET_CONFIG_KEYS } from "./providerConfig";

type SecretKeyCheck = (fullKey: string) => boolean;

/**
 * `@pulumi/pulumi` keeps its check internal (`runtime.isConfigSecret`); it is the one that also sees
 * config set through the Automation API and `setMocks`. The environment variable the language host
 * sets is the fallback if a later release removes it.
 */
function secretKeyCheck(): SecretKeyCheck {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: SecretKeyCheck };
  if (typeof runtime.isConfigSecret === "function") return runtime.isConfigSecret;
  const listed: unknown = JSON.parse(process.env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
  return (fullKey) => Array.isArray(listed) && listed.includes(fullKey);
}

/** One paragraph per credential value that is set in plain text, each with the command that fixes it. */
export function plaintextSecretProblems(
  get: (fullKey: string) => string | undefined = pulumi.runtime.getConfig,
  isSecret: SecretKeyCheck = secretKeyCheck(),
): string[] {
  const problems: string[] = [];
  for (const key of SECRET_CONFIG_KEYS) {
    const fullKey = configKey(key);
    const value = get(fullKey);
    if (!value || isSecret(fullKey)) continue;
    if (key === "credentials") {
      if (!isInlineCredentials(value)) continue; // a path is not a secret
      problems.push(
        `${fullKey} holds the credentials JSON in plain text. Store the file's path instead (nothing secret ` +
          `then reaches state):\n    pulumi config set ${fullKey} /path/to/credentials.json\n` +
          `or keep the JSON, encrypted:\n    pulumi config set --secret ${fullKey} < /path/to/credentials.json` +
          keyAdvice(value),
      );
    } else {
      problems.push(
        `${fullKey} is set in plain text. Make it a secret:\n    pulumi config set --secret ${fullKey} <value>`,
      );
    }
  }
  return problems;
}

/** Any inline JSON is refused; a service account key gets one more line, since it is the riskiest kind. */
function keyAdvice(json: string): string {
  let type: unknown;
  try {
    type = (JSON.parse(json) as { type?: unknown }).type;
  } catch {
    return "";
  }
  return type === "service_account"
    ? "\n  It is a service account key, a long-lived secret: prefer workload identity federation or impersonation " +
        "(docs/pipeline-identities.md)."
    : "";
}

/**
 * Throws before anything is registered if a credential is plain config. A RunError ends the program with
 * just this message, without Pulumi's stack trace of the program.
 */
export function assertCredentialsAreSecret(): void {
  const problems = plaintextSecretProblems();
  if (problems.length > 0) {
    throw new pulumi.RunError(
      `gcp-billing-link refuses credentials stored as plain stack config: Pulumi would record them ` +
        `unencrypted in the state of stack ${pulumi.getStack()}.\n${problems.join("\n")}`,
    );
  }
}
