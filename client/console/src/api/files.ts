import { API_BASE_URL } from "./api";

/**
 * Where a PDF link points. The API answers file links as paths ("/api/v1/files/…", signed, no Authorization
 * header needed); they are resolved like every API call: against API_BASE_URL on the console's origin.
 */
export function fileUrl(path: string): string {
  return new URL(`${API_BASE_URL}${path}`, window.location.origin).href;
}
