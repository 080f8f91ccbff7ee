// A real OpenID Connect provider on loopback for the single sign-on tests (tests/oidc/conftest.py starts it).
//
// It is node-oidc-provider (the npm package `oidc-provider`, pinned in package-lock.json), certified by the
// OpenID Foundation, with our own small sign-in and consent pages in front of it, as an organisation's
// directory would have. Usage: node tests/oidc/provider.mjs CONFIG.json; the JSON gives
//   {"port": 0, "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//    "accounts": {"sam@council.example": {"email_verified": true, "password": "..."}}}
// It prints "listening <issuer>" once it answers. Only for tests: state is kept in memory.
//
// Test controls (loopback only, never in a real provider):
//   POST /__test__/token-clock?shift=-3600  the token endpoint's clock runs that many seconds behind,
//                                           so the ID token it issues has already expired (0 to reset).
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;
const controls = { tokenClockShift: 0 };

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

async function readForm(req) {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 10000) throw new Error('form too large');
  }
  return new URLSearchParams(raw);
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function loginForm(uid, clientName, error = '') {
  return page(`Sign in to your organisation`, `
<p>Northbridge directory (test provider). ${escape(clientName)} asks you to sign in.</p>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <label for="email">Email address</label> <input id="email" name="email" type="email" autocomplete="off">
  <label for="password">Directory password</label> <input id="password" name="password" type="password">
  <label><input type="checkbox" name="mfa" value="1"> I approved the sign-in on my phone (MFA)</label>
  <button type="submit">Sign in to directory</button>
</form>`);
}

function consentForm(uid, clientName, scopes) {
  return page('Allow access', `
<p>${escape(clientName)} would like your ${escape(scopes.join(', '))}.</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`);
}

const provider = new Provider(`http://127.0.0.1:${config.port}`, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    ...client,
  })),
  pkce: { required: () => true },
  // amr (how the person signed in: ['pwd'] or ['pwd', 'mfa']) is in the ID token, as Entra ID puts it there.
  claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'] },
  cookies: { keys: ['test-only-cookie-key-0123456789abcdef'] },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: accounts[id].email_verified };
      },
    };
  },
});
provider.proxy = false;

provider.use(async (ctx, next) => {
  if (ctx.path === '/token' && controls.tokenClockShift) {
    const realNow = Date.now;
    Date.now = () => realNow() + controls.tokenClockShift * 1000;
    try {
      await next();
    } finally {
      Date.now = realNow;
    }
  } else {
    await next();
  }
});

async function interaction(req, res, uid, step) {
  const details = await provider.interactionDetails(req, res);
  const client = await provider.Client.find(details.params.client_id);
  const clientName = client?.clientName || details.params.client_id;
  if (details.uid !== uid) return send(res, 400, page('Wrong interaction', ''));
  if (req.method === 'GET') {
    if (details.prompt.name === 'login') return send(res, 200, loginForm(uid, clientName));
    return send(res, 200, consentForm(uid, clientName, details.params.scope.split(' ')));
  }
  if (step === 'login') {
    const form = await readForm(req);
    const email = (form.get('email') || '').toLowerCase();
    const account = accounts[email];
    if (!account || form.get('password') !== account.password) {
      return send(res, 200, loginForm(uid, clientName, 'Wrong email address or password'));
    }
    const amr = form.get('mfa') ? ['pwd', 'mfa'] : ['pwd'];
    return provider.interactionFinished(req, res, { login: { accountId: email, amr } }, { mergeWithLastSubmission: false });
  }
  if (step === 'confirm') {
    const { prompt: { details: missing }, params, session: { accountId } } = details;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (step === 'abort') {
    const result = { error: 'access_denied', error_description: 'The person did not allow access' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  return send(res, 404, page('Not found', ''));
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  try {
    if (url.pathname === '/__test__/token-clock' && req.method === 'POST') {
      controls.tokenClockShift = Number(url.searchParams.get('shift') || 0);
      res.writeHead(204);
      return res.end();
    }
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/);
    if (match) return await interaction(req, res, match[1], match[2]);
  } catch (error) {
    return send(res, 400, page('Sign-in failed', `<p>${escape(error.message)}</p>`));
  }
  return callback(req, res);
});

server.listen(config.port, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
