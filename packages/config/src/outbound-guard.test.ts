import { loadEnv, webhookEnv } from './env';
import {
  addressRefusal,
  checkOutboundUrl,
  isPublicUnicastAddress,
  literalAddress,
  type HostResolver,
  type ResolvedAddress,
} from './outbound-guard';

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });

/** A resolver over a fixed table: no test touches real DNS. Every name asked is recorded. */
function tableResolver(table: Record<string, ResolvedAddress[] | 'hang' | 'nxdomain'>) {
  const asked: string[] = [];
  const resolve: HostResolver = async (hostname) => {
    asked.push(hostname);
    const answer = table[hostname] ?? 'nxdomain';
    if (answer === 'hang') return new Promise<never>(() => undefined);
    if (answer === 'nxdomain') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  };
  return { resolve, asked };
}

const noDns: HostResolver = async (hostname) => {
  throw new Error(`unexpected resolution of ${hostname}`);
};

describe('WHATWG URL parsing', () => {
  // What the guard gets from `new URL(...)`: these spellings are already dotted quads or bracketed IPv6.
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://127.000.000.001/', '127.0.0.1'],
    ['http://127.0.0.1./', '127.0.0.1'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1'],
    ['http://１２７.０.０.１/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://0xA9FEA9FE/', '169.254.169.254'],
    ['http://LOCALHOST/', 'localhost'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', '[::ffff:7f00:1]'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
  ])('normalises %s to %s', (url, hostname) => {
    expect(new URL(url).hostname).toBe(hostname);
  });

  // …and what it leaves for the guard: trailing dots, *.localhost, IPv6 forms that carry an IPv4 address.
  it.each([
    ['http://localhost./', 'localhost.'],
    ['http://foo.localhost./', 'foo.localhost.'],
    ['http://[64:ff9b::7f00:1]/', '[64:ff9b::7f00:1]'],
    ['http://[2002:7f00:1::]/', '[2002:7f00:1::]'],
    ['http://[::127.0.0.1]/', '[::7f00:1]'],
  ])('leaves %s as %s', (url, hostname) => {
    expect(new URL(url).hostname).toBe(hostname);
  });
});

