/**
 * The client side of ZenML's device flow (RFC 8628) as the ZenML CLI runs it: read the codes of a
 * device authorization answer, and poll for the token.
 */
import type { ApiResponse } from '../core/http';
import type { Extra, ZenmlApi } from './api';
import type { DeviceAuthorizationResponse, TokenResponse } from './models';

/** What a client keeps of a device authorization answer. */
export interface DeviceCodes {
  clientId: string;
  deviceCode: string;
  userCode: string;
  /** Seconds between polls, as advertised (RFC 8628 §3.2: 5 when absent). */
  interval: number;
}

export function codesOf(clientId: string, response: ApiResponse<DeviceAuthorizationResponse>): DeviceCodes {
  const b = response.body;
  return {
    clientId,
    deviceCode: String(b.device_code),
    userCode: String(b.user_code),
    interval: typeof b.interval === 'number' && b.interval > 0 ? b.interval : 5,
  };
}

/** RFC 8628 §3.5: after slow_down the client adds 5 s to its interval. The CLI waits that long. */
const SLOW_DOWN_STEP_S = 5;
const MAX_SLOW_DOWNS = 2;
const MAX_POLL_WAIT_S = 20;

/** Poll for the device's token as the ZenML CLI does: after slow_down, wait the interval plus 5 s
 * and poll again (at most twice); any other answer is returned as it is. */
export async function pollDevice(
  zenml: ZenmlApi,
  device: Pick<DeviceCodes, 'clientId' | 'deviceCode' | 'interval'>,
  extra: Extra = {},
): Promise<ApiResponse<TokenResponse>> {
  let interval = device.interval;
  for (let slowDowns = 0; ; slowDowns++) {
    const res = await zenml.login.device(device.clientId, device.deviceCode, extra);
    const error = (res.body as { error?: unknown } | undefined)?.error;
    if (slowDowns >= MAX_SLOW_DOWNS || res.status !== 400 || error !== 'slow_down') return res;
    interval += SLOW_DOWN_STEP_S;
    await new Promise((r) => setTimeout(r, Math.min(interval, MAX_POLL_WAIT_S) * 1000));
  }
}
