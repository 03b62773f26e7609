// The backend's REST API, with the JWT of the signed-in user.

import { state } from './state.js';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.message || body.error)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

let unauthorized = () => {};

/** What to do when the backend answers 401 to a signed-in page (sign out). */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/** Calls the API with a JSON body (or none); the answer's JSON, or an `ApiError`. */
export async function api(method, path, body) {
  if (body === undefined) return request(method, path, undefined, {});
  return request(method, path, JSON.stringify(body), { 'Content-Type': 'application/json' });
}

async function request(method, path, body, extraHeaders) {
  const headers = { Accept: 'application/json', ...extraHeaders };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body });
  } catch (error) {
    throw new ApiError(0, { message: 'the backend cannot be reached' });
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (response.status === 401 && state.token) {
    unauthorized('Your login has expired or is no longer valid. Please log in again.');
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const sessionPath = (name) => `/api/sessions/${encodeURIComponent(name)}`;
export const conversationPath = (id) => `/api/conversations/${encodeURIComponent(id)}`;
export const sessionQuery = () => `session=${encodeURIComponent(state.session)}`;

/** Posts `fields` as `multipart/form-data` (a `File` is sent as a file part). */
export async function upload(path, fields) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Blob) form.append(name, value, value.name || 'file');
    else form.append(name, String(value));
  }
  return request('POST', path, form, {});
}
