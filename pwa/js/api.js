// The sync API (/api/v1): JSON in and out, the device token as a Bearer header.
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || 'http';
    this.fields = error.fields || {};
    this.details = error; // the whole error object (e.g. the server's `offset` on offset_mismatch)
  }
}

// No answer at all: offline, server down, connection cut. Nothing is known to have arrived.
export class NetworkError extends Error {}

const TIMEOUT_MS = 30000;

// Bodies over 1 KiB go gzipped (the server accepts it): on GPRS the upload is the slow part.
async function encode(body) {
  if (body === undefined) return {data: undefined, headers: {}};
  const json = JSON.stringify(body);
  if (json.length < 1024 || !('CompressionStream' in self)) return {data: json, headers: {}};
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'));
  return {data: await new Response(stream).blob(), headers: {'Content-Encoding': 'gzip'}};
}

// `raw`: a Blob sent as it is (a photo's chunk), instead of a JSON `body`.
export async function request(path, {method = 'GET', token, body, raw, headers = {}, timeout = TIMEOUT_MS} = {}) {
  const encoded = raw !== undefined ? {data: raw, headers: {}} : await encode(body);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: controller.signal,
      headers: {
        Accept: 'application/json',
        ...(body !== undefined ? {'Content-Type': 'application/json'} : {}),
        ...(token ? {Authorization: `Bearer ${token}`} : {}),
        ...encoded.headers,
        ...headers,
      },
      body: encoded.data,
    });
  } catch (error) {
    throw new NetworkError(String(error));
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 304 || response.status === 204) {
    return {status: response.status, body: null, headers: response.headers};
  }
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    // a proxy's HTML error page, or a cut body
    if (response.ok) throw new NetworkError('unreadable answer');
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return {status: response.status, body: data, headers: response.headers};
}

// A device token from the web session (cookie + CSRF token of a freshly loaded page).
export async function issueToken(csrfToken, deviceName) {
  const {body} = await request('/api/v1/tokens', {
    method: 'POST', body: {device_name: deviceName}, headers: {'X-CSRFToken': csrfToken},
  });
  return body;
}

// Sign-out: revoke the token this device holds. A 401 means it no longer works anyway (revoked,
// expired): for the device that is as good as done.
export async function revokeCurrentToken(token) {
  try {
    await request('/api/v1/tokens/current', {method: 'DELETE', token});
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  }
}

export async function bootstrap(token, etag) {
  const {status, body, headers} = await request('/api/v1/bootstrap', {
    token, headers: etag ? {'If-None-Match': etag} : {},
  });
  return status === 304 ? null : {data: body, etag: headers.get('ETag')};
}

export async function push(token, deviceId, visits) {
  const {body} = await request('/api/v1/sync/push', {
    method: 'POST', token, body: {device_id: deviceId, visits},
  });
  return body.results;
}

// The whole push envelope (visits, accounts, directions_done); the whole answer.
export async function pushBody(token, envelope) {
  const {body} = await request('/api/v1/sync/push', {method: 'POST', token, body: envelope});
  return body;
}

export async function pull(token, since, directionsSince = null, limit = 200) {
  const query = new URLSearchParams({limit: String(limit)});
  if (since !== null && since !== undefined) query.set('since', String(since));
  if (directionsSince !== null && directionsSince !== undefined) query.set('directions_since', String(directionsSince));
  const {body} = await request(`/api/v1/sync/pull?${query}`, {token});
  return body;
}
