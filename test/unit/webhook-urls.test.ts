import { describe, expect, it } from 'vitest';
import { WebhookUrlRefused } from '../../shared/domain/errors.js';
import { checkWebhookUrl } from '../../shared/use-cases/subscription-use-cases.js';

/** Host names resolve through this table only: no network in the unit tier. */
const dns: Record<string, string[]> = {
  'crm.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'rebinding.example.com': ['93.184.215.14', '10.0.0.7'],
  'metadata.example.com': ['169.254.169.254'],
  localhost: ['127.0.0.1', '::1'],
};
const deps = (allowLoopback: boolean) => ({
  policy: { allowLoopback },
  resolveHost: async (host: string) => dns[host] ?? [],
});
const refusal = (url: string, allowLoopback = false) =>
  checkWebhookUrl(deps(allowLoopback), url).then(
    () => undefined,
    (error: unknown) => (expect(error).toBeInstanceOf(WebhookUrlRefused), (error as WebhookUrlRefused).reason),
  );

describe('webhook URLs', () => {
  it('accepts https to public addresses, literal or resolved', async () => {
    expect(await refusal('https://crm.example.com/hooks')).toBeUndefined();
    expect(await refusal('https://93.184.215.14:8443/hooks?x=1')).toBeUndefined();
    expect(await refusal('https://[2606:4700::1111]/')).toBeUndefined();
  });

  it('refuses private, loopback, link-local, unique-local and metadata addresses in any spelling', async () => {
    for (const url of [
      'https://10.0.0.1/',
      'https://192.168.1.10/',
      'https://172.16.5.4/',
      'https://100.64.0.1/', // carrier-grade NAT
      'https://127.0.0.1/',
      'https://0x7f.1/', // 127.0.0.1
      'https://2130706433/', // 127.0.0.1
      'https://017700000001/', // 127.0.0.1 in octal
      'https://0.0.0.0/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://[::ffff:10.0.0.1]/',
      'https://[fd00:ec2::254]/',
      'https://[fe80::1]/',
      'https://[64:ff9b::a00:1]/', // NAT64 of 10.0.0.1
      'https://[::127.0.0.1]/', // IPv4-compatible (deprecated) spellings
      'https://[::169.254.169.254]/',
      'https://localhost/',
      'https://metadata.example.com/',
      'https://rebinding.example.com/', // one private address among public ones is enough
    ])
      expect(await refusal(url), url).toMatch(/address|resolve/);
  });

  it('refuses other schemes, plain http, credentials, and hosts that do not resolve', async () => {
    expect(await refusal('http://crm.example.com/')).toMatch(/https/);
    expect(await refusal('ftp://crm.example.com/')).toMatch(/https/);
    expect(await refusal('not a url')).toMatch(/absolute/);
    expect(await refusal('https://user:secret@crm.example.com/')).toMatch(/credentials/);
    expect(await refusal('https://nowhere.invalid/')).toMatch(/does not resolve/);
  });

  it('lets the local runner reach loopback, plain http included, and nothing else more', async () => {
    expect(await refusal('http://127.0.0.1:4000/hook', true)).toBeUndefined();
    expect(await refusal('http://localhost:4000/hook', true)).toBeUndefined();
    expect(await refusal('https://[::1]:4000/hook', true)).toBeUndefined();
    expect(await refusal('http://crm.example.com/', true)).toMatch(/https/);
    expect(await refusal('https://10.0.0.1/', true)).toMatch(/private/);
    expect(await refusal('https://169.254.169.254/', true)).toMatch(/linkLocal/);
  });
});
