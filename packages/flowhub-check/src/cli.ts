import { createSecretBox, databaseEnv, encryptionEnv, flowhubEnv } from '@flowhub-sync/config';
import { failedLine, runFlowhubCheck, type CheckClientOptions, type CheckReport, type CheckTarget } from './check';
import { renderText, scrubSecrets } from './render';
import { CheckSetupError, loadCheckEnv, targetFromEnvironment, targetFromStore } from './targets';

export const USAGE = `usage: npm run flowhub:check -- [--store <storeId>] [--json]

A read-only check of Flowhub settings against Flowhub: the Order Ahead token, the client's locations and one
inventory read of the location, as a sync reads it. Nothing is written and no order is created.
  --store <storeId>  the settings saved for a store (needs DATABASE_URL and ENCRYPTION_KEY; ENCRYPTION_KEYS_OLD honoured)
                     without it: FLOWHUB_CLIENT_ID, FLOWHUB_API_KEY, FLOWHUB_LOCATION_ID, and optionally
                     FLOWHUB_ORDER_AHEAD_CLIENT_ID with FLOWHUB_ORDER_AHEAD_TOKEN
  --json             one JSON object instead of the text; its "result" field holds the result line
Flowhub: FLOWHUB_API_URL, FLOWHUB_AUTH_URL, HTTPS_PROXY. Exit status 0 only when the check passed.
`;

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export interface CliArguments {
  storeId: string | null;
  json: boolean;
  help: boolean;
}

export function parseArguments(argv: readonly string[]): CliArguments {
  const parsed: CliArguments = { storeId: null, json: false, help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') parsed.json = true;
    else if (arg === '--help' || arg === '-h') parsed.help = true;
    else if (arg === '--store' || arg.startsWith('--store=')) {
      const value = arg === '--store' ? argv[++i] : arg.slice('--store='.length);
      if (!value || value.startsWith('--')) throw new CheckSetupError('--store needs a store id');
      parsed.storeId = value;
    } else throw new CheckSetupError(`unknown argument ${JSON.stringify(arg)} (see --help)`);
  }
  return parsed;
}

/** `npm run flowhub:check`: returns the exit status (0 only when the check passed). */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: CliOutput,
  overrides: Partial<CheckClientOptions> = {},
): Promise<number> {
  let json = argv.includes('--json');
  // Every secret the check may hold, for the last scrub of what is printed.
  const secrets: (string | undefined)[] = [
    env.ENCRYPTION_KEY,
    ...(env.ENCRYPTION_KEYS_OLD ?? '').split(',').map((old) => old.trim()),
    env.FLOWHUB_API_KEY,
    env.FLOWHUB_ORDER_AHEAD_TOKEN,
  ];
  const print = (text: string) => output.out(scrubSecrets(text, secrets));
  const failBeforeCheck = (reason: string) => {
    const result = failedLine(reason);
    print(json ? `${JSON.stringify({ result, ok: false, error: reason }, null, 2)}\n` : `${result}\n`);
    return 1;
  };

  let report: CheckReport;
  try {
    const args = parseArguments(argv);
    json = args.json;
    if (args.help) {
      output.out(USAGE);
      return 0;
    }
    const flowhub = loadCheckEnv(flowhubEnv, env);
    secrets.push(passwordOf(flowhub.HTTPS_PROXY));
    let target: CheckTarget;
    if (args.storeId !== null) {
      const vars = loadCheckEnv({ ...databaseEnv, ...encryptionEnv }, env);
      secrets.push(passwordOf(vars.DATABASE_URL));
      target = await targetFromStore(vars.DATABASE_URL, createSecretBox(vars.ENCRYPTION_KEY, vars.ENCRYPTION_KEYS_OLD), args.storeId);
    } else {
      target = targetFromEnvironment(env);
    }
    secrets.push(target.apiKey, target.orderAhead?.clientSecret);
    report = await runFlowhubCheck(target, {
      apiUrl: flowhub.FLOWHUB_API_URL,
      authUrl: flowhub.FLOWHUB_AUTH_URL,
      proxyUrl: flowhub.HTTPS_PROXY,
      ...overrides,
    });
  } catch (error) {
    if (error instanceof CheckSetupError) {
      if (/unknown argument|--store needs/.test(error.message)) output.err(USAGE);
      return failBeforeCheck(error.message);
    }
    // The database unreachable, and the like: the check could not run; say why, on the one line.
    return failBeforeCheck(error instanceof Error ? error.message : String(error));
  }
  print(json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
  return report.ok ? 0 : 1;
}

function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
