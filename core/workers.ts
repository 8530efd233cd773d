/**
 * How many workers a run gets, by where its time goes. Against a server on this machine (the
 * embedded reference, or any loopback target) the server's CPU is this machine's: more workers than
 * its cores only queue behind bcrypt. Against a remote server the time is round trips, which more
 * workers overlap. ZC_WORKERS overrides both.
 */
export const LOCAL_WORKERS = 3;
export const REMOTE_WORKERS = 6;

export function defaultWorkers(baseURL = process.env.BASE_URL): number {
  const explicit = Number(process.env.ZC_WORKERS);
  if (Number.isInteger(explicit) && explicit > 0) return explicit;
  if (!baseURL) return LOCAL_WORKERS;
  try {
    const host = new URL(baseURL).hostname.replace(/^\[|\]$/g, '');
    return /^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host) ? LOCAL_WORKERS : REMOTE_WORKERS;
  } catch {
    return LOCAL_WORKERS;
  }
}
