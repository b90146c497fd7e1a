import escapeHtml from "escape-html";
import { SCOPE_DESCRIPTIONS } from "../scopes";

/** The HTML the authorization endpoint shows. Every interpolated value is escaped. */

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#202124}
h1{font-size:1.5rem}ul{padding-left:1.2rem}li{margin:.4rem 0}code{font-size:.85em;color:#5f6368}
fieldset{border:1px solid #dadce0;border-radius:8px;margin:1rem 0}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}
.banner{background:#fef7e0;padding:.5rem 1rem;border-radius:8px}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<p class="banner">Local Google OAuth emulator — no real Google account is involved.</p>
${body}
</body>
</html>
`;
}

export interface ConsentPageModel {
  consentId: string;
  clientId: string;
  redirectHost: string;
  scopes: string[];
  principals: string[];
  preselected: string | undefined;
}

export function consentPageHtml(m: ConsentPageModel): string {
  const scopes = m.scopes
    .map((s) => `<li>${escapeHtml(SCOPE_DESCRIPTIONS[s] ?? s)}<br><code>${escapeHtml(s)}</code></li>`)
    .join("\n");
  const principals = m.principals
    .map((p, i) => {
      const checked = p === m.preselected || (m.preselected === undefined && i === 0) ? " checked" : "";
      return `<label><input type="radio" name="principal" value="${escapeHtml(p)}"${checked}> ${escapeHtml(p)}</label><br>`;
    })
    .join("\n");
  return page(
    "Sign in - Google Accounts",
    `<h1>Choose an account to continue</h1>
<p>The application <code>${escapeHtml(m.clientId)}</code> (redirecting to <code>${escapeHtml(m.redirectHost)}</code>) wants to:</p>
<ul>
${scopes}
</ul>
<form method="post" action="/o/oauth2/v2/auth">
<input type="hidden" name="consent_id" value="${escapeHtml(m.consentId)}">
<fieldset><legend>Account</legend>
${principals}
</fieldset>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/** Google shows parameter and client errors on its own page instead of redirecting (docs/oauth.md §2.1). */
export function authorizationErrorHtml(httpStatus: number, error: string, description: string): string {
  return page(
    `Error ${httpStatus}: ${error}`,
    `<h1>Access blocked: Authorization Error</h1>
<p>${escapeHtml(description)}</p>
<p><b>Error ${httpStatus}: ${escapeHtml(error)}</b></p>`,
  );
}
