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

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
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