describe('the outbound guard', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:9464/metrics',
    'http://10.0.0.5/',
    'http://[::1]:6379/',
    'http://localhost:5432/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://017700000001/',
    'http://0x7f.0x0.0x0.0x1/',
    'http://127.1/',
    'http://127.000.000.001/',
    'http://127.0.0.1./',
    'http://%31%32%37.0.0.1/',
    'http://１２７.０.０.１/',
    'http://0/',
    'http://0.0.0.0:3000/',
    'http://2852039166/',
    'http://0xA9FEA9FE/',
    'http://LOCALHOST./',
    'http://foo.localhost/',
    'http://api.localhost.:8080/hook',
    'http://localhost%2e/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[0:0:0:0:0:ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b::10.0.0.5]/',
    'http://[64:ff9b:1::10.0.0.5]/',
    'http://[2002:7f00:1::]/',
    'http://[2002:c0a8:101::1]/',
    'http://[::127.0.0.1]/',
    'http://[::5db8:d822]/',
    'http://[::]/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://[fd12:3456::1]/',
    'http://[ff02::1]/',
    'http://[2001:db8::1]/',
    'http://[2001::1]/',
    'http://[::ffff:0:7f00:1]/',
    'http://100.64.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://192.0.2.1/',
    'https://10.0.0.5:443/hooks',
    'ftp://93.184.216.34/',
  ])('refuses %s without asking DNS', async (url) => {
    const check = await checkOutboundUrl(url, { resolve: noDns });
    expect(check).toMatchObject({ verdict: 'refused', reason: expect.stringMatching(/public|http/) });
  });

  it.each([
    ['http://93.184.216.34/hook', ['93.184.216.34']],
    ['https://1.1.1.1/', ['1.1.1.1']],
    ['https://[2606:4700::1111]:8443/hook', ['2606:4700::1111']],
    ['http://[::ffff:93.184.216.34]/', ['::ffff:5db8:d822']],
    ['http://[64:ff9b::5db8:d822]/', ['64:ff9b::5db8:d822']],
    ['http://[2002:5db8:d822::1]/', ['2002:5db8:d822::1']],
  ])('allows the public address %s, to be connected to as %s', async (url, addresses) => {
    const check = await checkOutboundUrl(url, { resolve: noDns });
    expect(check).toMatchObject({ verdict: 'allowed', addresses: addresses.map((address) => ({ address })) });
  });

  it('judges raw spellings that never went through a URL the same way', () => {
    for (const spelling of [
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '127.1',
      '[::1]',
      '127.0.0.1.',
      '::ffff:127.0.0.1',
      '0',
      'fe80::1%eth0',
      '169.254.169.254',
    ]) {
      expect({ spelling, refusal: addressRefusal(spelling) }).toEqual({ spelling, refusal: expect.any(String) });
    }
    expect(addressRefusal('10.0.0.5')).toBe('private');
    expect(addressRefusal('64:ff9b::a9fe:a9fe')).toBe('linkLocal, embedded 169.254.169.254');
    expect(addressRefusal('hooks.example')).toBe('not an IP address');
    expect(literalAddress('0x7f000001')?.toString()).toBe('127.0.0.1');
    expect(literalAddress('hooks.example')).toBeNull();
    expect(isPublicUnicastAddress('93.184.216.34')).toBe(true);
    expect(isPublicUnicastAddress('2606:4700::1111')).toBe(true);
    expect(isPublicUnicastAddress('::1')).toBe(false);
  });

  it('judges a name by every address it resolves to', async () => {
    const { resolve, asked } = tableResolver({
      'hooks.example': [v4('10.0.0.5')],
      'mixed.example': [v4('93.184.216.34'), v6('::1')],
      'mapped.example': [v6('::ffff:169.254.169.254')],
      'public.example': [v4('93.184.216.34'), v6('2606:4700::1111')],
    });
    expect(await checkOutboundUrl('https://hooks.example/flowhub', { resolve })).toEqual({
      verdict: 'refused',
      hostname: 'hooks.example',
      reason: 'hooks.example resolves to 10.0.0.5, which is not a public address (private): only public internet addresses are allowed',
    });
    expect(await checkOutboundUrl('https://mixed.example/', { resolve })).toMatchObject({
      verdict: 'refused',
      reason: expect.stringContaining('::1'),
    });
    expect(await checkOutboundUrl('https://mapped.example/', { resolve })).toMatchObject({
      verdict: 'refused',
      reason: expect.stringContaining('linkLocal'),
    });
    expect(await checkOutboundUrl('https://PUBLIC.example./hook', { resolve })).toEqual({
      verdict: 'allowed',
      hostname: 'public.example',
      addresses: [v4('93.184.216.34'), v6('2606:4700::1111')],
    });
    expect(asked).toEqual(['hooks.example', 'mixed.example', 'mapped.example', 'public.example']);
  });

  it('calls a name that does not resolve, or not in time, unresolved', async () => {
    const { resolve } = tableResolver({ 'slow.example': 'hang', 'empty.example': [] });
    const started = Date.now();
    expect(await checkOutboundUrl('https://slow.example/', { resolve, timeoutMs: 100 })).toMatchObject({
      verdict: 'unresolved',
      reason: expect.stringMatching(/slow\.example could not be resolved/),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await checkOutboundUrl('https://missing.example/', { resolve })).toMatchObject({
      verdict: 'unresolved',
      reason: expect.stringContaining('ENOTFOUND'),
    });
    expect(await checkOutboundUrl('https://empty.example/', { resolve })).toMatchObject({ verdict: 'unresolved' });
  });

  it('lets everything through with WEBHOOK_ALLOW_PRIVATE_NETWORKS, still connecting to what was resolved', async () => {
    const { resolve } = tableResolver({ localhost: [v4('127.0.0.1')], 'hooks.example': [v4('10.0.0.5')] });
    const options = { resolve, allowPrivateNetworks: true };
    expect(await checkOutboundUrl('http://127.0.0.1:9999/hook', options)).toMatchObject({
      verdict: 'allowed',
      addresses: [v4('127.0.0.1')],
    });
    expect(await checkOutboundUrl('http://[::1]:9999/hook', options)).toMatchObject({ verdict: 'allowed', addresses: [v6('::1')] });
    expect(await checkOutboundUrl('http://localhost:9999/hook', options)).toMatchObject({
      verdict: 'allowed',
      addresses: [v4('127.0.0.1')],
    });
    expect(await checkOutboundUrl('http://hooks.example/', options)).toMatchObject({ verdict: 'allowed', addresses: [v4('10.0.0.5')] });
    expect(await checkOutboundUrl('ftp://127.0.0.1/', options)).toMatchObject({ verdict: 'refused' });
  });

  it('reads WEBHOOK_ALLOW_PRIVATE_NETWORKS as a boolean, off by default', () => {
    expect(loadEnv(webhookEnv, {}).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(loadEnv(webhookEnv, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBe(true);
    expect(loadEnv(webhookEnv, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' }).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(() => loadEnv(webhookEnv, { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE_NETWORKS must be true or false/,
    );
  });
});
