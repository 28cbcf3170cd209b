// A real OpenID Provider for Vigil's end-to-end tests: the certified `oidc-provider` package with
// its development interactions (a login form that takes any account id, then a consent page).
//
// It listens on a free loopback port and prints one JSON line, {"issuer": "http://127.0.0.1:<port>"},
// then reads one JSON line of configuration on stdin (the test knows its redirect URI only once the
// server under test is up):
//
//   {"client": {"client_id", "client_secret", "redirect_uris": [...]},
//    "accounts": {"<login>": {"email", "email_verified", "name", "groups": [...]}},
//    "id_token_claims": true}
//
// and prints {"ready": true} once it serves. With "id_token_claims" false, the ID token carries
// only `sub` and the other claims come from the userinfo endpoint (the provider's default, as the
// specification has it for the code flow). It stops when stdin closes.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import Provider from 'oidc-provider';

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
console.log(JSON.stringify({ issuer }));

const lines = createInterface({ input: process.stdin });
const first = await new Promise((resolve) => lines.once('line', resolve));
const config = JSON.parse(first);
lines.on('close', () => process.exit(0));

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const accounts = config.accounts ?? {};

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client.client_id,
    client_secret: config.client.client_secret,
    redirect_uris: config.client.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  conformIdTokenClaims: config.id_token_claims === false,
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
});
// Errors the provider answers with (bad client, bad code) show in the test's output.
provider.on('server_error', (ctx, error) => console.error('oidc-provider server error:', error));

server.on('request', provider.callback());
console.log(JSON.stringify({ ready: true }));
